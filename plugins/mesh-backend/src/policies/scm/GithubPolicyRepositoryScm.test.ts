import { UrlReaders } from '@backstage/backend-defaults/urlReader';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { readPolicyRepositories } from '@meshport/backstage-plugin-mesh-node';
import { formatPolicyRequestMarker } from '@meshport/backstage-plugin-mesh-policy';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { GithubPolicyRepositoryScm } from './GithubPolicyRepositoryScm';
import { PolicyRepositoryReadError } from './PolicyRepositoryScm';
import { tarGz } from './__testUtils__/tarGz';

const TOKEN = 'ghp_secret-token-value';
const API = 'https://api.github.com/repos/acme/mesh-policies';
const SHA = 'a'.repeat(40);
const NOW = new Date('2026-06-01T00:00:00Z');
const daysAgo = (days: number) =>
  new Date(NOW.getTime() - days * 24 * 3600 * 1000).toISOString();

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

function setup(branch = 'main') {
  const config = new ConfigReader({
    integrations: { github: [{ host: 'github.com', token: TOKEN }] },
    mesh: {
      policyRepositories: [
        { url: 'github.com?owner=acme&repo=mesh-policies', branch },
      ],
    },
  });
  const logger = mockServices.logger.mock();
  const scm = new GithubPolicyRepositoryScm({
    integrations: ScmIntegrations.fromConfig(config),
    reader: UrlReaders.default({ config, logger }),
    logger,
    now: () => NOW,
  });
  return { scm, logger, repository: readPolicyRepositories(config)[0] };
}

/** The endpoints GitHub's UrlReader reads a commit's tree from. */
function treeHandlers(files: Record<string, string>, sha = SHA) {
  const tarballs: string[] = [];
  return {
    tarballs,
    handlers: [
      http.get(`${API}/commits/${sha}/status`, () =>
        HttpResponse.json({
          sha,
          repository: { archive_url: `${API}/{archive_format}{/ref}` },
        }),
      ),
      http.get(`${API}/tarball/${sha}`, ({ request }) => {
        tarballs.push(request.headers.get('authorization') ?? '');
        return new HttpResponse(
          tarGz(`acme-mesh-policies-${sha.slice(0, 7)}`, files),
          {
            headers: { 'content-type': 'application/x-gzip' },
          },
        );
      }),
    ],
  };
}

async function caught(
  promise: Promise<unknown>,
): Promise<PolicyRepositoryReadError> {
  try {
    await promise;
  } catch (e) {
    expect(e).toBeInstanceOf(PolicyRepositoryReadError);
    expect((e as Error).message).not.toContain(TOKEN);
    return e as PolicyRepositoryReadError;
  }
  throw new Error('expected a PolicyRepositoryReadError');
}

