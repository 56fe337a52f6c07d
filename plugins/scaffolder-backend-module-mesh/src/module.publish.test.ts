import { createBackendModule } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import githubModule from '@backstage/plugin-scaffolder-backend-module-github';
import {
  createTemplateAction,
  scaffolderActionsExtensionPoint,
} from '@backstage/plugin-scaffolder-node';
import { parsePolicyRequestMarker } from '@meshport/backstage-plugin-mesh-policy';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  fakeMeshBackend,
  guest,
  runTask,
  templateEntity,
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
 * Both templates end to end where the policy repository is not a GitHub one with a token: on
 * GitLab (the merge request step, with GitLab played by msw for fetch:plain and the publish
 * action faked with the real one's input names) and without credentials (the demo: the request
 * renders against the SCM snapshot, nothing is published, the task says what would be opened).
 */

const ROUTE = {
  service: 'bookinfo/reviews',
  sourceCluster: 'cluster-1',
  route: [
    { cluster: 'cluster-2', subset: { version: 'v3' }, weight: 75 },
    { cluster: 'cluster-1', subset: { version: 'v1' }, weight: 25 },
  ],
};
const ACCESS = {
  service: 'bookinfo/reviews',
  callers: [
    {
      cluster: 'cluster-1',
      namespace: 'bookinfo',
      serviceAccount: 'bookinfo-details',
    },
  ],
};

/** Every request that left the backend for somewhere other than itself. */
function outsideRequests(server: ReturnType<typeof setupServer>) {
  const seen: string[] = [];
  server.events.on('request:start', ({ request: req }) => {
    const url = new URL(req.url);
    if (!['127.0.0.1', 'localhost'].includes(url.hostname)) {
      seen.push(`${req.method} ${url.origin}${url.pathname}`);
    }
  });
  return seen;
}

const backendFeatures = (
  data: object,
  entities: Entity[],
  extra: any[] = [],
) => [
  scaffolderPlugin,
  githubModule,
  scaffolderModule,
  fakeMeshBackend,
  catalogServiceMock.factory({
    entities: [
      templateEntity('request-mesh-route'),
      templateEntity('request-mesh-access'),
      reviewsComponent,
      guest,
      ...entities,
    ],
  }),
  mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
  mockServices.rootConfig.factory({ data: data as never }),
  ...extra,
];

describe('the request templates without credentials (the demo)', () => {
  const server = setupServer();
  const outside = outsideRequests(server);
  beforeAll(() => server.listen({ onUnhandledRequest: 'bypass' }));
  afterAll(() => server.close());

  const DEMO = 'github.com?owner=meshport-demo&repo=mesh-policies';
  let snapshot: string;
  let httpServer: Awaited<ReturnType<typeof startTestBackend>>['server'];
  beforeAll(async () => {
    snapshot = fs.mkdtempSync(path.join(os.tmpdir(), 'meshport-scm-'));
    fs.writeFileSync(
      path.join(snapshot, 'repositories.json'),
      JSON.stringify({
        repositories: [{ url: DEMO, branchDirectory: POLICY_REPO_FIXTURE }],
      }),
    );
    ({ server: httpServer } = await startTestBackend({
      features: backendFeatures(
        {
          // what `token: ${GITHUB_TOKEN}` leaves when the variable is unset
          integrations: { github: [{ host: 'github.com' }] },
          mesh: {
            policyRepositories: [DEMO],
            policyLifecycle: {
              // the branch (the fixture) is outside the snapshot directory, as in the demo
              snapshot: { directory: snapshot, rootDirectory: '/' },
            },
          },
        },
        [bookinfoTeam],
      ),
    }));
  });
  afterAll(() => fs.rmSync(snapshot, { recursive: true, force: true }));

  it.each([
    [
      'request-mesh-route',
      ROUTE,
      'Route bookinfo/reviews from cluster-1 (TrafficPolicy bookinfo/reviews-from-cluster-1)',
      'policies/bookinfo/reviews/trafficpolicy-reviews-from-cluster-1.yaml',
    ],
    [
      'request-mesh-access',
      ACCESS,
      'Allow cluster-1/bookinfo/bookinfo-details to call bookinfo/reviews (AccessPolicy bookinfo/bookinfo-details-cluster-1-to-reviews)',
      'policies/bookinfo/reviews/accesspolicy-bookinfo-details-cluster-1-to-reviews.yaml',
    ],
  ] as const)(
    '%s renders the request and ends saying what would be opened where and how to configure a token',
    async (template, values, title, policyFile) => {
      const task = await runTask(httpServer, `template:default/${template}`, {
        ...values,
        repoUrl: DEMO,
      });
      expect({
        status: task.status,
        log: task.status === 'completed' ? '' : task.log,
      }).toEqual({
        status: 'completed',
        log: '',
      });
      expect(task.log).toContain(
        "No credentials for github.com: rendering against the SCM snapshot's copy",
      );
      // nothing reached GitHub: neither the fetch nor a pull request
      expect(outside).toEqual([]);
      expect(task.output?.links?.map(l => l.title)).toEqual(['The service']);
      const [text] = task.output?.text ?? [];
      expect(text?.title).toBe('Nothing was published');
      expect(text?.content).toContain(
        'No GitHub token is configured for github.com, so no pull request was opened.',
      );
      expect(text?.content).toContain(
        '[meshport-demo/mesh-policies](https://github.com/meshport-demo/mesh-policies) on github.com',
      );
      expect(text?.content).toContain('**Into branch:** `main`');
      expect(text?.content).toContain('`integrations.github[].token`');
      expect(text?.content).toContain('`GITHUB_TOKEN`');
      expect(text?.content).toContain(`**Title:** ${title}`);
      expect(text?.content).toContain(`\`${policyFile}\``);
      expect(text?.content).toMatch(
        /`rendered\/cluster-1\/bookinfo\/reviews\/[a-z0-9-]+\.yaml`/,
      );
    },
    60_000,
  );

  it('still refuses a repository outside the list', async () => {
    const task = await runTask(
      httpServer,
      'template:default/request-mesh-route',
      {
        ...ROUTE,
        repoUrl: 'github.com?owner=mallory&repo=mesh-policies',
      },
    );
    expect(task.status).toBe('failed');
    expect(task.log).toContain(
      '"github.com?owner=mallory&repo=mesh-policies" is not a configured policy repository',
    );
  }, 60_000);
});

