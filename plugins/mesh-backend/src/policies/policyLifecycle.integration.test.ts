import type { Entity } from '@backstage/catalog-model';
import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  AuthorizeResult,
  isResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  MESHPORT_POLICY_LABEL,
  type Fleet,
  type FindingsResponse,
  type PoliciesResponse,
  type PolicyLifecycle,
} from '@meshport/backstage-plugin-mesh-common';
import {
  renderRepository,
  type Policy,
} from '@meshport/backstage-plugin-mesh-policy';
import request from 'supertest';
import YAML from 'yaml';
import { fakeApiServer } from '@meshport/fake-kubernetes';
import { demoObjects } from '../__testUtils__/demoFleet';
import { createMeshPlugin } from '../plugin';
import type { KubeObject } from '../readers/ClusterReader';
import {
  clusterUrl,
  useDiscoveryBackend,
} from '../__testUtils__/discoveryBackend';
import { FakeScm } from './__testUtils__/fakeScm';
import { POLICY_SYNC_TASK_ID } from './schedulePolicySync';
import { PolicyRepositoryReadError } from './scm/PolicyRepositoryScm';

jest.setTimeout(120_000);

const CLUSTERS = ['cluster-1', 'cluster-2', 'cluster-3', 'cluster-4'];
const REPO = 'github.com?owner=acme&repo=mesh-policies';
const REF = 'trafficpolicy.bookinfo.reviews-shift';

/** From cluster-1, 75 % of reviews to v3 in cluster-2, the rest to v1 and v2 locally. */
const reviewsShift: Policy = {
  apiVersion: 'meshport.dev/v1alpha1',
  kind: 'TrafficPolicy',
  metadata: { name: 'reviews-shift', namespace: 'bookinfo' },
  spec: {
    sources: [{ cluster: 'cluster-1' }],
    destination: { service: 'reviews', namespace: 'bookinfo' },
    route: [
      { cluster: 'cluster-2', subset: { version: 'v3' }, weight: 75 },
      { cluster: 'cluster-1', subset: { version: 'v1' }, weight: 15 },
      { cluster: 'cluster-1', subset: { version: 'v2' }, weight: 10 },
    ],
  },
};

/** A timeout for orders: a policy about a service the restricted caller may not read. */
const ordersTimeout: Policy = {
  apiVersion: 'meshport.dev/v1alpha1',
  kind: 'TrafficPolicy',
  metadata: { name: 'orders-timeout', namespace: 'orders' },
  spec: {
    sources: [{ cluster: 'cluster-2' }],
    destination: { service: 'orders', namespace: 'orders' },
    timeout: '3s',
  },
};

const pullRequest = (state: 'open' | 'merged') => ({
  pullRequest: {
    url: 'https://github.com/acme/mesh-policies/pull/7',
    number: 7,
    title: 'Shift reviews to v3 in cluster-2',
    state,
    author: 'jdoe',
    reviewers: ['bookinfo-team'],
    approvedBy: state === 'merged' ? ['alice'] : [],
    createdAt: '2026-12-01T10:00:00Z',
    ...(state === 'merged' ? { mergedAt: '2026-12-01T11:00:00Z' } : {}),
  },
  policies: [REF],
  request: {
    taskId: 'task-1',
    requester: 'user:default/jdoe',
    team: 'group:default/bookinfo-team',
    requestedAt: '2026-12-01T09:59:00Z',
  },
});

/** The rendered objects of the repository for one cluster, as GitOps would apply them. */
function renderedObjects(
  files: Record<string, string>,
  cluster: string,
): KubeObject[] {
  return Object.entries(files)
    .filter(([path]) => path.startsWith(`rendered/${cluster}/`))
    .map(([, text]) => YAML.parse(text) as KubeObject);
}

const isObject = (o: KubeObject, kind: string, name: string) =>
  o.kind === kind && o.metadata?.name === name;

