import {
  createMockDirectory,
  mockServices,
} from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import fs from 'node:fs';
import path from 'node:path';
import { readTree } from '../__testUtils__/fixtures';
import { readPolicyRepositorySettings } from '../service/policyRepositories';
import { createPolicyRepositoryAction } from './policyRepository';

const DEMO = 'github.com?owner=meshport-demo&repo=mesh-policies';
const GITLAB = 'gitlab.example.com?owner=platform/mesh&repo=policies';

type Input = Parameters<
  ReturnType<typeof createPolicyRepositoryAction>['handler']
>[0]['input'];

describe('meshport:policy:repository', () => {
  const workspace = createMockDirectory();
  const snapshot = createMockDirectory();
  beforeEach(() => {
    workspace.clear();
    snapshot.clear();
  });

  async function run(
    input: Record<string, unknown>,
    config: Record<string, unknown>,
  ) {
    const settings = readPolicyRepositorySettings(
      mockServices.rootConfig({ data: config as never }),
    );
    const ctx = createMockActionContext<Input>({
      input: input as Input,
      workspacePath: workspace.path,
    });
    await createPolicyRepositoryAction(settings).handler(ctx);
    return Object.fromEntries(
      (ctx.output as jest.Mock).mock.calls.map(([k, v]) => [k, v]),
    );
  }

  const gitlab = (token?: string) => ({
    gitlab: [
      {
        host: 'gitlab.example.com',
        apiBaseUrl: 'https://gitlab.example.com/api/v4',
        ...(token ? { token } : {}),
      },
    ],
  });

  it('outputs a GitLab repository on its configured branch, ready to publish', async () => {
    await expect(
      run(
        { repoUrl: GITLAB },
        {
          mesh: { policyRepositories: [{ url: GITLAB, branch: 'prod' }] },
          integrations: gitlab('t'),
        },
      ),
    ).resolves.toEqual({
      repoUrl: GITLAB,
      fetchUrl: 'https://gitlab.example.com/platform/mesh/policies/-/tree/prod',
      provider: 'gitlab',
      branch: 'prod',
      webUrl: 'https://gitlab.example.com/platform/mesh/policies',
      canPublish: true,
      previewMessage: '',
      fetched: false,
    });
  });

  it("without credentials copies the SCM snapshot's branch into targetPath, so fetch:plain is skipped", async () => {
    snapshot.setContent({
      'repositories.json': JSON.stringify({
        repositories: [
          { url: 'github.com?owner=other&repo=x', branchDirectory: 'nope' },
          { url: DEMO, branchDirectory: 'branch' },
        ],
      }),
      'branch/policies/bookinfo/a.yaml': 'a',
      'branch/rendered/cluster-1/bookinfo/b.yaml': 'b',
      'branch/.git/config': 'not copied',
    });
    // a symbolic link could point anywhere on the backend's disk: not copied
    fs.symlinkSync('/etc/hostname', path.join(snapshot.path, 'branch/link'));
    const outputs = await run(
      { repoUrl: DEMO, targetPath: 'repo' },
      {
        mesh: {
          policyRepositories: [DEMO],
          policyLifecycle: { snapshot: { directory: snapshot.path } },
        },
        integrations: { github: [{ host: 'github.com' }] },
      },
    );
    expect(outputs).toMatchObject({ canPublish: false, fetched: true });
    expect(outputs.previewMessage).toContain('No GitHub token');
    expect(readTree(path.join(workspace.path, 'repo'))).toEqual({
      'policies/bookinfo/a.yaml': 'a',
      'rendered/cluster-1/bookinfo/b.yaml': 'b',
    });
  });

  it('without credentials and no snapshot of the repository leaves the fetch to fetch:plain', async () => {
    snapshot.setContent({ 'repositories.json': '{ "repositories": [] }' });
    const outputs = await run(
      { repoUrl: DEMO },
      {
        mesh: {
          policyRepositories: [DEMO],
          policyLifecycle: { snapshot: { directory: snapshot.path } },
        },
      },
    );
    expect(outputs).toMatchObject({ canPublish: false, fetched: false });
    expect(fs.existsSync(path.join(workspace.path, 'policy-repo'))).toBe(false);
  });

  it.each([
    ['{', 'is not valid JSON'],
    [
      '{"repositories": 3}',
      'must hold { repositories: [{ url, branchDirectory }] }',
    ],
    ['[]', 'must hold { repositories: [{ url, branchDirectory }] }'],
    [
      `{"repositories": [{ "url": "${DEMO}", "branchDirectory": "../elsewhere" }]}`,
      'leaves',
    ],
    [
      `{"repositories": [{ "url": "${DEMO}", "branchDirectory": 3 }]}`,
      'must be a folder name',
    ],
  ])('names a malformed snapshot %j', async (content, message) => {
    snapshot.setContent({ 'repositories.json': content });
    await expect(
      run(
        { repoUrl: DEMO },
        {
          mesh: {
            policyRepositories: [DEMO],
            policyLifecycle: { snapshot: { directory: snapshot.path } },
          },
        },
      ),
    ).rejects.toThrow(message);
  });

  it('refuses a targetPath outside the workspace', async () => {
    snapshot.setContent({
      'repositories.json': JSON.stringify({
        repositories: [{ url: DEMO, branchDirectory: 'branch' }],
      }),
      branch: {},
    });
    await expect(
      run(
        { repoUrl: DEMO, targetPath: '../elsewhere' },
        {
          mesh: {
            policyRepositories: [DEMO],
            policyLifecycle: { snapshot: { directory: snapshot.path } },
          },
        },
      ),
    ).rejects.toThrow(
      'targetPath "../elsewhere" is outside the task workspace',
    );
  });

  it('refuses a repository outside the list even without credentials', async () => {
    await expect(
      run(
        { repoUrl: 'github.com?owner=mallory&repo=mesh-policies' },
        { mesh: { policyRepositories: [DEMO] } },
      ),
    ).rejects.toThrow('is not a configured policy repository');
  });
});
