import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import githubModule from '@backstage/plugin-scaffolder-backend-module-github';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import yaml from 'yaml';
import { parsePolicyRequestMarker } from '@meshport/backstage-plugin-mesh-policy';
import {
  fakeMeshBackend,
  guest,
  runTask,
  templateEntity,
  templateFile,
} from './__testUtils__/backend';
import {
  bookinfoTeam,
  POLICY_REPO_FIXTURE,
  readTree,
  reviewsComponent,
} from './__testUtils__/fixtures';
import { tarball } from './__testUtils__/tarball';
import { scaffolderModule } from './module';

/**
 * Runs examples/templates/request-mesh-route through the real scaffolder backend and the real
 * publish:github:pull-request, with GitHub played by msw, and checks the pull request it opens
 * for the seed scenario against golden files (UPDATE_GOLDEN=1 rewrites them).
 */
const GOLDEN = path.resolve(__dirname, '__fixtures__/golden/seed-route');
const API = 'https://api.github.com/repos/meshport-demo/mesh-policies';
/** What the golden holds in place of the task's id and the moment of the request. */
const GOLDEN_TASK_ID = '00000000-0000-4000-8000-000000000000';
const GOLDEN_REQUESTED_AT = '2026-01-01T00:00:00.000Z';

/** What the fake GitHub saw of the pull request. */
interface RecordedPullRequest {
  blobs: Map<string, string>;
  tree?: { base_tree: string; tree: { path: string; sha: string | null }[] };
  ref?: { ref: string; sha: string };
  pull?: { title: string; body: string; head: string; base: string };
  reviewers?: { reviewers?: string[]; team_reviewers?: string[] };
}

function fakeGitHub(pr: RecordedPullRequest) {
  const repo = {
    full_name: 'meshport-demo/mesh-policies',
    default_branch: 'main',
    permissions: { push: true, pull: true, admin: false },
    archive_url: `${API}/{archive_format}{/ref}`,
  };
  return [
    http.get(API, () => HttpResponse.json(repo)),
    // fetch:plain, through the GitHub URL reader
    http.get(`${API}/commits/main/status`, () =>
      HttpResponse.json({ sha: 'base-sha', repository: repo }),
    ),
    http.get(`${API}/tarball/base-sha`, () => {
      const files = readTree(POLICY_REPO_FIXTURE);
      return new HttpResponse(
        tarball('meshport-demo-mesh-policies-base-sha', files),
        {
          headers: { 'content-type': 'application/x-gzip' },
        },
      );
    }),
    // publish:github:pull-request, through octokit-plugin-create-pull-request
    http.get(`${API}/commits`, () =>
      HttpResponse.json([
        { sha: 'base-sha', commit: { tree: { sha: 'base-tree' } } },
      ]),
    ),
    http.post(`${API}/git/blobs`, async ({ request: req }) => {
      const { content, encoding } = (await req.json()) as {
        content: string;
        encoding: string;
      };
      const sha = `blob-${pr.blobs.size + 1}`;
      pr.blobs.set(
        sha,
        Buffer.from(
          content,
          encoding === 'base64' ? 'base64' : 'utf8',
        ).toString('utf8'),
      );
      return HttpResponse.json({ sha }, { status: 201 });
    }),
    http.post(`${API}/git/trees`, async ({ request: req }) => {
      pr.tree = (await req.json()) as RecordedPullRequest['tree'];
      return HttpResponse.json({ sha: 'new-tree' }, { status: 201 });
    }),
    http.post(`${API}/git/commits`, () =>
      HttpResponse.json({ sha: 'new-commit' }, { status: 201 }),
    ),
    http.post('https://api.github.com/graphql', () =>
      HttpResponse.json({ data: { repository: { ref: null } } }),
    ),
    http.post(`${API}/git/refs`, async ({ request: req }) => {
      pr.ref = (await req.json()) as RecordedPullRequest['ref'];
      return HttpResponse.json({ ref: pr.ref?.ref }, { status: 201 });
    }),
    http.post(`${API}/pulls`, async ({ request: req }) => {
      pr.pull = (await req.json()) as RecordedPullRequest['pull'];
      return HttpResponse.json(
        {
          number: 42,
          html_url: 'https://github.com/meshport-demo/mesh-policies/pull/42',
          base: { ref: 'main' },
        },
        { status: 201 },
      );
    }),
    http.post(
      `${API}/pulls/42/requested_reviewers`,
      async ({ request: req }) => {
        pr.reviewers = (await req.json()) as RecordedPullRequest['reviewers'];
        return HttpResponse.json(
          {
            requested_reviewers: [],
            requested_teams: (pr.reviewers?.team_reviewers ?? []).map(slug => ({
              slug,
            })),
          },
          { status: 201 },
        );
      },
    ),
  ];
}

