/**
 * Watch mode through the REST API of a real backend: after one discovery run lists every
 * cluster, a pod going away in one cluster reaches `/api/mesh` by the watch alone, and it
 * still does after the watch is dropped mid-stream, after `410 Gone` (as an ERROR event and
 * as a plain answer), and after the cluster was down (kept stale with its last-known-good
 * data meanwhile) and came back; a role that may list but not watch keeps the cluster stale
 * with its data and a message that says what to grant.
 */
import type { MeshService } from '@meshport/backstage-plugin-mesh-common';
import {
  fakeApiServer,
  FakeApiServerOptions,
  FakeCluster,
} from '@meshport/fake-kubernetes';
import {
  clusterUrl,
  DISCOVERY_TOKEN,
  useDiscoveryBackend,
} from '../__testUtils__/discoveryBackend';
import { DEMO_CLUSTERS, demoObjects } from '../__testUtils__/demoFleet';
import type { KubeObject } from '../readers/ClusterReader';

jest.setTimeout(60_000);

const faults: Record<string, FakeApiServerOptions> = Object.fromEntries(
  DEMO_CLUSTERS.map(c => [c, { token: DISCOVERY_TOKEN, bookmarkEveryMs: 200 }]),
);
const fake = Object.fromEntries(
  DEMO_CLUSTERS.map(c => [c, new FakeCluster(demoObjects(c))]),
);

const { runDiscovery, clusters, services } = useDiscoveryBackend({
  clusters: DEMO_CLUSTERS,
  handlers: DEMO_CLUSTERS.flatMap(c =>
    fakeApiServer(clusterUrl(c), fake[c], faults[c]),
  ),
  discoveryTimeoutSeconds: 2,
  mode: 'watch',
  discoveryConfig: { relistInterval: { minutes: 10 } },
});

async function eventually<T>(
  read: () => Promise<T>,
  ok: (value: T) => boolean,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline)
      throw new Error(
        `still not there after ${timeoutMs} ms: ${JSON.stringify(value).slice(
          0,
          500,
        )}`,
      );
    await new Promise(resolve => setTimeout(resolve, 50));
  }
}

type Slice = KubeObject & {
  endpoints?: Array<{ targetRef?: { kind?: string; name?: string } }>;
};

const MESH_NAMESPACES = ['bookinfo', 'accounts'];

/**
 * Takes one serving pod of an application's service out of the cluster as Kubernetes would: the
 * pod is deleted and its endpoint leaves the service's EndpointSlice. Gives back the
 * service's id and how to put the pod back.
 */
function removeServingPod(cluster: FakeCluster) {
  const slice = cluster.objects.find(
    o =>
      o.kind === 'EndpointSlice' &&
      MESH_NAMESPACES.includes(o.metadata?.namespace ?? '') &&
      (o as Slice).endpoints?.some(e => e.targetRef?.kind === 'Pod'),
  ) as Slice;
  const podName = slice.endpoints!.find(e => e.targetRef?.kind === 'Pod')!
    .targetRef!.name;
  const pod = cluster.objects.find(
    o =>
      o.kind === 'Pod' &&
      o.metadata?.namespace === slice.metadata?.namespace &&
      o.metadata?.name === podName,
  )!;
  const before = structuredClone(slice);
  cluster.remove(pod);
  cluster.upsert({
    ...structuredClone(slice),
    endpoints: slice.endpoints!.filter(e => e.targetRef?.name !== podName),
  });
  return {
    service: `${slice.metadata!.namespace}/${
      slice.metadata!.labels!['kubernetes.io/service-name']
    }`,
    restore: () => {
      cluster.upsert(structuredClone(pod));
      cluster.upsert(before);
    },
  };
}

const endpointsIn = (list: MeshService[], service: string, cluster: string) =>
  list.find(s => s.id === service)?.instances.find(i => i.cluster === cluster)
    ?.endpoints.total ?? 0;

const stateOf = async (cluster: string) =>
  (await clusters()).find(c => c.name === cluster)!.sync;

/** Removes a serving pod and waits for `/api/mesh` to count one endpoint fewer, then restores. */
async function aChangeComesThrough(cluster: string) {
  const before = await services();
  const { service, restore } = removeServingPod(fake[cluster]);
  const total = endpointsIn(before, service, cluster);
  expect(total).toBeGreaterThan(0);
  const started = Date.now();
  await eventually(
    services,
    list => endpointsIn(list, service, cluster) === total - 1,
  );
  const removedAfter = Date.now() - started;
  restore();
  await eventually(
    services,
    list => endpointsIn(list, service, cluster) === total,
  );
  return removedAfter;
}