describe('a policy from its pull request to every cluster, through discovery and the store', () => {
  // the demo fleet without the objects its own policies put there (examples/demo-fleet holds
  // them applied, drifted and rejected): this story starts before anything is applied
  const objects = Object.fromEntries(
    CLUSTERS.map(c => [
      c,
      demoObjects(c).filter(o => !o.metadata?.labels?.[MESHPORT_POLICY_LABEL]),
    ]),
  ) as Record<string, KubeObject[]>;
  const scm = new FakeScm();
  const backend = useDiscoveryBackend({
    clusters: CLUSTERS,
    handlers: CLUSTERS.flatMap(c => fakeApiServer(clusterUrl(c), objects[c])),
    discoveryTimeoutSeconds: 10,
    plugin: createMeshPlugin({ policyRepositoryScm: scm }),
    config: { mesh: { policyRepositories: [REPO] } },
  });
  const policies = () => backend.get<PoliciesResponse>('/policies');
  const reviews = async () => {
    const body = await policies();
    return body.items.find(p => p.ref === REF);
  };
  const syncRepositories = () => backend.runTask(POLICY_SYNC_TASK_ID);
  let files: Record<string, string>;
  let virtualService: KubeObject;

  beforeAll(async () => {
    await backend.runDiscovery();
    const fleet = await backend.get<Fleet>('/fleet');
    files = renderRepository([reviewsShift], fleet).files;
    const rendered = renderedObjects(files, 'cluster-1').find(
      o => o.kind === 'VirtualService',
    );
    if (!rendered)
      throw new Error('reviews-shift renders no VirtualService in cluster-1');
    virtualService = rendered;
  });

  it('is requested while its pull request is open', async () => {
    scm.branches.set(REPO, { commit: 'c0', files: {} });
    scm.pullRequests.set(REPO, [pullRequest('open')]);
    await syncRepositories();
    const body = await policies();
    expect(body.repositories).toEqual([
      expect.objectContaining({
        url: REPO,
        webUrl: 'https://github.com/acme/mesh-policies',
        provider: 'github',
        status: 'ok',
        commit: 'c0',
        // the branch has no CODEOWNERS: nothing makes the owners' review binding
        codeOwners: 'absent',
      }),
    ]);
    const policy = body.items.find(p => p.ref === REF);
    expect(policy).toMatchObject({
      state: 'requested',
      onBranch: false,
      pullRequest: { number: 7, state: 'open' },
      request: { requester: 'user:default/jdoe' },
    });
  });

  it('is pending once merged, until the clusters hold it', async () => {
    scm.branches.set(REPO, { commit: 'c1', files });
    scm.pullRequests.set(REPO, [pullRequest('merged')]);
    await syncRepositories();
    const policy = await reviews();
    expect(policy).toMatchObject({ state: 'pending', onBranch: true });
    expect(policy!.clusters.map(c => c.state)).not.toContain('applied');
  });

  it('is applied after the next discovery, without asking the SCM again', async () => {
    for (const cluster of CLUSTERS)
      objects[cluster].push(...renderedObjects(files, cluster));
    const reads = { ...scm.reads };
    await backend.runDiscovery();
    const policy = await reviews();
    expect(policy?.state).toBe('applied');
    expect(policy!.clusters.every(c => c.state === 'applied')).toBe(true);
    expect(scm.reads).toEqual(reads);
  });

  it('is drifted after a hand edit, with the field that differs', async () => {
    const live = objects['cluster-1'].find(o =>
      isObject(o, 'VirtualService', virtualService.metadata!.name!),
    )!;
    const edited = structuredClone(live);
    (edited.spec as any).http[0].route[0].weight = 50; // the test's hand edit
    (edited.spec as any).http[0].route[1].weight = 40;
    objects['cluster-1'].splice(objects['cluster-1'].indexOf(live), 1, edited);
    await backend.runDiscovery();
    const policy = await reviews();
    expect(policy?.state).toBe('drifted');
    const cluster1 = policy!.clusters.find(c => c.cluster === 'cluster-1')!;
    expect(cluster1.state).toBe('drifted');
    const drifted = cluster1.objects.find(o => o.state === 'drifted')!;
    expect(drifted.differences).toContainEqual(
      expect.objectContaining({ rendered: 75, live: 50 }),
    );
    // the other clusters are untouched
    expect(
      policy!.clusters
        .filter(c => c.cluster !== 'cluster-1')
        .every(c => c.state === 'applied'),
    ).toBe(true);
  });

  it('is missing after the object is deleted', async () => {
    const index = objects['cluster-1'].findIndex(o =>
      isObject(o, 'VirtualService', virtualService.metadata!.name!),
    );
    objects['cluster-1'].splice(index, 1);
    await backend.runDiscovery();
    const policy = await reviews();
    expect(policy?.state).toBe('missing');
    expect(policy!.clusters.find(c => c.cluster === 'cluster-1')?.state).toBe(
      'missing',
    );
  });

  it("is rejected when Istio reports an error on the object, with Istio's message", async () => {
    objects['cluster-1'].push({
      ...structuredClone(virtualService),
      status: {
        validationMessages: [
          {
            level: 'ERROR',
            type: { code: 'IST0101', name: 'ReferencedResourceNotFound' },
            documentationUrl:
              'https://istio.io/latest/docs/reference/config/analysis/ist0101/',
          },
        ],
      },
    } as KubeObject);
    await backend.runDiscovery();
    const policy = await reviews();
    expect(policy?.state).toBe('rejected');
    const cluster1 = policy!.clusters.find(c => c.cluster === 'cluster-1')!;
    expect(cluster1.objects.flatMap(o => o.messages ?? [])).toContainEqual(
      expect.objectContaining({ code: 'IST0101' }),
    );
  });

  it('lists a managed object no policy renders as an orphan', async () => {
    objects['cluster-2'].push({
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: {
        name: 'meshport-ratings-old',
        namespace: 'bookinfo',
        labels: {
          'app.kubernetes.io/managed-by': 'meshport',
          'meshport.dev/policy': 'trafficpolicy.bookinfo.ratings-old',
        },
      },
      spec: { host: 'ratings.bookinfo.svc.cluster.local' },
    });
    await backend.runDiscovery();
    expect((await policies()).orphans).toContainEqual({
      cluster: 'cluster-2',
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      namespace: 'bookinfo',
      name: 'meshport-ratings-old',
      policy: 'trafficpolicy.bookinfo.ratings-old',
    });
  });

  it('shows the failures and the orphan beside the analysis findings', async () => {
    const body = await backend.get<FindingsResponse>('/findings?limit=1000');
    const codes = body.items.map(f => f.code);
    expect(codes).toContain('MESH801');
    expect(codes).toContain('MESH804');
    const rejected = body.items.find(f => f.code === 'MESH801')!;
    expect(rejected.services).toEqual(['bookinfo/reviews']);
    expect(rejected.clusters).toEqual(['cluster-1']);
  });

  it.each([
    ['rate-limited', 'GitHub rate limit reached; it resets at 12:00 UTC'],
    ['unauthorized', 'GitHub refused the token (401); renew it'],
    ['not-found', 'acme/mesh-policies was not found (404)'],
  ] as const)(
    'keeps the last known states through an SCM outage (%s)',
    async (status, message) => {
      const before = await policies();
      scm.fail = new PolicyRepositoryReadError(status, message);
      try {
        await syncRepositories();
        const during = await policies();
        expect(during.repositories[0]).toMatchObject({
          status,
          message,
          commit: 'c1',
        });
        expect(during.items).toEqual(before.items);
        expect(during.orphans).toEqual(before.orphans);
      } finally {
        scm.fail = undefined;
      }
    },
  );

  it('serves one policy, and 404 for an unknown one', async () => {
    const one = await backend.get<PolicyLifecycle>(
      '/policies/trafficpolicy/bookinfo/reviews-shift',
    );
    expect(one.ref).toBe(REF);
  });
});

