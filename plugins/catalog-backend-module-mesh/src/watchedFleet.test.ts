/**
 * The catalog follows a watched change, end to end: the real mesh backend discovers two demo
 * clusters in watch mode from fake API servers, the real catalog ingests what this module
 * publishes. A pod change in one cluster reaches `/api/mesh` by the watch alone (no discovery
 * run), then the catalog on the provider's next refresh, which the test triggers instead of
 * waiting for its schedule. A Service deleted in its only cluster removes its entity; a
 * cluster whose watch fails keeps its entities, marked stale, until it is back.
 */
import type { SchedulerService } from '@backstage/backend-plugin-api';
import type { TestBackend } from '@backstage/backend-test-utils';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import type {
  FleetCluster,
  MeshService,
} from '@meshport/backstage-plugin-mesh-common';
import type { FakeCluster, KubeObject } from '@meshport/fake-kubernetes';
import request from 'supertest';
import { fakeDemoClusters } from './__testUtils__/fakeClusters';
import { eventually, startCatalogWithMesh } from './__testUtils__/testBackend';

jest.setTimeout(90_000);

const PROVIDER_TASK = 'MeshEntityProvider:default:refresh';
const DISCOVERY_TASK = 'mesh-fleet-discovery';
const PROVIDER_LOCATION = 'meshport-provider:default';
const DATA_PLANE_MODE = 'meshport.dev/data-plane-mode';

// cluster-1 runs legacy-probe (default namespace, no sidecar); only cluster-2 runs batch-export
const fake = fakeDemoClusters(['cluster-1', 'cluster-2']);

/**
 * What `kubectl label namespace default istio-injection=enabled` and deleting `app`'s pods
 * do: the ReplicaSet creates a new pod, the injector adds the `istio-proxy` sidecar and its
 * `istio-init` container, the EndpointSlice controller points the endpoint at the new pod.
 * https://istio.io/latest/docs/setup/additional-setup/sidecar-injection/#automatic-sidecar-injection
 */