describe('the request-mesh-route template, end to end', () => {
  const server = setupServer();
  // GitHub is faked; the test backend itself (scaffolder, mesh, catalog) is reached for real.
  beforeAll(() =>
    server.listen({
      onUnhandledRequest: (req, print) => {
        if (!['127.0.0.1', 'localhost'].includes(new URL(req.url).hostname)) {
          print.error();
        }
      },
    }),
  );
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());

  it('opens one pull request with the seed route, its rendered resources and the owners as reviewers', async () => {
    const pr: RecordedPullRequest = { blobs: new Map() };
    server.use(...fakeGitHub(pr));

    const { server: httpServer } = await startTestBackend({
      features: [
        scaffolderPlugin,
        githubModule,
        scaffolderModule,
        fakeMeshBackend,
        catalogServiceMock.factory({
          entities: [
            templateEntity('request-mesh-route'),
            reviewsComponent,
            bookinfoTeam,
            guest,
          ],
        }),
        mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
        mockServices.rootConfig.factory({
          data: {
            integrations: {
              github: [{ host: 'github.com', token: 'test-token' }],
            },
            mesh: {
              policyRepositories: [
                'github.com?owner=meshport-demo&repo=mesh-policies',
              ],
            },
          },
        }),
      ],
    });

    const task = await runTask(
      httpServer,
      'template:default/request-mesh-route',
      {
        service: 'bookinfo/reviews',
        sourceCluster: 'cluster-1',
        route: [
          { cluster: 'cluster-2', subset: { version: 'v3' }, weight: 75 },
          { cluster: 'cluster-1', subset: { version: 'v1' }, weight: 15 },
          { cluster: 'cluster-1', subset: { version: 'v2' }, weight: 10 },
        ],
        repoUrl: 'github.com?owner=meshport-demo&repo=mesh-policies',
      },
    );
    if (task.status !== 'completed') {
      throw new Error(`task ${task.status}:\n${task.log}`);
    }

    // The marker names the task and the moment: both are checked here, then fixed, so the
    // golden holds the rest byte for byte.
    const body = pr.pull!.body;
    const marker = parsePolicyRequestMarker(body);
    expect(marker).toEqual({
      policies: ['trafficpolicy.bookinfo.reviews-from-cluster-1'],
      destinations: ['bookinfo/reviews'],
      taskId: task.id,
      requester: 'user:default/guest',
      team: 'group:default/bookinfo-team',
      requestedAt: expect.any(String),
    });
    expect(
      Math.abs(Date.parse(marker!.requestedAt!) - Date.now()),
    ).toBeLessThan(60_000);
    expect(body.trimEnd().endsWith(' -->')).toBe(true);
    // the marker escapes "-" (so no value can close the HTML comment)
    const inMarker = (value: string) => value.replace(/-/g, '\\u002d');
    const stableBody = body
      .replace(inMarker(task.id), inMarker(GOLDEN_TASK_ID))
      .replace(inMarker(marker!.requestedAt!), inMarker(GOLDEN_REQUESTED_AT));

    // The files of the pull request: every tree entry, by path, as GitHub received it.
    const files: Record<string, string> = {};
    for (const entry of pr.tree!.tree) {
      files[entry.path] = pr.blobs.get(entry.sha!)!;
    }
    // The title and body go beside the files; .txt, so Prettier leaves the bytes alone.
    const golden = {
      ...files,
      'PULL_REQUEST.txt': `# ${pr.pull!.title}\n\n${stableBody}`,
    };
    if (process.env.UPDATE_GOLDEN) {
      fs.rmSync(GOLDEN, { recursive: true, force: true });
      for (const [file, content] of Object.entries(golden)) {
        fs.mkdirSync(path.dirname(path.join(GOLDEN, file)), {
          recursive: true,
        });
        fs.writeFileSync(path.join(GOLDEN, file), content);
      }
    }
    expect(golden).toEqual(readTree(GOLDEN));

    expect(pr.tree!.base_tree).toBe('base-tree');
    expect(Object.keys(files).sort()).toEqual([
      // the destination's owners get its folders: the rest of CODEOWNERS is kept as written
      'CODEOWNERS',
      'policies/bookinfo/reviews/trafficpolicy-reviews-from-cluster-1.yaml',
      ...Object.keys(files)
        .filter(f => f.startsWith('rendered/'))
        .sort(),
    ]);
    // the demo's multi-primary clusters sit on two networks: cluster-2's gateway needs the subset
    expect(
      Object.keys(files)
        .filter(f => f.startsWith('rendered/'))
        .sort(),
    ).toEqual([
      'rendered/cluster-1/bookinfo/reviews/destinationrule-meshport-reviews.yaml',
      'rendered/cluster-1/bookinfo/reviews/virtualservice-meshport-reviews.yaml',
      'rendered/cluster-2/bookinfo/reviews/destinationrule-meshport-reviews.yaml',
    ]);
    expect(pr.ref).toEqual({
      ref: 'refs/heads/meshport/trafficpolicy-bookinfo-reviews-from-cluster-1',
      sha: 'new-commit',
    });
    expect(pr.pull).toMatchObject({
      head: 'meshport-demo:meshport/trafficpolicy-bookinfo-reviews-from-cluster-1',
      base: 'main',
      title:
        'Route bookinfo/reviews from cluster-1 (TrafficPolicy bookinfo/reviews-from-cluster-1)',
    });
    expect(pr.pull!.body).toContain('Requested by `user:default/guest`');
    expect(files.CODEOWNERS).toContain(
      '/policies/bookinfo/reviews/ @meshport-demo/bookinfo-team\n/rendered/*/bookinfo/reviews/ @meshport-demo/bookinfo-team\n',
    );
    expect(pr.pull!.body).toContain(
      '| Clusters touched | cluster-1, cluster-2 |',
    );
    expect(pr.reviewers).toEqual({
      reviewers: [],
      team_reviewers: ['bookinfo-team'],
    });
  }, 60_000); // starts a whole backend and runs a task: seconds on a busy machine
});