describe('GithubPolicyRepositoryScm.readBranch', () => {
  it('reads the policies, rendered objects and CODEOWNERS at the branch commit, then nothing until it moves', async () => {
    const { scm, repository } = setup();
    const tree = treeHandlers({
      'policies/bookinfo/trafficpolicy-reviews.yaml': 'kind: TrafficPolicy\n',
      'rendered/cluster-1/bookinfo/virtualservice-reviews.yaml':
        'kind: VirtualService\n',
      '.github/CODEOWNERS': '/policies/bookinfo/ @acme/bookinfo\n',
      'README.md': 'not read',
      'scripts/policies/x.yaml': 'not read',
    });
    const accepts: string[] = [];
    server.use(
      http.get(`${API}/commits/main`, ({ request }) => {
        accepts.push(request.headers.get('accept') ?? '');
        expect(request.headers.get('authorization')).toBe(`Bearer ${TOKEN}`);
        return HttpResponse.text(SHA);
      }),
      ...tree.handlers,
    );

    const first = await scm.readBranch(repository);
    expect(first).toEqual({
      etag: SHA,
      snapshot: {
        commit: SHA,
        files: {
          'policies/bookinfo/trafficpolicy-reviews.yaml':
            'kind: TrafficPolicy\n',
          'rendered/cluster-1/bookinfo/virtualservice-reviews.yaml':
            'kind: VirtualService\n',
          '.github/CODEOWNERS': '/policies/bookinfo/ @acme/bookinfo\n',
        },
      },
    });
    expect(accepts).toEqual(['application/vnd.github.sha']);
    expect(tree.tarballs).toEqual([`Bearer ${TOKEN}`]);

    await expect(scm.readBranch(repository, SHA)).resolves.toBe('unchanged');
    expect(tree.tarballs).toHaveLength(1);
  });

  it('reads a branch whose name holds a slash at its commit', async () => {
    const { scm, repository } = setup('release/prod');
    const tree = treeHandlers({ 'policies/a/b.yaml': 'x' });
    server.use(
      http.get(`${API}/commits/release/prod`, () => HttpResponse.text(SHA)),
      ...tree.handlers,
    );
    const read = await scm.readBranch(repository, 'b'.repeat(40));
    expect(read).toMatchObject({
      snapshot: { files: { 'policies/a/b.yaml': 'x' } },
    });
  });

  it('refuses a branch holding a file over the size limit, naming it', async () => {
    const { scm, repository } = setup();
    server.use(
      http.get(`${API}/commits/main`, () => HttpResponse.text(SHA)),
      ...treeHandlers({
        'rendered/cluster-1/big.yaml': 'x'.repeat(300 * 1024),
        'policies/a/b.yaml': 'x',
      }).handlers,
    );
    const error = await caught(scm.readBranch(repository));
    expect(error.status).toBe('error');
    expect(error.message).toMatch(
      /rendered\/cluster-1\/big.yaml .* is 300 KiB, over the 256 KiB/,
    );
  });

  it('says which branch is missing (GitHub answers 422 for an unknown ref)', async () => {
    const { scm, repository } = setup();
    server.use(
      http.get(`${API}/commits/main`, () =>
        HttpResponse.json(
          { message: 'No commit found for SHA: main' },
          { status: 422 },
        ),
      ),
    );
    const error = await caught(scm.readBranch(repository));
    expect(error.status).toBe('not-found');
    expect(error.message).toMatch(
      /branch main does not exist in acme\/mesh-policies/,
    );
  });

  it('says the repository is missing when GitHub answers 404', async () => {
    const { scm, repository } = setup();
    server.use(
      http.get(`${API}/commits/main`, () =>
        HttpResponse.json({ message: 'Not Found' }, { status: 404 }),
      ),
    );
    const error = await caught(scm.readBranch(repository));
    expect(error.status).toBe('not-found');
    expect(error.message).toMatch(
      /^acme\/mesh-policies does not exist on github.com or the token cannot see it/,
    );
  });

  it('answers something that is not a commit id with an error, not a read', async () => {
    const { scm, repository } = setup();
    server.use(
      http.get(`${API}/commits/main`, () => HttpResponse.text('<html>')),
    );
    const error = await caught(scm.readBranch(repository));
    expect(error.status).toBe('error');
    expect(error.message).toMatch(/not a commit id: check that apiBaseUrl/);
  });
});

interface Pull {
  number: number;
  updated: string;
  branch?: string;
  state?: 'open' | 'closed';
  merged?: boolean;
  body?: string | null;
}
const pull = (p: Pull) => ({
  number: p.number,
  title: `Route reviews ${p.number}`,
  state: p.state ?? 'closed',
  html_url: `https://github.com/acme/mesh-policies/pull/${p.number}`,
  body: p.body === undefined ? null : p.body,
  user: { login: 'meshport-bot' },
  head: { ref: p.branch ?? `meshport/trafficpolicy-bookinfo-r${p.number}` },
  created_at: p.updated,
  updated_at: p.updated,
  closed_at: p.state === 'open' ? null : p.updated,
  merged_at: p.merged ? p.updated : null,
  requested_reviewers: [],
  requested_teams: [],
});