function injectSidecar(cluster: FakeCluster, namespace: string, app: string) {
  const inApp = (o: KubeObject, kind: string) =>
    o.kind === kind &&
    o.metadata?.namespace === namespace &&
    o.metadata?.labels?.app === app;
  const ns = cluster.objects.find(
    o => o.kind === 'Namespace' && o.metadata?.name === namespace,
  )!;
  cluster.upsert({
    ...structuredClone(ns),
    metadata: {
      ...structuredClone(ns.metadata),
      labels: { ...ns.metadata?.labels, 'istio-injection': 'enabled' },
    },
  });
  const renamed = new Map<string, string>();
  for (const pod of cluster.objects.filter(o => inApp(o, 'Pod'))) {
    const name = `${pod.metadata!.generateName}injected`;
    renamed.set(pod.metadata!.name!, name);
    const spec = pod.spec as {
      containers: Array<{ name: string }>;
      initContainers?: Array<{ name: string }>;
    };
    cluster.remove(pod);
    cluster.upsert({
      ...structuredClone(pod),
      metadata: { ...structuredClone(pod.metadata), name },
      spec: {
        ...structuredClone(spec),
        containers: [
          ...structuredClone(spec.containers),
          { name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.24.0' },
        ],
        initContainers: [
          ...structuredClone(spec.initContainers ?? []),
          { name: 'istio-init', image: 'docker.io/istio/proxyv2:1.24.0' },
        ],
      },
    });
  }
  for (const slice of cluster.objects.filter(o => inApp(o, 'EndpointSlice'))) {
    const endpoints = structuredClone(
      slice.endpoints as Array<{ targetRef?: { name?: string } }>,
    );
    for (const e of endpoints) {
      const name = renamed.get(e.targetRef?.name ?? '');
      if (name) e.targetRef!.name = name;
    }
    cluster.upsert({ ...structuredClone(slice), endpoints });
  }
}

/** `kubectl delete` of an application: its Service, EndpointSlices, Deployment and Pods. */
function uninstall(cluster: FakeCluster, namespace: string, app: string) {
  const gone = cluster.objects.filter(
    o =>
      ['Service', 'EndpointSlice', 'Deployment', 'Pod'].includes(
        o.kind ?? '',
      ) &&
      o.metadata?.namespace === namespace &&
      (o.metadata?.labels?.app === app || o.metadata?.name === app),
  );
  expect(gone.map(o => o.kind).sort()).toEqual([
    'Deployment',
    'EndpointSlice',
    'Pod',
    'Service',
  ]);
  for (const o of gone) cluster.remove(o);
}

describe('the catalog following a watched fleet', () => {
  let backend: TestBackend;
  let catalogScheduler: SchedulerService;
  let meshScheduler: SchedulerService;

  beforeAll(async () => {
    fake.listen();
    ({ backend, catalogScheduler, meshScheduler } = await startCatalogWithMesh({
      config: {
        app: { baseUrl: 'http://localhost:3000' },
        kubernetes: { clusterLocatorMethods: [fake.locator] },
        mesh: {
          discovery: {
            mode: 'watch',
            timeout: { seconds: 5 },
            // the safety-net re-list must not be what brings a change
            relistInterval: { minutes: 10 },
            // msw answers this thread's HTTP client only, not a projection thread's
            projectionThreads: 0,
          },
        },
        catalog: {
          providers: { meshport: { defaultOwner: 'platform-team' } },
        },
      },
    }));
  });

  afterAll(async () => {
    await backend?.stop();
    fake.close();
  });

  async function meshEntities(): Promise<Entity[]> {
    const res = await request(backend.server)
      .get('/api/catalog/entities/by-query')
      .query({
        filter: `metadata.annotations.backstage.io/managed-by-origin-location=${PROVIDER_LOCATION}`,
        limit: 200,
      });
    expect(res.status).toBe(200);
    return res.body.items;
  }
  const refs = (items: Entity[]) =>
    items.map(e => stringifyEntityRef(e)).sort();
  const byRef = (items: Entity[], ref: string) =>
    items.find(e => stringifyEntityRef(e) === ref);

  async function meshGet<T>(path: string): Promise<T> {
    const res = await request(backend.server).get(`/api/mesh${path}`);
    expect(res.status).toBe(200);
    return res.body.items;
  }
  const services = () => meshGet<MeshService[]>('/services?limit=100');
  const syncOf = async (cluster: string) =>
    (await meshGet<FleetCluster[]>('/clusters')).find(c => c.name === cluster)!
      .sync;

  /** Polls `/api/mesh/services` until `ok`; gives back how long that took. */
  async function untilMeshShows(ok: (list: MeshService[]) => boolean) {
    const started = Date.now();
    for (;;) {
      if (ok(await services())) return Date.now() - started;
      if (Date.now() - started > 10_000)
        throw new Error('/api/mesh did not show the change within 10 s');
      await new Promise(resolve => setTimeout(resolve, 50));
    }
  }
  const publish = () => catalogScheduler.triggerTask(PROVIDER_TASK);

  const LEGACY_PROBE = 'component:default/legacy-probe.default';
  const BATCH_EXPORT = 'component:default/batch-export.default';
  const ORDERS = 'component:default/orders.orders';
  let published: string[];

  it('publishes both clusters after the first discovery run', async () => {
    await meshScheduler.triggerTask(DISCOVERY_TASK);
    await publish();
    const items = await eventually(async () => {
      const all = await meshEntities();
      expect(
        byRef(all, LEGACY_PROBE)?.metadata.annotations?.[DATA_PLANE_MODE],
      ).toBe('none');
      expect(byRef(all, BATCH_EXPORT)).toBeDefined();
      return all;
    });
    published = refs(items);
    expect(published).toEqual(
      expect.arrayContaining([
        'resource:default/cluster-1',
        'resource:default/cluster-2',
        'resource:default/istio-mesh1',
        ORDERS,
        'component:default/reviews.bookinfo',
      ]),
    );
  });

  it('brings a pod gaining its sidecar to /api/mesh within 2 s, then to the catalog on the next refresh', async () => {
    const modeIn = (list: MeshService[]) =>
      list
        .find(s => s.id === 'default/legacy-probe')
        ?.instances.find(i => i.cluster === 'cluster-1')?.dataPlaneMode;
    const lastSuccess = (await syncOf('cluster-2')).lastSuccessAt;

    injectSidecar(fake.clusters['cluster-1'], 'default', 'legacy-probe');
    const latency = await untilMeshShows(list => modeIn(list) === 'sidecar');
    // the watch debounces for 200 ms; seconds would mean the change waited for a poll
    expect(latency).toBeLessThan(2000);
    // no discovery run read the other cluster again
    expect((await syncOf('cluster-2')).lastSuccessAt).toBe(lastSuccess);
    // the catalog follows the provider's schedule, not the watch
    expect(
      byRef(await meshEntities(), LEGACY_PROBE)!.metadata.annotations?.[
        DATA_PLANE_MODE
      ],
    ).toBe('none');

    await publish();
    const items = await eventually(async () => {
      const all = await meshEntities();
      expect(
        byRef(all, LEGACY_PROBE)!.metadata.annotations?.[DATA_PLANE_MODE],
      ).toBe('sidecar');
      return all;
    });
    expect(refs(items)).toEqual(published);
  });

  it('removes the entity of a service deleted from its only cluster', async () => {
    uninstall(fake.clusters['cluster-2'], 'default', 'batch-export');
    const latency = await untilMeshShows(
      list => !list.some(s => s.id === 'default/batch-export'),
    );
    expect(latency).toBeLessThan(2000);

    await publish();
    // the provider emits the whole fleet; a cluster that synced without the service drops it
    const items = await eventually(async () => {
      const all = await meshEntities();
      expect(byRef(all, BATCH_EXPORT)).toBeUndefined();
      return all;
    });
    published = published.filter(ref => ref !== BATCH_EXPORT);
    expect(refs(items)).toEqual(published);
  });

  it('keeps the entities of a cluster whose watch fails, marked stale, until it is back', async () => {
    fake.faults['cluster-2'].failWith = 503;
    fake.clusters['cluster-2'].dropWatches();
    await eventually(async () => {
      expect((await syncOf('cluster-2')).state).toBe('stale');
    });

    await publish();
    const items = await eventually(async () => {
      const all = await meshEntities();
      expect(
        byRef(all, 'resource:default/cluster-2')!.metadata.annotations?.[
          'meshport.dev/sync-state'
        ],
      ).toBe('stale');
      expect(
        byRef(all, ORDERS)!.metadata.annotations?.['meshport.dev/stale'],
      ).toBe('true');
      return all;
    });
    expect(refs(items)).toEqual(published);
    expect(
      byRef(items, ORDERS)!.metadata.annotations?.['meshport.dev/stale-reason'],
    ).toMatch(/cluster-2/);
    // cluster-1's own service is not stale
    expect(
      byRef(items, LEGACY_PROBE)!.metadata.annotations?.['meshport.dev/stale'],
    ).toBeUndefined();

    delete fake.faults['cluster-2'].failWith;
    // a discovery run nudges the failing cluster instead of waiting out its backoff
    await meshScheduler.triggerTask(DISCOVERY_TASK);
    await eventually(async () => {
      expect((await syncOf('cluster-2')).state).toBe('ok');
    });
    await publish();
    await eventually(async () => {
      const all = await meshEntities();
      expect(
        byRef(all, ORDERS)!.metadata.annotations?.['meshport.dev/stale'],
      ).toBeUndefined();
      expect(refs(all)).toEqual(published);
    });
  });
});