/**
 * Both templates through the real scaffolder's dry run (`POST /v2/dry-run`, what the template
 * editor calls): the scaffolder renders each step's input from the form values exactly as a
 * task would, so a field left empty reaches the action as the scaffolder renders it, not as a
 * test would guess. fetch:plain runs for real against the fake GitHub; the pull request step is
 * skipped, as every action without dry-run support is.
 */
describe('the request templates with optional fields empty and filled, dry run', () => {
  const server = setupServer();
  beforeAll(() =>
    server.listen({
      onUnhandledRequest: (req, print) => {
        if (!['127.0.0.1', 'localhost'].includes(new URL(req.url).hostname)) {
          print.error();
        }
      },
    }),
  );
  afterAll(() => server.close());

  let httpServer: Awaited<ReturnType<typeof startTestBackend>>['server'];
  beforeAll(async () => {
    server.use(...fakeGitHub({ blobs: new Map() }));
    ({ server: httpServer } = await startTestBackend({
      features: [
        scaffolderPlugin,
        githubModule,
        scaffolderModule,
        fakeMeshBackend,
        catalogServiceMock.factory({
          entities: [reviewsComponent, bookinfoTeam, guest],
        }),
        mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
        mockServices.rootConfig.factory({
          data: {
            integrations: {
              github: [{ host: 'github.com', token: 'test-token' }],
            },
            mesh: {
              policyRepositories: [
                'github.com?owner=meshport-demo&repo=mesh-policies',
              ],
            },
          },
        }),
      ],
    }));
  });

  const REPO = 'github.com?owner=meshport-demo&repo=mesh-policies';
  const productpage = {
    cluster: 'cluster-1',
    namespace: 'bookinfo',
    serviceAccount: 'bookinfo-productpage',
  };
  const details = {
    cluster: 'cluster-1',
    namespace: 'bookinfo',
    serviceAccount: 'bookinfo-details',
  };

  function template(name: 'request-mesh-access' | 'request-mesh-route') {
    const doc = yaml.parse(
      fs.readFileSync(templateFile(name), 'utf8'),
    ) as Entity;
    return { ...doc, metadata: { ...doc.metadata, namespace: 'default' } };
  }

  /** The dry run's log and files; a step that fails makes it a 400 carrying the step's error. */
  async function dryRun(
    name: 'request-mesh-access' | 'request-mesh-route',
    values: Record<string, unknown>,
  ) {
    const res = await request(httpServer)
      .post('/api/scaffolder/v2/dry-run')
      .set('Authorization', mockCredentials.user.header('user:default/guest'))
      .send({ template: template(name), values, directoryContents: [] });
    if (res.status !== 200) {
      return { status: res.status, error: res.body.error?.message, files: [] };
    }
    const log = (res.body.log as { body: { message?: string } }[])
      .map(e => e.body.message ?? '')
      .join('\n');
    return {
      status: res.status,
      log,
      files: res.body.directoryContents as { path: string }[],
    };
  }

  const policyFile = (files: { path: string }[]) =>
    files.map(f => f.path).filter(p => p.startsWith('pull-request/policies/'));

  it.each([
    [
      'one caller, every optional field empty',
      { callers: [productpage] },
      'bookinfo-productpage-cluster-1-to-reviews',
    ],
    [
      'two callers',
      { callers: [productpage, details] },
      'bookinfo-productpage-cluster-1-a-60561f46',
    ],
    [
      'three callers and every optional field filled',
      {
        callers: [
          productpage,
          details,
          { cluster: 'cluster-2', namespace: 'bookinfo' },
        ],
        methods: ['GET', 'HEAD'],
        paths: ['/reviews/*'],
        name: 'frontends-read-reviews',
        reason: 'the frontends show reviews',
      },
      'frontends-read-reviews',
    ],
  ])('the access template with %s', async (_case, fields, policyName) => {
    const { status, error, log, files } = await dryRun('request-mesh-access', {
      service: 'bookinfo/reviews',
      repoUrl: REPO,
      ...fields,
    });
    expect({ status, error }).toEqual({ status: 200, error: undefined });
    expect(log).toContain('Running meshport:policy:access in dry-run mode');
    expect(policyFile(files)).toEqual([
      `pull-request/policies/bookinfo/reviews/accesspolicy-${policyName}.yaml`,
    ]);
  });

  it('the access template refuses the same caller twice, naming the rows', async () => {
    const { status, error } = await dryRun('request-mesh-access', {
      service: 'bookinfo/reviews',
      repoUrl: REPO,
      callers: [productpage, productpage],
    });
    expect(status).toBe(400);
    expect(error).toContain(
      'sources.1: caller 2 repeats caller 1 (cluster cluster-1, namespace bookinfo, service account bookinfo-productpage); name each caller once',
    );
  });

  it.each([
    [
      '"From cluster" empty (every cluster) and one target',
      {
        route: [
          { cluster: 'cluster-1', subset: { version: 'v1' }, weight: 100 },
        ],
      },
      'reviews-route',
    ],
    ['no target, only a timeout', { timeout: '5s' }, 'reviews-route'],
    [
      'every optional field filled',
      {
        sourceCluster: 'cluster-1',
        route: [
          { cluster: 'cluster-2', subset: { version: 'v3' }, weight: 40 },
          { cluster: 'cluster-1', subset: { version: 'v1' }, weight: 30 },
          { cluster: 'cluster-1', subset: { version: 'v2' }, weight: 20 },
          { cluster: 'cluster-2', subset: { version: 'v1' }, weight: 10 },
        ],
        timeout: '5s',
        retries: {
          attempts: 3,
          perTryTimeout: '2s',
          retryOn: ['5xx', 'reset'],
        },
        name: 'reviews-canary',
        reason: 'try v3 on more traffic',
      },
      'reviews-canary',
    ],
  ])('the route template with %s', async (_case, fields, policyName) => {
    const { status, error, log, files } = await dryRun('request-mesh-route', {
      service: 'bookinfo/reviews',
      repoUrl: REPO,
      ...fields,
    });
    expect({ status, error }).toEqual({ status: 200, error: undefined });
    expect(log).toContain('Running meshport:policy:traffic in dry-run mode');
    expect(policyFile(files)).toEqual([
      `pull-request/policies/bookinfo/reviews/trafficpolicy-${policyName}.yaml`,
    ]);
  });

  it.each([
    [
      'another repository on the same host',
      'github.com?owner=mallory&repo=mesh-policies',
      '"github.com?owner=mallory&repo=mesh-policies" is not a configured policy repository; pick one of github.com?owner=meshport-demo&repo=mesh-policies (mesh.policyRepositories)',
    ],
    [
      'a host with no integration',
      'git.evil.example?owner=meshport-demo&repo=mesh-policies',
      '"git.evil.example?owner=meshport-demo&repo=mesh-policies" is not a configured policy repository',
    ],
  ])(
    'refuses %s before fetching anything, with a clear message',
    async (_case, repoUrl, message) => {
      const { status, error } = await dryRun('request-mesh-route', {
        service: 'bookinfo/reviews',
        repoUrl,
        timeout: '5s',
      });
      expect(status).toBe(400);
      expect(error).toContain(message);
      expect(error).not.toMatch(/\$\{\{|dry-run-content/);
    },
  );
});