describe('watch-based discovery', () => {
  it('lists every cluster on the first run', async () => {
    await runDiscovery();
    const all = await clusters();
    expect(all.map(c => [c.name, c.sync.state])).toEqual(
      DEMO_CLUSTERS.map(c => [c, 'ok']),
    );
  });

  it('brings a pod change in one cluster to /api/mesh without another run', async () => {
    const lastSuccess = (await stateOf('cluster-2')).lastSuccessAt;
    const latency = await aChangeComesThrough('cluster-1');
    // the debounce is 200 ms; seconds would mean the change waited for a poll
    expect(latency).toBeLessThan(2000);
    // the other clusters were not read again
    expect((await stateOf('cluster-2')).lastSuccessAt).toBe(lastSuccess);
  });

  it('resumes a watch dropped mid-stream, without marking the cluster stale', async () => {
    fake['cluster-2'].dropWatches();
    await aChangeComesThrough('cluster-2');
    expect((await stateOf('cluster-2')).state).toBe('ok');
  });

  it('lists again after 410 Gone, as an ERROR event or as a plain answer', async () => {
    fake['cluster-3'].expireWatches();
    await aChangeComesThrough('cluster-3');
    // compacted, then dropped: the resumed watch's resourceVersion is too old (a plain 410)
    fake['cluster-3'].compact();
    fake['cluster-3'].dropWatches();
    await aChangeComesThrough('cluster-3');
    expect((await stateOf('cluster-3')).state).toBe('ok');
  });

  it('keeps a cluster that goes down stale with its data, and catches up when it is back', async () => {
    const before = await services();
    faults['cluster-4'].failWith = 503;
    fake['cluster-4'].dropWatches();
    const down = await eventually(
      () => stateOf('cluster-4'),
      sync => sync.state === 'stale',
    );
    expect(down.error?.reason).toBe('server-error');
    expect(down.error?.message).toMatch(/503/);
    const during = await services();
    // last-known-good: the same instances, marked stale
    const ofCluster4 = (list: MeshService[]) =>
      list.flatMap(s =>
        s.instances
          .filter(i => i.cluster === 'cluster-4')
          .map(i => [s.id, i.endpoints.total]),
      );
    expect(ofCluster4(during)).toEqual(ofCluster4(before));
    expect(
      during.every(s =>
        s.instances.every(i => i.stale === (i.cluster === 'cluster-4')),
      ),
    ).toBe(true);

    // while it is down, a pod goes away; nothing of it may be lost when it is back
    const { service } = removeServingPod(fake['cluster-4']);
    const total = endpointsIn(before, service, 'cluster-4');
    delete faults['cluster-4'].failWith;
    // the next run nudges the failing cluster instead of waiting out its backoff
    await runDiscovery();
    const back = await eventually(
      () => stateOf('cluster-4'),
      sync => sync.state === 'ok',
    );
    expect(back.error).toBeUndefined();
    const after = await eventually(
      services,
      list => endpointsIn(list, service, 'cluster-4') === total - 1,
    );
    expect(after.some(s => s.instances.some(i => i.stale))).toBe(false);
  });

  it('keeps a cluster whose role may list but not watch stale with its data, saying how to fix it', async () => {
    const before = await services();
    faults['cluster-1'].listOnly = true;
    fake['cluster-1'].dropWatches();
    const refused = await eventually(
      () => stateOf('cluster-1'),
      sync => sync.state === 'stale',
    );
    expect(refused.error?.reason).toBe('forbidden');
    expect(refused.error?.message).toMatch(
      /cannot watch resource .*grant the verb watch .* or set mesh\.discovery\.mode: poll/,
    );
    const ofCluster1 = (list: MeshService[]) =>
      list.flatMap(s =>
        s.instances
          .filter(i => i.cluster === 'cluster-1')
          .map(i => [s.id, i.endpoints.total, i.stale]),
      );
    expect(ofCluster1(await services())).toEqual(
      ofCluster1(before).map(([id, total]) => [id, total, true]),
    );

    delete faults['cluster-1'].listOnly;
    await runDiscovery();
    await eventually(
      () => stateOf('cluster-1'),
      sync => sync.state === 'ok',
    );
    await aChangeComesThrough('cluster-1');
  });
});
