import { createMockDirectory } from '@backstage/backend-test-utils';
import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import fs from 'node:fs';
import path from 'node:path';
import { parsePolicyRequestMarker } from '@meshport/backstage-plugin-mesh-policy';
import {
  bookinfoTeam,
  REQUESTED_AT,
  fleetWithOwnership,
  readTree,
  reviewsComponent,
  seedWorkspace,
  testDeps,
} from '../__testUtils__/fixtures';
import type { MeshActionDeps } from '../service/renderPolicyRequest';
import { createTrafficPolicyAction } from './trafficPolicy';

/** From cluster-1, 75 % of reviews to v3 in cluster-2, 15 % v1 and 10 % v2 locally. */
const seed = {
  service: 'bookinfo/reviews',
  sourceClusters: ['cluster-1'],
  route: [
    { target: { cluster: 'cluster-2', subset: { version: 'v3' } }, weight: 75 },
    { cluster: 'cluster-1', subset: { version: 'v1' }, weight: 15 },
    { cluster: 'cluster-1', subset: { version: 'v2' }, weight: 10 },
  ],
};

type Input = Parameters<
  ReturnType<typeof createTrafficPolicyAction>['handler']
>[0]['input'];

describe('meshport:policy:traffic', () => {
  const workspace = createMockDirectory();

  beforeEach(() => {
    workspace.clear();
    seedWorkspace(workspace.path);
  });

  async function run(
    input: Record<string, unknown>,
    deps: MeshActionDeps = testDeps(),
    extra: { isDryRun?: boolean } = {},
  ) {
    const ctx = createMockActionContext<Input>({
      // Deliberately loose: the handler must refuse what the schema would.
      input: input as Input,
      workspacePath: workspace.path,
      user: { ref: 'user:default/guest' },
      ...extra,
    });
    await createTrafficPolicyAction(deps).handler(ctx);
    const outputs = Object.fromEntries(
      (ctx.output as jest.Mock).mock.calls.map(([k, v]) => [k, v]),
    );
    return { ctx, outputs };
  }

  const written = () => readTree(path.join(workspace.path, 'pull-request'));
  const repoBefore = () => readTree(path.join(workspace.path, 'policy-repo'));

  it('writes the seed route and its rendered resources, and names the owners as reviewers', async () => {
    const before = repoBefore();
    const { outputs } = await run(seed);
    const files = written();
    expect(Object.keys(files)).toEqual(outputs.files);
    expect(outputs.files).toContain(
      'policies/bookinfo/reviews/trafficpolicy-reviews-from-cluster-1.yaml',
    );
    expect(
      outputs.files.filter((f: string) => f.startsWith('rendered/cluster-1/')),
    ).not.toHaveLength(0);
    // cluster-1's istiod reads cluster-2's endpoints, but cluster-2 is on another network:
    // cluster-2's east-west gateway needs the subset cluster-1 routes to (issue 15, defect 1)
    expect(
      outputs.files.filter((f: string) => f.startsWith('rendered/cluster-2/')),
    ).toEqual([
      'rendered/cluster-2/bookinfo/reviews/destinationrule-meshport-reviews.yaml',
    ]);
    expect(
      files[
        'policies/bookinfo/reviews/trafficpolicy-reviews-from-cluster-1.yaml'
      ],
    ).toBe(`apiVersion: meshport.dev/v1alpha1
kind: TrafficPolicy
metadata:
  name: reviews-from-cluster-1
  namespace: bookinfo
spec:
  destination:
    namespace: bookinfo
    service: reviews
  route:
    - cluster: cluster-2
      subset:
        version: v3
      weight: 75
    - cluster: cluster-1
      subset:
        version: v1
      weight: 15
    - cluster: cluster-1
      subset:
        version: v2
      weight: 10
  sources:
    - cluster: cluster-1
`);
    expect(outputs).toMatchObject({
      policyPath:
        'policies/bookinfo/reviews/trafficpolicy-reviews-from-cluster-1.yaml',
      sourcePath: 'pull-request',
      filesToDelete: [],
      clusters: ['cluster-1', 'cluster-2'],
      branchName: 'meshport/trafficpolicy-bookinfo-reviews-from-cluster-1',
      title:
        'Route bookinfo/reviews from cluster-1 (TrafficPolicy bookinfo/reviews-from-cluster-1)',
      reviewers: [],
      teamReviewers: ['bookinfo-team'],
      destinationEntityRef: 'component:default/reviews.bookinfo',
    });
    expect(outputs.description).toContain(
      '| Route | 75 % → version=v3 in cluster-2; 15 % → version=v1 in cluster-1; 10 % → version=v2 in cluster-1 |',
    );
    expect(outputs.description).toContain(
      '| Clusters touched | cluster-1, cluster-2 |',
    );
    expect(outputs.description).toContain(
      'Requested by `user:default/guest` through Backstage.',
    );
    expect(outputs.description).toContain(
      '- added TrafficPolicy `bookinfo/reviews-from-cluster-1`',
    );
    // The fetched repository is read, never modified.
    expect(repoBefore()).toEqual(before);
  });

  it('ends the description with the request marker: the policy, the task, the requester, the team and when', async () => {
    const { outputs } = await run(seed);
    const last = outputs.description.trimEnd().split('\n').pop();
    expect(parsePolicyRequestMarker(last)).toEqual({
      policies: ['trafficpolicy.bookinfo.reviews-from-cluster-1'],
      destinations: ['bookinfo/reviews'],
      taskId: 'mock-task-id',
      requester: 'user:default/guest',
      // the guest of these tests belongs to no group
      team: undefined,
      requestedAt: REQUESTED_AT,
    });
  });

  it('does the same in a dry run, so the template editor previews the files', async () => {
    const { outputs } = await run(seed, testDeps(), { isDryRun: true });
    expect(Object.keys(written())).toEqual(outputs.files);
    expect(outputs.teamReviewers).toEqual(['bookinfo-team']);
  });

  it('takes a timeout and retries without a route', async () => {
    const { outputs } = await run({
      service: 'bookinfo/reviews',
      name: 'reviews-timeouts',
      timeout: '5s',
      retries: { attempts: 2, perTryTimeout: '2s', retryOn: ['5xx'] },
      reason: 'Reviews hangs when ratings is slow.\nSee incident 42.',
    });
    expect(outputs.branchName).toBe(
      'meshport/trafficpolicy-bookinfo-reviews-timeouts',
    );
    expect(outputs.description).toContain('| Timeout | 5s |');
    expect(outputs.description).toContain(
      '| Retries | 2 attempts, 2s each on 5xx |',
    );
    expect(outputs.description).toContain(
      '> Reviews hangs when ratings is slow.\n> See incident 42.',
    );
  });

  describe('refuses bad input and writes nothing', () => {
    const conflictingRepo = (dir: string) => {
      fs.cpSync(
        path.resolve(
          __dirname,
          '../../../../examples/policy-repo/policies/bookinfo/reviews/trafficpolicy-reviews-shift.yaml',
        ),
        path.join(
          dir,
          'policy-repo/policies/bookinfo/reviews/trafficpolicy-reviews-shift.yaml',
        ),
      );
    };

    it.each<
      [string, Record<string, unknown>, RegExp, ((dir: string) => void) | null]
    >([
      [
        'an unknown service',
        { ...seed, service: 'bookinfo/nope' },
        /no service bookinfo\/nope in any cluster of the fleet/,
        null,
      ],
      [
        'an unknown source cluster',
        { ...seed, sourceClusters: ['cluster-9'] },
        /cluster-9/,
        null,
      ],
      [
        'an unknown target cluster',
        {
          ...seed,
          route: [
            { cluster: 'cluster-9', subset: { version: 'v3' }, weight: 100 },
          ],
        },
        /cluster-9/,
        null,
      ],
      [
        'a subset the service does not have there',
        {
          ...seed,
          route: [
            { cluster: 'cluster-1', subset: { version: 'v3' }, weight: 100 },
          ],
        },
        /v3/,
        null,
      ],
      [
        'weights not adding up to 100',
        {
          ...seed,
          route: [
            { cluster: 'cluster-2', subset: { version: 'v3' }, weight: 65 },
            { cluster: 'cluster-1', subset: { version: 'v1' }, weight: 25 },
          ],
        },
        /spec\.route: weights add up to 90, they must add up to 100/,
        null,
      ],
      [
        'a policy conflicting with one in the repository',
        { ...seed, name: 'reviews-canary' },
        /conflict|both set/i,
        conflictingRepo,
      ],
      [
        'a name already taken in the repository',
        { ...seed, name: 'reviews-shift' },
        /already has TrafficPolicy bookinfo\/reviews-shift/,
        conflictingRepo,
      ],
      [
        'a name with YAML metacharacters',
        { ...seed, name: 'a: b' },
        /metadata\.name: metadata\.name must be a DNS-1123 label/,
        null,
      ],
      [
        'a name with a path in it',
        { ...seed, name: '../../etc' },
        /metadata\.name/,
        null,
      ],
      [
        'a service with a path in it',
        { ...seed, service: 'bookinfo/../../etc' },
        /service: service must be <namespace>\/<name>/,
        null,
      ],
      [
        'a label value with YAML metacharacters',
        {
          ...seed,
          route: [{ subset: { version: 'v1\n- x: &a' }, weight: 100 }],
        },
        /label value/,
        null,
      ],
      [
        'an oversized name',
        { ...seed, name: 'x'.repeat(64) },
        /name: name must be at most 63 characters/,
        null,
      ],
      [
        'an oversized reason',
        { ...seed, reason: 'x'.repeat(2001) },
        /reason must be at most 2000 characters/,
        null,
      ],
      [
        'too many route targets',
        {
          ...seed,
          route: Array.from({ length: 9 }, (_, i) => ({
            subset: { version: `v${i}` },
            weight: 10,
          })),
        },
        /at most 8 route targets/,
        null,
      ],
      [
        'an oversized timeout',
        { ...seed, timeout: '9'.repeat(40) },
        /timeout/,
        null,
      ],
      [
        'an output folder outside the workspace',
        { ...seed, outputPath: '../elsewhere' },
        /outside the task workspace/,
        null,
      ],
    ])('%s', async (_, input, message, prepare) => {
      prepare?.(workspace.path);
      const before = repoBefore();
      await expect(run(input)).rejects.toThrow(message);
      await expect(run(input)).rejects.toMatchObject({ name: 'InputError' });
      expect(written()).toEqual({});
      expect(repoBefore()).toEqual(before);
      expect(fs.existsSync(path.join(workspace.path, '..', 'elsewhere'))).toBe(
        false,
      );
    });
  });

  it('allows only the owning group to request a route', async () => {
    const permissions = mockServices.permissions.mock({
      authorize: jest.fn(async () => [{ result: AuthorizeResult.DENY }]),
    });
    await expect(run(seed, testDeps({ permissions }))).rejects.toThrow(
      /only members of group:default\/bookinfo-team, which owns bookinfo\/reviews, may request a route/,
    );
    expect(written()).toEqual({});
    expect(permissions.authorize).toHaveBeenCalledWith(
      [
        {
          permission: expect.objectContaining({ name: 'mesh.route.request' }),
          resourceRef: 'component:default/reviews.bookinfo',
        },
      ],
      { credentials: expect.anything() },
    );
  });

  it('asks the owning user when a person owns the service', async () => {
    const fleet = fleetWithOwnership('bookinfo/reviews', {
      owner: 'user:default/jane',
      claims: [{ owner: 'user:default/jane', from: 'configuration' }],
    });
    const catalog = catalogServiceMock({
      entities: [
        {
          ...reviewsComponent,
          spec: { ...reviewsComponent.spec, owner: 'user:default/jane' },
        },
        {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'User',
          metadata: {
            name: 'jane',
            annotations: { 'github.com/user-login': 'jane-doe' },
          },
          spec: {},
        },
      ],
    });
    const { outputs } = await run(
      seed,
      testDeps({ catalog, fleet: { getFleet: async () => fleet } }),
    );
    expect(outputs.reviewers).toEqual(['jane-doe']);
    expect(outputs.teamReviewers).toEqual([]);
  });

  it('refuses when no catalog entity claims the service, or its owner has no GitHub team', async () => {
    await expect(
      run(
        seed,
        testDeps({ catalog: catalogServiceMock({ entities: [bookinfoTeam] }) }),
      ),
    ).rejects.toThrow(
      /no catalog entity stands for bookinfo\/reviews: none generated by the Meshport catalog module, and no entity annotated meshport.dev\/service: bookinfo\/reviews is owned by the service's owner \(group:default\/bookinfo-team\)/,
    );
    await expect(
      run(
        seed,
        testDeps({
          catalog: catalogServiceMock({
            entities: [
              reviewsComponent,
              { ...bookinfoTeam, metadata: { name: 'bookinfo-team' } },
            ],
          }),
        }),
      ),
    ).rejects.toThrow(/has no github.com\/team-slug annotation/);
    expect(written()).toEqual({});
  });

  describe('takeovers', () => {
    /** The Component the catalog module generated, owned as the fleet says. */
    const generated = {
      ...reviewsComponent,
      metadata: {
        ...reviewsComponent.metadata,
        annotations: {
          ...reviewsComponent.metadata.annotations,
          'backstage.io/managed-by-origin-location':
            'meshport-provider:default',
        },
      },
    };
    const mallory = {
      ...reviewsComponent,
      metadata: {
        ...reviewsComponent.metadata,
        name: 'aaa-claim-reviews',
        annotations: {
          ...reviewsComponent.metadata.annotations,
          'backstage.io/managed-by-origin-location':
            'url:https://evil.example/catalog-info.yaml',
        },
      },
      spec: { ...reviewsComponent.spec, owner: 'user:default/mallory' },
    };
    const malloryUser = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'User',
      metadata: {
        name: 'mallory',
        annotations: { 'github.com/user-login': 'mallory' },
      },
      spec: {},
    };

    it('ignores an entity that claims the service for someone other than its owner', async () => {
      const permissions = mockServices.permissions.mock({
        authorize: jest.fn(async () => [{ result: AuthorizeResult.ALLOW }]),
      });
      const { outputs } = await run(
        seed,
        testDeps({
          permissions,
          catalog: catalogServiceMock({
            entities: [mallory, malloryUser, generated, bookinfoTeam],
          }),
        }),
      );
      expect(outputs.teamReviewers).toEqual(['bookinfo-team']);
      expect(outputs.reviewers).toEqual([]);
      expect(outputs.destinationEntityRef).toBe(
        'component:default/reviews.bookinfo',
      );
      expect(permissions.authorize).toHaveBeenCalledWith(
        [
          expect.objectContaining({
            resourceRef: 'component:default/reviews.bookinfo',
          }),
        ],
        expect.anything(),
      );
    });

    it('refuses while the clusters dispute the owner, naming both claims', async () => {
      const claims = [
        {
          owner: 'group:default/mallory-team',
          from: 'service-label' as const,
          cluster: 'a-dev',
        },
        {
          owner: 'group:default/bookinfo-team',
          from: 'service-label' as const,
          cluster: 'cluster-1',
        },
      ];
      const fleet = fleetWithOwnership('bookinfo/reviews', {
        claims,
        conflict: { claims },
      });
      await expect(
        run(seed, testDeps({ fleet: { getFleet: async () => fleet } })),
      ).rejects.toThrow(
        'the ownership of mesh service bookinfo/reviews is in conflict, so it has no owner: group:default/mallory-team (Service label in a-dev) vs group:default/bookinfo-team (Service label in cluster-1)',
      );
      expect(written()).toEqual({});
    });
  });
});
