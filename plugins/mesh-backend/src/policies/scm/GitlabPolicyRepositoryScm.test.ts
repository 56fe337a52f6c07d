import { UrlReaders } from '@backstage/backend-defaults/urlReader';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { readPolicyRepositories } from '@meshport/backstage-plugin-mesh-node';
import { formatPolicyRequestMarker } from '@meshport/backstage-plugin-mesh-policy';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { GitlabPolicyRepositoryScm } from './GitlabPolicyRepositoryScm';
import { PolicyRepositoryReadError } from './PolicyRepositoryScm';
import { tarGz } from './__testUtils__/tarGz';

const TOKEN = 'glpat-secret-token-value';
const HOST = 'https://gitlab.example.com';
/** The project's API path: a group path is one URL-encoded `:id`. */
const PROJECT = '/api/v4/projects/platform%2Fmesh%2Fpolicies';
const SHA = 'b'.repeat(40);
const NOW = new Date('2026-06-01T00:00:00Z');
const daysAgo = (days: number) =>
  new Date(NOW.getTime() - days * 24 * 3600 * 1000).toISOString();

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

function setup(branch = 'main') {
  const config = new ConfigReader({
    integrations: {
      gitlab: [
        {
          host: 'gitlab.example.com',
          apiBaseUrl: `${HOST}/api/v4`,
          token: TOKEN,
        },
      ],
    },
    mesh: {
      policyRepositories: [
        {
          url: 'gitlab.example.com?owner=platform/mesh&repo=policies',
          branch,
        },
      ],
    },
  });
  const logger = mockServices.logger.mock();
  const scm = new GitlabPolicyRepositoryScm({
    integrations: ScmIntegrations.fromConfig(config),
    reader: UrlReaders.default({ config, logger }),
    logger,
    now: () => NOW,
  });
  return { scm, logger, repository: readPolicyRepositories(config)[0] };
}

type Answer = (url: URL, request: Request) => Response | undefined;

/**
 * One handler for the GitLab API, routing on the raw path: msw's path patterns decode `%2F`,
 * which GitLab's project ids rely on. Records every path called.
 */
function gitlab(answer: Answer) {
  const calls: string[] = [];
  server.use(
    http.get(`${HOST}/api/v4/*`, ({ request }) => {
      expect(request.headers.get('authorization')).toBe(`Bearer ${TOKEN}`);
      const url = new URL(request.url);
      calls.push(`${url.pathname}${url.search}`);
      return (
        answer(url, request) ??
        HttpResponse.json({ message: '404 Not found' }, { status: 404 })
      );
    }),
  );
  return calls;
}