/** The Component standing for a service, as the catalog module publishes it. */
const entityOf = (namespace: string, name: string, owner: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: `${name}.${namespace}`,
    namespace: 'default',
    annotations: { 'meshport.dev/service': `${namespace}/${name}` },
  },
  spec: { type: 'service', lifecycle: 'production', owner },
});

describe('a caller who may read bookinfo/reviews but not orders/orders', () => {
  // the demo fleet without the objects its own policies put there (examples/demo-fleet holds
  // them applied, drifted and rejected): this story starts before anything is applied
  const objects = Object.fromEntries(
    CLUSTERS.map(c => [
      c,
      demoObjects(c).filter(o => !o.metadata?.labels?.[MESHPORT_POLICY_LABEL]),
    ]),
  ) as Record<string, KubeObject[]>;
  const scm = new FakeScm();
  const hidden = new Set([
    'component:default/orders.orders',
    'component:default/history.orders',
  ]);
  const backend = useDiscoveryBackend({
    clusters: CLUSTERS,
    handlers: CLUSTERS.flatMap(c => fakeApiServer(clusterUrl(c), objects[c])),
    discoveryTimeoutSeconds: 10,
    plugin: createMeshPlugin({ policyRepositoryScm: scm }),
    config: { mesh: { policyRepositories: [REPO] } },
    features: [
      catalogServiceMock.factory({
        // bookinfo/reviews has no entity yet: the fleet permission alone governs it
        entities: [
          entityOf('orders', 'orders', 'orders-team'),
          entityOf('orders', 'history', 'orders-team'),
        ],
      }),
      mockServices.permissions.mock({
        authorize: async requests =>
          requests.map(r => ({
            result:
              isResourcePermission(r.permission) &&
              hidden.has(r.resourceRef ?? '')
                ? AuthorizeResult.DENY
                : AuthorizeResult.ALLOW,
          })),
        // in lists, the catalog hides every entity from this caller
        authorizeConditional: async requests =>
          requests.map(() => ({ result: AuthorizeResult.DENY })),
      }).factory,
    ],
  });

  beforeAll(async () => {
    await backend.runDiscovery();
    const fleet = await backend.get<Fleet>('/fleet');
    const { files } = renderRepository([reviewsShift, ordersTimeout], fleet);
    for (const cluster of CLUSTERS)
      objects[cluster].push(...renderedObjects(files, cluster));
    // an object left by a deleted orders policy: an orphan in a namespace the caller may not read
    objects['cluster-2'].push({
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: {
        name: 'meshport-history',
        namespace: 'orders',
        labels: { 'meshport.dev/policy': 'trafficpolicy.orders.history' },
      },
      spec: { hosts: ['history.orders.svc.cluster.local'] },
    });
    scm.branches.set(REPO, { commit: 'c1', files });
    await backend.runDiscovery();
    await backend.runTask(POLICY_SYNC_TASK_ID);
  });

  it('lists only the policies whose every destination it may read, and no orphan of orders', async () => {
    const body = await backend.get<PoliciesResponse>('/policies');
    expect(body.items.map(p => p.ref)).toEqual([REF]);
    expect(body.totalCount).toBe(1);
    expect(body.orphans.filter(o => o.namespace === 'orders')).toEqual([]);
    const filtered = await backend.get<PoliciesResponse>(
      '/policies?service=orders/orders',
    );
    expect(filtered.items).toEqual([]);
    // the repositories' status is for every reader
    expect(body.repositories.map(r => r.url)).toEqual([REPO]);
  });

  it('gets no finding about the orders policy or the orphan in orders', async () => {
    const body = await backend.get<FindingsResponse>('/findings?limit=1000');
    const lifecycle = body.items.filter(f => f.code.startsWith('MESH80'));
    expect(
      lifecycle.filter(
        f =>
          f.services.some(id => id.startsWith('orders/')) ||
          f.objects.some(o => o.namespace === 'orders'),
      ),
    ).toEqual([]);
  });

  it('gets the same 404 for an unreadable policy and an unknown one', async () => {
    const hiddenPolicy = await request(backend.server())
      .get('/api/mesh/policies/TrafficPolicy/orders/orders-timeout')
      .expect(404);
    const unknown = await request(backend.server())
      .get('/api/mesh/policies/TrafficPolicy/orders/nope')
      .expect(404);
    expect(hiddenPolicy.body.error.message.replace('orders-timeout', 'X')).toBe(
      unknown.body.error.message.replace('nope', 'X'),
    );
  });

  it.each([
    ['/policies?state=broken', /state: unknown state broken/],
    [
      '/policies?service=reviews',
      /service: "reviews" is not <namespace>\/<name>/,
    ],
    ['/policies?cluster=Prod%20Cluster', /is not a DNS-1123 label/],
    ['/policies?limit=0', /limit must be at least 1/],
    ['/policies?team=user%3A', /is not an entity ref/],
    ['/policies?owner=x', /unknown parameter\(s\) owner/],
    ['/policies/Route/bookinfo/reviews', /"Route" is not a policy kind/],
    ['/policies/trafficpolicy/Book%20Info/reviews', /namespace "Book Info"/],
  ])('refuses %s with 400', async (path, message) => {
    const res = await request(backend.server())
      .get(`/api/mesh${path}`)
      .expect(400);
    expect(res.body.error.message).toMatch(message);
  });
});
