import {
  createMockDirectory,
  mockServices,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { readPolicyRepositories } from '@meshport/backstage-plugin-mesh-node';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { createPolicyRepositoryScm } from './createPolicyRepositoryScm';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const integrations = {
  github: [{ host: 'github.com', token: 'ghp_token-value' }],
  gitlab: [
    {
      host: 'gitlab.example.com',
      apiBaseUrl: 'https://gitlab.example.com/api/v4',
      token: 'glpat-token-value',
    },
  ],
};
const policyRepositories = [
  'github.com?owner=acme&repo=mesh-policies',
  'gitlab.example.com?owner=platform/mesh&repo=policies',
];

function create(mesh: object) {
  const config = new ConfigReader({
    integrations,
    mesh: { policyRepositories, ...mesh },
  });
  const logger = mockServices.logger.mock();
  return {
    scm: createPolicyRepositoryScm({
      config,
      reader: mockServices.urlReader.mock(),
      logger,
    }),
    repositories: readPolicyRepositories(config),
    logger,
  };
}

describe('createPolicyRepositoryScm', () => {
  it("reads each repository from its provider's API", async () => {
    const { scm, repositories } = create({});
    const seen: string[] = [];
    server.use(
      http.get('https://api.github.com/repos/acme/mesh-policies/pulls', () => {
        seen.push('github');
        return HttpResponse.json([]);
      }),
      http.get('https://gitlab.example.com/api/v4/*', ({ request }) => {
        seen.push(new URL(request.url).pathname);
        return HttpResponse.json([]);
      }),
    );
    for (const repository of repositories) {
      await expect(scm.listPullRequests(repository)).resolves.toEqual([]);
    }
    expect(seen).toEqual([
      'github',
      '/api/v4/projects/platform%2Fmesh%2Fpolicies/merge_requests',
    ]);
  });

  it('reads every repository from the snapshot when one is configured, calling no SCM', async () => {
    const mock = createMockDirectory();
    mock.setContent({
      'scm/repositories.json': JSON.stringify({
        repositories: [
          {
            url: 'github.com?owner=acme&repo=mesh-policies',
            branchDirectory: 'acme',
          },
        ],
      }),
      'scm/acme/policies/ns/p.yaml': 'kind: TrafficPolicy\n',
    });
    const { scm, repositories, logger } = create({
      policyLifecycle: { snapshot: { directory: mock.resolve('scm') } },
    });
    await expect(scm.readBranch(repositories[0])).resolves.toMatchObject({
      snapshot: { files: { 'policies/ns/p.yaml': 'kind: TrafficPolicy\n' } },
    });
    await expect(scm.listPullRequests(repositories[1])).rejects.toMatchObject({
      status: 'not-found',
    });
    expect(logger.info).toHaveBeenCalledWith(
      expect.stringMatching(
        /read from the snapshot in .*scm, not from their SCM/,
      ),
    );
  });
});
