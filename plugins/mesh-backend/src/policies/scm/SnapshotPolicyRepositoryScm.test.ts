import { createMockDirectory } from '@backstage/backend-test-utils';
import type { PolicyRepositoryConfig } from '@meshport/backstage-plugin-mesh-node';
import { formatPolicyRequestMarker } from '@meshport/backstage-plugin-mesh-policy';
import fs from 'node:fs';
import path from 'node:path';
import { PolicyRepositoryReadError } from './PolicyRepositoryScm';
import { SnapshotPolicyRepositoryScm } from './SnapshotPolicyRepositoryScm';

const repository: PolicyRepositoryConfig = {
  url: 'github.com?owner=meshport-demo&repo=mesh-policies',
  host: 'github.com',
  owner: 'meshport-demo',
  repo: 'mesh-policies',
  provider: 'github',
  branch: 'main',
  webUrl: 'https://github.com/meshport-demo/mesh-policies',
};

const marker = formatPolicyRequestMarker({
  policies: ['trafficpolicy.bookinfo.reviews-shift'],
  requester: 'user:default/jane',
  requestedAt: '2026-05-01T10:00:00Z',
});

const index = (overrides: object = {}) =>
  JSON.stringify({
    repositories: [
      {
        url: 'GitHub.com?owner=meshport-demo&repo=mesh-policies',
        branchDirectory: '../policy-repo',
        commit: 'c0ffee',
        pullRequests: [
          {
            url: 'https://github.com/meshport-demo/mesh-policies/pull/12',
            number: 12,
            title: 'Shift reviews to v2',
            state: 'open',
            reviewers: ['bookinfo-owners'],
            createdAt: '2026-05-01T10:00:01Z',
            body: `Shift.\n\n${marker}`,
            sourceBranch: 'meshport/trafficpolicy-bookinfo-reviews-shift',
          },
          {
            url: 'https://github.com/meshport-demo/mesh-policies/pull/3',
            number: 3,
            title: 'Bump a tool',
            state: 'merged',
            createdAt: '2026-04-01T10:00:00Z',
            mergedAt: '2026-04-02T10:00:00Z',
            sourceBranch: 'renovate/tool',
          },
        ],
        ...overrides,
      },
    ],
  });

function setup(files: Record<string, string> = {}, rootDirectory?: string) {
  const mock = createMockDirectory();
  mock.setContent({
    'demo-scm/repositories.json': index(),
    'policy-repo/policies/bookinfo/trafficpolicy-reviews-shift.yaml':
      'kind: TrafficPolicy\n',
    'policy-repo/rendered/cluster-1/bookinfo/vs.yaml': 'kind: VirtualService\n',
    'policy-repo/CODEOWNERS': '* @platform\n',
    'policy-repo/fleet.json': '{}',
    ...files,
  });
  const scm = new SnapshotPolicyRepositoryScm({
    directory: mock.resolve('demo-scm'),
    rootDirectory:
      rootDirectory === undefined ? mock.path : mock.resolve(rootDirectory),
  });
  return { mock, scm };
}

async function caught(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (e) {
    expect(e).toBeInstanceOf(PolicyRepositoryReadError);
    return e as PolicyRepositoryReadError;
  }
  throw new Error('expected a PolicyRepositoryReadError');
}

