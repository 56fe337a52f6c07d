import { mockServices } from '@backstage/backend-test-utils';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { fakeApiServer } from '@meshport/fake-kubernetes';
import type { KubernetesClusterSource } from '../clusters/ClusterSource';
import { createReader } from '../readers/createReader';
import {
  kubernetesSource,
  serviceAccountAuth,
} from '../__testUtils__/kubernetesSource';
import { LiveFleetStore } from '../store/LiveFleetStore';
import { AGGREGATION, demoObjects } from '../__testUtils__/demoFleet';
import { memoryRepository } from '../__testUtils__/memoryRepository';
import { FleetDiscovery } from './FleetDiscovery';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const url = (name: string) => `https://${name}.k8s.example.com:6443`;
const source = (name: string): KubernetesClusterSource =>
  kubernetesSource(name, url(name), { token: `token-of-${name}` });

function setup(names: string[], timeoutMs = 2000) {
  const logger = mockServices.logger.mock();
  const store = new LiveFleetStore({
    clusters: names.map(name => ({ name, source: 'kubernetes' as const })),
    repository: memoryRepository(),
    aggregation: AGGREGATION,
    logger,
  });
  const discovery = new FleetDiscovery({
    sources: names.map(source),
    // a small page size so every list of the demo clusters spans several pages
    createReader: s =>
      createReader(s, {
        pageSize: 3,
        maxObjectsPerKind: 10_000,
        authenticator: serviceAccountAuth,
      }),
    sink: store,
    logger,
    timeoutMs,
    concurrency: 4,
    excludeNamespaces: AGGREGATION.excludeNamespaces,
  });
  return { store, discovery, logger };
}

const healthy = (name: string, extra = {}) =>
  fakeApiServer(url(name), demoObjects(name), {
    token: `token-of-${name}`,
    ...extra,
  });