describe('GithubPolicyRepositoryScm.listPullRequests', () => {
  it("pages until requests are older than 90 days, reads each once, keeps Meshport's branches and parses the marker", async () => {
    const { scm, repository } = setup();
    const marker = formatPolicyRequestMarker({
      policies: ['trafficpolicy.bookinfo.reviews-shift'],
      taskId: 'task-1',
      requester: 'user:default/jane',
      team: 'group:default/bookinfo',
      requestedAt: daysAgo(2),
    });
    const pages: string[] = [];
    const first = [
      {
        ...pull({
          number: 200,
          updated: daysAgo(1),
          state: 'open',
          body: `Routes reviews.\n\n${marker}`,
        }),
        requested_reviewers: [{ login: 'carol' }],
        requested_teams: [{ slug: 'bookinfo' }],
      },
      pull({ number: 199, updated: daysAgo(1), branch: 'feature/by-hand' }),
      pull({
        number: 198,
        updated: daysAgo(2),
        merged: true,
        body: 'No marker here',
      }),
      ...Array.from({ length: 97 }, (_, i) =>
        pull({ number: 100 + i, updated: daysAgo(3), branch: 'dependabot/x' }),
      ),
    ];
    const second = [
      pull({ number: 50, updated: daysAgo(80), merged: true, body: marker }),
      pull({ number: 49, updated: daysAgo(91), merged: true }),
    ];
    server.use(
      http.get(`${API}/pulls`, ({ request }) => {
        const url = new URL(request.url);
        pages.push(url.search);
        const page = Number(url.searchParams.get('page'));
        // page 2 repeats what moved down while paging, then reaches past 90 days
        return HttpResponse.json(
          page === 1 ? first : [...first.slice(0, 98), ...second],
        );
      }),
      http.get(`${API}/pulls/200/reviews`, () =>
        HttpResponse.json([
          { user: { login: 'dave' }, state: 'APPROVED' },
          { user: { login: 'dave' }, state: 'CHANGES_REQUESTED' },
          { user: { login: 'erin' }, state: 'CHANGES_REQUESTED' },
          { user: { login: 'erin' }, state: 'APPROVED' },
          { user: { login: 'erin' }, state: 'COMMENTED' },
          { user: null, state: 'APPROVED' },
        ]),
      ),
    );

    const records = await scm.listPullRequests(repository);

    expect(pages).toEqual([
      '?state=all&sort=updated&direction=desc&per_page=100&page=1',
      '?state=all&sort=updated&direction=desc&per_page=100&page=2',
    ]);
    expect(records.map(r => r.pullRequest.number)).toEqual([200, 198, 50]);
    expect(records[0]).toEqual({
      policies: ['trafficpolicy.bookinfo.reviews-shift'],
      request: {
        taskId: 'task-1',
        requester: 'user:default/jane',
        team: 'group:default/bookinfo',
        requestedAt: daysAgo(2),
      },
      pullRequest: {
        url: 'https://github.com/acme/mesh-policies/pull/200',
        number: 200,
        title: 'Route reviews 200',
        state: 'open',
        author: 'meshport-bot',
        reviewers: ['acme/bookinfo', 'carol', 'dave', 'erin'],
        approvedBy: ['erin'],
        createdAt: daysAgo(1),
      },
    });
    expect(records[1]).toEqual({
      policies: [],
      pullRequest: expect.objectContaining({
        state: 'merged',
        mergedAt: daysAgo(2),
        closedAt: daysAgo(2),
        approvedBy: [],
      }),
    });
    expect(records[2].policies).toEqual([
      'trafficpolicy.bookinfo.reviews-shift',
    ]);
  });

  it('reads at most ten pages and says so', async () => {
    const { scm, repository, logger } = setup();
    let calls = 0;
    server.use(
      http.get(`${API}/pulls`, () => {
        calls += 1;
        return HttpResponse.json(
          Array.from({ length: 100 }, (_, i) =>
            pull({ number: calls * 1000 + i, updated: daysAgo(1) }),
          ),
        );
      }),
    );
    const records = await scm.listPullRequests(repository);
    expect(calls).toBe(10);
    expect(records).toHaveLength(1000);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringMatching(/1000 most recently updated pull requests/),
    );
  });

  it.each([
    [
      'a revoked token (401)',
      () => HttpResponse.json({ message: 'Bad credentials' }, { status: 401 }),
      'unauthorized',
      /the token for github.com was refused: renew integrations.github\[\].token/,
      undefined,
    ],
    [
      'a repository gone (404)',
      () => HttpResponse.json({ message: 'Not Found' }, { status: 404 }),
      'not-found',
      /acme\/mesh-policies does not exist on github.com or the token cannot see it/,
      undefined,
    ],
    [
      'the primary rate limit (403, remaining 0)',
      () =>
        HttpResponse.json(
          { message: 'API rate limit exceeded' },
          {
            status: 403,
            headers: {
              'x-ratelimit-remaining': '0',
              'x-ratelimit-reset': String(
                Date.parse('2026-06-01T00:30:00Z') / 1000,
              ),
            },
          },
        ),
      'rate-limited',
      /github.com rate-limits reading the pull requests of acme\/mesh-policies until 2026-06-01T00:30:00.000Z/,
      '2026-06-01T00:30:00.000Z',
    ],
    [
      'a secondary rate limit with retry-after',
      () =>
        HttpResponse.json(
          { message: 'You have exceeded a secondary rate limit' },
          { status: 403, headers: { 'retry-after': '120' } },
        ),
      'rate-limited',
      /rate-limits/,
      '2026-06-01T00:02:00.000Z',
    ],
    [
      'a secondary rate limit named only in the message',
      () =>
        HttpResponse.json(
          { message: 'You have exceeded a secondary rate limit.' },
          { status: 403 },
        ),
      'rate-limited',
      /rate-limits/,
      '2026-06-01T00:01:00.000Z',
    ],
    [
      'a token without access (403)',
      () =>
        HttpResponse.json(
          { message: 'Resource not accessible by integration' },
          { status: 403 },
        ),
      'error',
      /refused reading the pull requests of acme\/mesh-policies \(403\): give the token/,
      undefined,
    ],
    [
      'a malformed answer',
      () => HttpResponse.json([{ number: 1, title: 'x' }]),
      'error',
      /with an unexpected body \(0\.state: .*\): check that apiBaseUrl of integrations.github\[\] for github.com/,
      undefined,
    ],
    [
      'an answer that is not JSON',
      () =>
        new HttpResponse('<html>', {
          headers: { 'content-type': 'text/html' },
        }),
      'error',
      /with something that is not JSON/,
      undefined,
    ],
    [
      'a server error',
      () =>
        new HttpResponse(`token ${TOKEN} leaked by a proxy`, { status: 502 }),
      'error',
      /github.com answered 502 reading the pull requests/,
      undefined,
    ],
  ])(
    'turns %s into a clear status',
    async (_, answer, status, message, retryAt) => {
      const { scm, repository } = setup();
      server.use(http.get(`${API}/pulls`, answer));
      const error = await caught(scm.listPullRequests(repository));
      expect(error.status).toBe(status);
      expect(error.message).toMatch(message);
      expect(error.retryAt).toBe(retryAt);
    },
  );

  it('reads the reviews of a request deleted while reading (404) as none', async () => {
    const { scm, repository } = setup();
    server.use(
      http.get(`${API}/pulls`, () =>
        HttpResponse.json([
          pull({ number: 7, updated: daysAgo(1), state: 'open' }),
        ]),
      ),
      http.get(`${API}/pulls/7/reviews`, () =>
        HttpResponse.json({}, { status: 404 }),
      ),
    );
    const [record] = await scm.listPullRequests(repository);
    expect(record.pullRequest).toMatchObject({ state: 'open', approvedBy: [] });
  });

  it('reports a refused reviews call of an open request like the list', async () => {
    const { scm, repository } = setup();
    server.use(
      http.get(`${API}/pulls`, () =>
        HttpResponse.json([
          pull({ number: 7, updated: daysAgo(1), state: 'open' }),
        ]),
      ),
      http.get(`${API}/pulls/7/reviews`, () =>
        HttpResponse.json({}, { status: 401 }),
      ),
    );
    const error = await caught(scm.listPullRequests(repository));
    expect(error.status).toBe('unauthorized');
  });
});