/** The inputs of Backstage's publish:gitlab:merge-request (plugins/scaffolder-backend-module-gitlab). */
const GITLAB_MERGE_REQUEST_INPUTS = [
  'repoUrl',
  'title',
  'description',
  'branchName',
  'targetBranchName',
  'sourcePath',
  'targetPath',
  'token',
  'commitAction',
  'projectid',
  'removeSourceBranch',
  'assignee',
  'reviewers',
  'assignReviewersFromApprovalRules',
  'labels',
];

interface RecordedMergeRequest {
  input?: Record<string, unknown>;
  files?: Record<string, string>;
}

/** publish:gitlab:merge-request as the template calls it: records its input and the files. */
function fakeGitlabPublish(recorded: RecordedMergeRequest) {
  return createBackendModule({
    pluginId: 'scaffolder',
    moduleId: 'fake-gitlab-merge-request',
    register(reg) {
      reg.registerInit({
        deps: { actions: scaffolderActionsExtensionPoint },
        async init({ actions }) {
          actions.addActions(
            createTemplateAction({
              id: 'publish:gitlab:merge-request',
              schema: {
                output: { mergeRequestUrl: z => z.string() },
              },
              async handler(ctx) {
                recorded.input = ctx.input as Record<string, unknown>;
                recorded.files = readTree(
                  path.join(ctx.workspacePath, String(ctx.input.sourcePath)),
                );
                ctx.output(
                  'mergeRequestUrl',
                  'https://gitlab.example.com/platform/mesh/policies/-/merge_requests/7',
                );
              },
            }),
          );
        },
      });
    },
  });
}