describe('FleetDiscovery against fake API servers', () => {
  it('aggregates a healthy fleet, following pagination', async () => {
    const requests: string[] = [];
    server.use(
      ...healthy('cluster-1', { requests }),
      ...healthy('cluster-2'),
      ...healthy('cluster-3'),
    );
    const { store, discovery } = setup(['cluster-1', 'cluster-2', 'cluster-3']);
    await discovery.runOnce();
    const fleet = await store.getFleet();

    expect(fleet.clusters.map(c => [c.name, c.sync.state])).toEqual([
      ['cluster-1', 'ok'],
      ['cluster-2', 'ok'],
      ['cluster-3', 'ok'],
    ]);
    // pods of cluster-1 span several pages of 3: every continue token was followed
    expect(requests.filter(r => r.startsWith('/api/v1/pods'))).toEqual([
      '/api/v1/pods?limit=3',
      '/api/v1/pods?limit=3&continue=3',
      '/api/v1/pods?limit=3&continue=6',
      '/api/v1/pods?limit=3&continue=9',
      '/api/v1/pods?limit=3&continue=12',
    ]);
    const reviews = fleet.services.find(s => s.id === 'bookinfo/reviews');
    expect(reviews?.instances.map(i => [i.cluster, i.subsets.version])).toEqual(
      [
        ['cluster-1', ['v1', 'v2']],
        ['cluster-2', ['v1', 'v2', 'v3']],
      ],
    );
    // cluster-3's separate mesh federates through the east-west gateways: each mesh's
    // istio-ca-root-cert holds the other's root after its own
    expect(fleet.links).toEqual([
      { from: 'cluster-1', to: 'cluster-2', via: 'shared-endpoint-discovery' },
      { from: 'cluster-1', to: 'cluster-3', via: 'gateway-federation' },
      { from: 'cluster-2', to: 'cluster-1', via: 'shared-endpoint-discovery' },
      { from: 'cluster-2', to: 'cluster-3', via: 'gateway-federation' },
      { from: 'cluster-3', to: 'cluster-1', via: 'gateway-federation' },
      { from: 'cluster-3', to: 'cluster-2', via: 'gateway-federation' },
    ]);
    expect(fleet.services.map(s => s.id)).toEqual([
      'accounts/accounts',
      'accounts/users',
      'bookinfo/details',
      'bookinfo/productpage',
      'bookinfo/ratings',
      'bookinfo/reviews',
      // outside the mesh, but discovered: they call mesh services without a sidecar
      'default/batch-export',
      'default/legacy-probe',
      'orders/history',
      'orders/orders',
    ]);
    const text = JSON.stringify(fleet);
    expect(text).not.toContain('token-of-');
    expect(text).not.toContain('demo-remote-secret-token-not-real');
  });

  describe('remote secrets, with only the namespaced Role of deploy/kubernetes', () => {
    // what the API server answers once the ClusterRole no longer grants `list secrets`
    const ROLE_NAMESPACES = ['istio-system'];
    const SELECTOR = new URLSearchParams({
      labelSelector: 'istio/multiCluster=true',
    }).toString();
    const secretRequests = (requests: string[]) =>
      requests.filter(r => /^\/api\/v1\/(namespaces\/[^/]+\/)?secrets/.test(r));

    it('lists them per Istio control-plane namespace, never cluster-wide, and still finds them', async () => {
      const requests: Record<string, string[]> = {};
      for (const name of ['cluster-1', 'cluster-2', 'cluster-4']) {
        requests[name] = [];
        server.use(
          ...healthy(name, {
            requests: requests[name],
            listSecretsOnlyIn: ROLE_NAMESPACES,
          }),
        );
      }
      const { store, discovery } = setup([
        'cluster-1',
        'cluster-2',
        'cluster-4',
      ]);
      await discovery.runOnce();
      const fleet = await store.getFleet();

      expect(fleet.clusters.map(c => [c.name, c.sync.state])).toEqual([
        ['cluster-1', 'ok'],
        ['cluster-2', 'ok'],
        ['cluster-4', 'ok'],
      ]);
      expect(Object.values(requests).flat()).not.toContainEqual(
        expect.stringMatching(/^\/api\/v1\/secrets/),
      );
      expect(secretRequests(requests['cluster-1'])).toEqual([
        `/api/v1/namespaces/istio-system/secrets?limit=3&${SELECTOR}`,
      ]);
      expect(secretRequests(requests['cluster-2'])).toEqual([
        `/api/v1/namespaces/istio-system/secrets?limit=3&${SELECTOR}`,
      ]);
      // Linkerd keeps no remote secrets: its namespace is read for config maps only
      expect(secretRequests(requests['cluster-4'])).toEqual([]);
      expect(
        requests['cluster-4'].filter(r => r.includes('/configmaps')),
      ).toEqual(['/api/v1/namespaces/linkerd/configmaps?limit=3']);

      // the remote secrets still tie the primaries together
      const readsFrom = (name: string) =>
        fleet.clusters
          .find(c => c.name === name)
          ?.controlPlanes.map(cp => cp.readsEndpointsFrom);
      expect(readsFrom('cluster-1')).toEqual([['cluster-2']]);
      expect(readsFrom('cluster-2')).toEqual([['cluster-1']]);
      expect(JSON.stringify(fleet)).not.toContain(
        'demo-remote-secret-token-not-real',
      );
    });

    it("also lists them in an external control plane's annotated namespace, and nowhere else", async () => {
      const secret = (namespace: string, name: string, remote: boolean) => ({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: {
          namespace,
          name,
          ...(remote
            ? {
                labels: { 'istio/multiCluster': 'true' },
                annotations: { 'networking.istio.io/cluster': 'cluster-9' },
              }
            : {}),
        },
        data: { key: 'bm90LXJlYWQ=' },
      });
      const objects = [
        ...demoObjects('cluster-1'),
        {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: {
            name: 'external-istiod',
            annotations: {
              'topology.istio.io/controlPlaneClusters': 'cluster-9',
            },
          },
        },
        secret('external-istiod', 'istio-remote-secret-cluster-9', true),
        // not remote secrets: the label selector leaves them out
        secret('istio-system', 'cacerts', false),
        secret('external-istiod', 'istio-kubeconfig', false),
        // a remote secret outside any control-plane namespace: no istiod reads it
        secret('default', 'istio-remote-secret-stray', true),
      ];
      const requests: string[] = [];
      server.use(
        ...fakeApiServer(url('cluster-1'), objects, {
          token: 'token-of-cluster-1',
          requests,
          listSecretsOnlyIn: [...ROLE_NAMESPACES, 'external-istiod'],
        }),
      );
      const { store, discovery } = setup(['cluster-1']);
      const inventories: Record<string, unknown> = {};
      const original = store.recordSuccess.bind(store);
      store.recordSuccess = async (name, inventory, at) => {
        inventories[name] = inventory;
        return original(name, inventory, at);
      };
      await discovery.runOnce();

      expect((await store.getFleet()).clusters[0].sync.state).toBe('ok');
      expect(secretRequests(requests).sort()).toEqual([
        `/api/v1/namespaces/external-istiod/secrets?limit=3&${SELECTOR}`,
        `/api/v1/namespaces/istio-system/secrets?limit=3&${SELECTOR}`,
      ]);
      expect(inventories['cluster-1']).toMatchObject({
        remoteSecrets: [
          {
            namespace: 'external-istiod',
            name: 'istio-remote-secret-cluster-9',
            clusterId: 'cluster-9',
          },
          {
            namespace: 'istio-system',
            name: 'istio-remote-secret-cluster-2',
            clusterId: 'cluster-2',
          },
        ],
      });
    });
  });

  it.each([
    ['unauthorized', { token: 'another-token' }, 'HTTP 401'],
    ['forbidden', { failWith: 403 }, 'cannot list resource'],
    ['server-error', { failWith: 500 }, 'HTTP 500'],
    ['malformed-response', { garbage: true }, 'not valid JSON'],
  ])(
    'marks a cluster answering with %s stale, keeps its data and leaves the others alone',
    async (reason, fault, message) => {
      server.use(...healthy('cluster-1'), ...healthy('cluster-2'));
      const { store, discovery } = setup(['cluster-1', 'cluster-2']);
      await discovery.runOnce();
      const before = await store.getFleet();

      server.resetHandlers(
        ...healthy('cluster-1'),
        ...fakeApiServer(url('cluster-2'), demoObjects('cluster-2'), {
          token: 'token-of-cluster-2',
          ...fault,
        }),
      );
      await discovery.runOnce();
      const after = await store.getFleet();

      const cluster2 = after.clusters.find(c => c.name === 'cluster-2');
      expect(cluster2?.sync).toMatchObject({
        state: 'stale',
        lastSuccessAt: before.clusters[1].sync.lastSuccessAt,
        error: { reason, message: expect.stringContaining(message) },
      });
      expect(cluster2?.controlPlanes).toEqual(before.clusters[1].controlPlanes);
      const reviews = after.services.find(s => s.id === 'bookinfo/reviews');
      expect(reviews?.instances.map(i => [i.cluster, i.stale])).toEqual([
        ['cluster-1', false],
        ['cluster-2', true],
      ]);
      // apart from freshness, nothing about cluster-1 changed
      const strip = (f: typeof before) =>
        f.services.map(s => s.instances.filter(i => i.cluster === 'cluster-1'));
      expect(strip(after)).toEqual(strip(before));
      expect(after.clusters[0].sync.state).toBe('ok');
      expect(JSON.stringify(after)).not.toContain('token-of-');
    },
  );

  it('times out a slow cluster without delaying the others', async () => {
    server.use(
      ...healthy('cluster-1'),
      ...healthy('cluster-3', { delayMs: 5_000 }),
    );
    const { store, discovery } = setup(['cluster-1', 'cluster-3'], 1_000);
    // Order, not wall-clock bounds: on a loaded 2-core runner a healthy read alone can take
    // hundreds of milliseconds, but it must still land before the slow cluster's timeout fires.
    const events: string[] = [];
    const recordSuccess = store.recordSuccess.bind(store);
    store.recordSuccess = async (name, inv, at) => {
      events.push(`ok ${name}`);
      return recordSuccess(name, inv, at);
    };
    const recordFailure = store.recordFailure.bind(store);
    store.recordFailure = async (name, error, at) => {
      events.push(`failed ${name}`);
      return recordFailure(name, error, at);
    };
    const started = Date.now();
    await discovery.runOnce();
    const elapsed = Date.now() - started;

    const fleet = await store.getFleet();
    expect(
      fleet.clusters.map(c => [c.name, c.sync.state, c.sync.error?.reason]),
    ).toEqual([
      ['cluster-1', 'ok', undefined],
      ['cluster-3', 'never-synced', 'timeout'],
    ]);
    expect(events).toEqual(['ok cluster-1', 'failed cluster-3']);
    // the run ends at the timeout, not when the slow server would have answered (5 s)
    expect(elapsed).toBeLessThan(4_000);
  });

  it('classifies an unreachable API server', async () => {
    const { store, discovery } = setup(['cluster-1']);
    server.use(http.get(`${url('cluster-1')}/*`, () => HttpResponse.error()));
    await discovery.runOnce();
    const fleet = await store.getFleet();
    expect(fleet.clusters[0].sync).toMatchObject({
      state: 'never-synced',
      error: {
        reason: 'unreachable',
        message: expect.stringContaining('GET /api/v1/namespaces failed'),
      },
    });
  });
});