/** What GitLab's UrlReader reads a commit's tree from: the project, the commit, the archive. */
function tree(url: URL, files: Record<string, string>): Response | undefined {
  if (url.pathname === PROJECT) {
    return HttpResponse.json({ default_branch: 'main' });
  }
  if (url.pathname === `${PROJECT}/repository/commits`) {
    expect(url.searchParams.get('ref_name')).toBe(SHA);
    return HttpResponse.json([{ id: SHA }]);
  }
  if (url.pathname === `${PROJECT}/repository/archive`) {
    expect(url.searchParams.get('sha')).toBe(SHA);
    return new HttpResponse(tarGz(`policies-${SHA.slice(0, 8)}`, files), {
      headers: { 'content-type': 'application/x-gzip' },
    });
  }
  return undefined;
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

describe('GitlabPolicyRepositoryScm.readBranch', () => {
  it("reads a subgroup project's branch at its commit, then nothing until it moves", async () => {
    const { scm, repository } = setup('release/prod');
    const calls = gitlab(url => {
      if (url.pathname === `${PROJECT}/repository/branches/release%2Fprod`) {
        return HttpResponse.json({ name: 'release/prod', commit: { id: SHA } });
      }
      return tree(url, {
        'policies/bookinfo/accesspolicy-a.yaml': 'kind: AccessPolicy\n',
        'rendered/cluster-2/bookinfo/ap.yaml': 'kind: AuthorizationPolicy\n',
        '.gitlab/CODEOWNERS':
          '[bookinfo]\n/policies/bookinfo/ @platform/bookinfo\n',
        'ci/policies.yaml': 'not read',
      });
    });

    await expect(scm.readBranch(repository)).resolves.toEqual({
      etag: SHA,
      snapshot: {
        commit: SHA,
        files: {
          'policies/bookinfo/accesspolicy-a.yaml': 'kind: AccessPolicy\n',
          'rendered/cluster-2/bookinfo/ap.yaml': 'kind: AuthorizationPolicy\n',
          '.gitlab/CODEOWNERS':
            '[bookinfo]\n/policies/bookinfo/ @platform/bookinfo\n',
        },
      },
    });
    expect(calls[0]).toBe(`${PROJECT}/repository/branches/release%2Fprod`);

    calls.length = 0;
    await expect(scm.readBranch(repository, SHA)).resolves.toBe('unchanged');
    expect(calls).toEqual([`${PROJECT}/repository/branches/release%2Fprod`]);
  });

  it.each([
    [
      'a missing branch or project (404)',
      { status: 404 },
      'not-found',
      /branch main of platform\/mesh\/policies on gitlab.example.com does not exist/,
    ],
    [
      'a revoked token (401)',
      { status: 401 },
      'unauthorized',
      /the token for gitlab.example.com was refused: renew integrations.gitlab\[\].token/,
    ],
  ])('turns %s into a clear status', async (_, init, status, message) => {
    const { scm, repository } = setup();
    gitlab(() => HttpResponse.json({ message: '…' }, init));
    const error = await caught(scm.readBranch(repository));
    expect(error.status).toBe(status);
    expect(error.message).toMatch(message);
  });

  it('reports a refused archive read without quoting the token', async () => {
    const { scm, repository } = setup();
    gitlab(url => {
      if (url.pathname === `${PROJECT}/repository/branches/main`) {
        return HttpResponse.json({ commit: { id: SHA } });
      }
      if (url.pathname === `${PROJECT}/repository/archive`) {
        return new HttpResponse(null, { status: 401 });
      }
      return tree(url, {});
    });
    const error = await caught(scm.readBranch(repository));
    expect(error.status).toBe('unauthorized');
  });
});

interface Mr {
  iid: number;
  updated: string;
  state?: 'opened' | 'closed' | 'merged' | 'locked';
  branch?: string;
  description?: string | null;
}
const mr = (m: Mr) => ({
  iid: m.iid,
  title: `Allow productpage ${m.iid}`,
  state: m.state ?? 'merged',
  web_url: `${HOST}/platform/mesh/policies/-/merge_requests/${m.iid}`,
  description: m.description === undefined ? null : m.description,
  author: { username: 'meshport-bot' },
  source_branch: m.branch ?? `meshport/accesspolicy-bookinfo-a${m.iid}`,
  reviewers: [{ username: 'olga' }],
  created_at: m.updated,
  updated_at: m.updated,
  merged_at: m.state === undefined || m.state === 'merged' ? m.updated : null,
  closed_at: m.state === 'closed' ? m.updated : null,
});

describe('GitlabPolicyRepositoryScm.listPullRequests', () => {
  it("pages merge requests, keeps Meshport's branches, reads approvals of open ones and parses the marker", async () => {
    const { scm, repository } = setup();
    const marker = formatPolicyRequestMarker({
      policies: ['accesspolicy.bookinfo.productpage-reads-reviews'],
      team: 'group:default/bookinfo',
    });
    const first = [
      mr({
        iid: 300,
        updated: daysAgo(1),
        state: 'opened',
        description: marker,
      }),
      mr({ iid: 299, updated: daysAgo(1), state: 'locked' }),
      mr({ iid: 298, updated: daysAgo(2), state: 'closed' }),
      mr({ iid: 297, updated: daysAgo(2), branch: 'main-backport' }),
      ...Array.from({ length: 96 }, (_, i) =>
        mr({ iid: 100 + i, updated: daysAgo(3), branch: 'renovate/x' }),
      ),
    ];
    const second = [
      mr({ iid: 60, updated: daysAgo(30), description: `x ${marker}` }),
      mr({ iid: 59, updated: daysAgo(120) }),
    ];
    const calls = gitlab(url => {
      if (url.pathname === `${PROJECT}/merge_requests`) {
        return HttpResponse.json(
          url.searchParams.get('page') === '1' ? first : second,
        );
      }
      if (url.pathname === `${PROJECT}/merge_requests/300/approvals`) {
        return HttpResponse.json({
          approved_by: [{ user: { username: 'olga' } }],
        });
      }
      // !299's approvals answer 404 (deleted while reading): it reads as no approvals
      return undefined;
    });

    const records = await scm.listPullRequests(repository);

    expect(calls.filter(c => c.includes('/merge_requests?'))).toEqual([
      `${PROJECT}/merge_requests?state=all&order_by=updated_at&sort=desc&per_page=100&page=1`,
      `${PROJECT}/merge_requests?state=all&order_by=updated_at&sort=desc&per_page=100&page=2`,
    ]);
    expect(
      records.map(r => [r.pullRequest.number, r.pullRequest.state]),
    ).toEqual([
      [300, 'open'],
      [299, 'open'],
      [298, 'closed'],
      [60, 'merged'],
    ]);
    expect(records[0]).toEqual({
      policies: ['accesspolicy.bookinfo.productpage-reads-reviews'],
      request: { team: 'group:default/bookinfo' },
      pullRequest: {
        url: `${HOST}/platform/mesh/policies/-/merge_requests/300`,
        number: 300,
        title: 'Allow productpage 300',
        state: 'open',
        author: 'meshport-bot',
        reviewers: ['olga'],
        approvedBy: ['olga'],
        createdAt: daysAgo(1),
      },
    });
    expect(records[1].policies).toEqual([]);
    expect(records[2].pullRequest.closedAt).toBe(daysAgo(2));
    expect(records[3]).toMatchObject({
      policies: ['accesspolicy.bookinfo.productpage-reads-reviews'],
      pullRequest: { mergedAt: daysAgo(30), approvedBy: [] },
    });
  });

  it.each([
    [
      'a rate limit with Retry-After',
      { 'retry-after': '30' },
      '2026-06-01T00:00:30.000Z',
    ],
    [
      'a rate limit with only RateLimit-Reset',
      {
        'ratelimit-remaining': '0',
        'ratelimit-reset': String(Date.parse('2026-06-01T00:05:00Z') / 1000),
      },
      '2026-06-01T00:05:00.000Z',
    ],
    ['a rate limit saying nothing more (gitlab.com may)', {}, undefined],
  ])('turns %s into rate-limited', async (_, headers, retryAt) => {
    const { scm, repository } = setup();
    gitlab(() =>
      HttpResponse.json({ message: 'Retry later' }, { status: 429, headers }),
    );
    const error = await caught(scm.listPullRequests(repository));
    expect(error.status).toBe('rate-limited');
    expect(error.retryAt).toBe(retryAt);
    expect(error.message).toMatch(
      /gitlab.example.com rate-limits reading the merge requests of platform\/mesh\/policies/,
    );
  });

  it.each([
    [
      'a project gone (404)',
      () =>
        HttpResponse.json(
          { message: '404 Project Not Found' },
          { status: 404 },
        ),
      'not-found',
      /platform\/mesh\/policies does not exist on gitlab.example.com or the token cannot see it/,
    ],
    [
      'a revoked token (401)',
      () => HttpResponse.json({ message: '401 Unauthorized' }, { status: 401 }),
      'unauthorized',
      /renew integrations.gitlab\[\].token for host gitlab.example.com/,
    ],
    [
      'a malformed answer',
      () => HttpResponse.json({ message: 'not a list' }),
      'error',
      /unexpected body \(the answer: .*\): check that apiBaseUrl of integrations.gitlab\[\]/,
    ],
    [
      'a request without a source branch',
      () =>
        HttpResponse.json([
          { ...mr({ iid: 1, updated: daysAgo(1) }), source_branch: null },
        ]),
      'error',
      /unexpected body \(0.source_branch: /,
    ],
  ])('turns %s into a clear status', async (_, answer, status, message) => {
    const { scm, repository } = setup();
    gitlab(answer);
    const error = await caught(scm.listPullRequests(repository));
    expect(error.status).toBe(status);
    expect(error.message).toMatch(message);
  });
});