describe('the request templates on a GitLab repository', () => {
  const server = setupServer();
  const outside = outsideRequests(server);
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

  const GITLAB = 'gitlab.example.com?owner=platform/mesh&repo=policies';
  const PROJECT = '/api/v4/projects/platform%2Fmesh%2Fpolicies';
  const seen: { ref?: string | null; sha?: string | null } = {};
  beforeEach(() => {
    outside.length = 0;
    server.use(
      http.get(`https://gitlab.example.com${PROJECT}`, () =>
        HttpResponse.json({ id: 7, default_branch: 'main' }),
      ),
      http.get(
        `https://gitlab.example.com${PROJECT}/repository/commits`,
        ({ request: req }) => {
          seen.ref = new URL(req.url).searchParams.get('ref_name');
          return HttpResponse.json([{ id: 'base-sha' }]);
        },
      ),
      http.get(
        `https://gitlab.example.com${PROJECT}/repository/archive`,
        ({ request: req }) => {
          seen.sha = new URL(req.url).searchParams.get('sha');
          return new HttpResponse(
            tarball('policies-base-sha', readTree(POLICY_REPO_FIXTURE)),
            { headers: { 'content-type': 'application/x-gzip' } },
          );
        },
      ),
    );
  });

  const user = (name: string, annotations: Record<string, string>): Entity => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name, namespace: 'default', annotations },
    spec: { memberOf: ['bookinfo-team'] },
    relations: [{ type: 'memberOf', targetRef: 'group:default/bookinfo-team' }],
  });

  async function start(recorded: RecordedMergeRequest, members: Entity[]) {
    return (
      await startTestBackend({
        features: backendFeatures(
          {
            integrations: {
              gitlab: [
                {
                  host: 'gitlab.example.com',
                  apiBaseUrl: 'https://gitlab.example.com/api/v4',
                  token: 'test-token',
                },
              ],
            },
            mesh: {
              policyRepositories: [{ url: GITLAB, branch: 'release-2026' }],
            },
          },
          [
            {
              ...bookinfoTeam,
              metadata: {
                ...bookinfoTeam.metadata,
                annotations: {
                  'gitlab.example.com/team-path': 'platform/bookinfo-team',
                },
              },
            },
            ...members,
          ],
          [fakeGitlabPublish(recorded)],
        ),
      })
    ).server;
  }

  it('opens a merge request into the configured branch, with the group members known on GitLab as reviewers and the marker', async () => {
    const recorded: RecordedMergeRequest = {};
    const httpServer = await start(recorded, [
      user('alice', {
        'gitlab.example.com/user-login': 'https://gitlab.example.com/alice',
      }),
      user('bob', { 'github.com/user-login': 'bob' }),
      user('carol', {
        'gitlab.example.com/user-login': 'https://gitlab.example.com/carol.k',
      }),
    ]);
    const task = await runTask(
      httpServer,
      'template:default/request-mesh-route',
      {
        ...ROUTE,
        repoUrl: GITLAB,
      },
    );
    if (task.status !== 'completed') throw new Error(task.log);

    // fetch:plain read the configured branch, not the default one
    expect(seen).toEqual({ ref: 'release-2026', sha: 'release-2026' });
    expect(outside.every(r => r.includes('gitlab.example.com'))).toBe(true);

    const input = recorded.input!;
    expect(
      Object.keys(input).filter(k => !GITLAB_MERGE_REQUEST_INPUTS.includes(k)),
    ).toEqual([]);
    expect(input).toMatchObject({
      repoUrl: GITLAB,
      branchName: 'meshport/trafficpolicy-bookinfo-reviews-from-cluster-1',
      targetBranchName: 'release-2026',
      title:
        'Route bookinfo/reviews from cluster-1 (TrafficPolicy bookinfo/reviews-from-cluster-1)',
      reviewers: ['alice', 'carol.k'],
      commitAction: 'auto',
      removeSourceBranch: true,
    });
    expect(Object.keys(recorded.files!)).toEqual(
      expect.arrayContaining([
        'policies/bookinfo/reviews/trafficpolicy-reviews-from-cluster-1.yaml',
        'rendered/cluster-1/bookinfo/reviews/virtualservice-meshport-reviews.yaml',
      ]),
    );
    // CODEOWNERS names the group by its GitLab path
    expect(recorded.files!.CODEOWNERS).toContain(
      '/policies/bookinfo/reviews/ @platform/bookinfo-team\n/rendered/*/bookinfo/reviews/ @platform/bookinfo-team\n',
    );
    const description = String(input.description);
    expect(description).not.toContain('Nobody was asked to review');
    expect(parsePolicyRequestMarker(description)).toMatchObject({
      policies: ['trafficpolicy.bookinfo.reviews-from-cluster-1'],
      taskId: task.id,
      requester: 'user:default/guest',
      team: 'group:default/bookinfo-team',
    });
    expect(task.output?.links?.map(l => [l.title, l.url])).toEqual([
      [
        'Merge request',
        'https://gitlab.example.com/platform/mesh/policies/-/merge_requests/7',
      ],
      ['The service', undefined],
    ]);
    expect(task.output?.text ?? []).toEqual([]);
  }, 60_000);

  it('asks nobody when no owner is known on GitLab, and says so in the description', async () => {
    const recorded: RecordedMergeRequest = {};
    const httpServer = await start(recorded, [
      user('bob', { 'github.com/user-login': 'bob' }),
    ]);
    const task = await runTask(
      httpServer,
      'template:default/request-mesh-access',
      {
        ...ACCESS,
        repoUrl: GITLAB,
      },
    );
    if (task.status !== 'completed') throw new Error(task.log);
    expect(recorded.input?.reviewers).toEqual([]);
    expect(String(recorded.input?.description)).toContain(
      'Nobody was asked to review: no member of group:default/bookinfo-team has a GitLab identity for gitlab.example.com.',
    );
  }, 60_000);
});