describe('SnapshotPolicyRepositoryScm', () => {
  it("reads the branch directory's policies, rendered objects and CODEOWNERS, then nothing until a file changes", async () => {
    const { mock, scm } = setup();
    const first = await scm.readBranch(repository);
    expect(first).toEqual({
      etag: expect.any(String),
      snapshot: {
        commit: 'c0ffee',
        files: {
          CODEOWNERS: '* @platform\n',
          'policies/bookinfo/trafficpolicy-reviews-shift.yaml':
            'kind: TrafficPolicy\n',
          'rendered/cluster-1/bookinfo/vs.yaml': 'kind: VirtualService\n',
        },
      },
    });
    const etag = (first as { etag: string }).etag;
    await expect(scm.readBranch(repository, etag)).resolves.toBe('unchanged');

    const file = mock.resolve(
      'policy-repo/rendered/cluster-1/bookinfo/vs.yaml',
    );
    fs.writeFileSync(file, 'kind: VirtualService # edited\n');
    fs.utimesSync(file, new Date(), new Date(Date.now() + 5000));
    const second = await scm.readBranch(repository, etag);
    expect(second).toMatchObject({
      snapshot: {
        files: {
          'rendered/cluster-1/bookinfo/vs.yaml':
            'kind: VirtualService # edited\n',
        },
      },
    });
  });

  it('skips symbolic links, which could reach outside the branch directory', async () => {
    const { mock, scm } = setup({ 'secret/token.yaml': 'secret' });
    fs.symlinkSync(
      mock.resolve('secret/token.yaml'),
      mock.resolve('policy-repo/policies/bookinfo/link.yaml'),
    );
    fs.symlinkSync(
      mock.resolve('secret'),
      mock.resolve('policy-repo/rendered/linked'),
    );
    const read = await scm.readBranch(repository);
    expect(
      Object.keys((read as { snapshot: { files: object } }).snapshot.files),
    ).toEqual([
      'CODEOWNERS',
      'policies/bookinfo/trafficpolicy-reviews-shift.yaml',
      'rendered/cluster-1/bookinfo/vs.yaml',
    ]);
  });

  it('reads a branch directory whose name holds a space', async () => {
    const { mock, scm } = setup({
      'demo-scm/policy repo/policies/ns/a b.yaml': 'kind: AccessPolicy\n',
    });
    mock.addContent({
      'demo-scm/repositories.json': index({ branchDirectory: 'policy repo' }),
    });
    await expect(scm.readBranch(repository)).resolves.toMatchObject({
      snapshot: { files: { 'policies/ns/a b.yaml': 'kind: AccessPolicy\n' } },
    });
  });

  it('refuses a branch directory outside the root directory', async () => {
    const { scm } = setup({}, 'demo-scm');
    const error = await caught(scm.readBranch(repository));
    expect(error.status).toBe('error');
    expect(error.message).toMatch(
      /branchDirectory of .* \(\.\.\/policy-repo\) leaves .*demo-scm: keep it inside mesh.policyLifecycle.snapshot.rootDirectory/,
    );
  });

  it("lists the pull requests of Meshport's branches with their markers", async () => {
    const { scm } = setup();
    await expect(scm.listPullRequests(repository)).resolves.toEqual([
      {
        policies: ['trafficpolicy.bookinfo.reviews-shift'],
        request: {
          requester: 'user:default/jane',
          requestedAt: '2026-05-01T10:00:00Z',
        },
        pullRequest: {
          url: 'https://github.com/meshport-demo/mesh-policies/pull/12',
          number: 12,
          title: 'Shift reviews to v2',
          state: 'open',
          reviewers: ['bookinfo-owners'],
          approvedBy: [],
          createdAt: '2026-05-01T10:00:01.000Z',
        },
      },
    ]);
  });

  it('says a repository missing from the snapshot is not found', async () => {
    const { scm } = setup();
    const error = await caught(
      scm.listPullRequests({ ...repository, repo: 'other' }),
    );
    expect(error.status).toBe('not-found');
    expect(error.message).toMatch(
      /is not in the SCM snapshot .*repositories.json/,
    );
  });

  it.each([
    [{ branchDirectory: 42 }, /malformed at repositories.0.branchDirectory/],
    [
      { url: 'github.com/meshport-demo/mesh-policies' },
      /repositories.0.url: must be <host>\?owner=<owner>&repo=<repo>/,
    ],
    [
      { pullRequests: [{ number: 'one' }] },
      /repositories.0.pullRequests.0.url/,
    ],
    [
      {
        pullRequests: [
          {
            url: 'u',
            number: 1,
            title: 't',
            state: 'open',
            createdAt: 'yesterday',
            sourceBranch: 'b',
          },
        ],
      },
      /pullRequests.0.createdAt: must be an ISO 8601 time/,
    ],
    [{ mergeRequests: [] }, /repositories.0: .*mergeRequests/],
  ])('names the malformed field of %j', async (overrides, message) => {
    const { mock, scm } = setup();
    mock.addContent({ 'demo-scm/repositories.json': index(overrides) });
    const error = await caught(scm.readBranch(repository));
    expect(error.status).toBe('error');
    expect(error.message).toMatch(message);
  });

  it('says when the index is not JSON or absent, and re-reads it once fixed', async () => {
    const { mock, scm } = setup({
      'demo-scm/repositories.json': '{ "repositories": [',
    });
    expect((await caught(scm.listPullRequests(repository))).message).toMatch(
      /is not JSON/,
    );
    const file = mock.resolve('demo-scm/repositories.json');
    fs.writeFileSync(file, index());
    fs.utimesSync(file, new Date(), new Date(Date.now() + 5000));
    await expect(scm.listPullRequests(repository)).resolves.toHaveLength(1);
    fs.rmSync(file);
    expect((await caught(scm.listPullRequests(repository))).message).toMatch(
      /cannot be read: check mesh.policyLifecycle.snapshot.directory/,
    );
  });

  it('reads the demo snapshot from the repository examples', async () => {
    const examples = path.resolve(__dirname, '../../../../../examples');
    const scm = new SnapshotPolicyRepositoryScm({
      directory: path.join(examples, 'demo-scm'),
      rootDirectory: examples,
    });
    const read = await scm.readBranch(repository);
    expect(
      Object.keys((read as { snapshot: { files: object } }).snapshot.files),
    ).toEqual(
      expect.arrayContaining([
        'policies/bookinfo/reviews/trafficpolicy-reviews-shift.yaml',
      ]),
    );
  });
});
