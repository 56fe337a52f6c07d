/**
 * Clusters breaking after a good sync, all at once and in every way the issue names — a
 * 503, a timeout, a 401, garbage — seen through the REST API of a real backend: the failing
 * clusters keep their last-known-good services, marked stale with the time and reason, and
 * a healthy cluster's changes still come through.
 */
import type { MeshService } from '@meshport/backstage-plugin-mesh-common';
import { fakeApiServer, FakeApiServerOptions } from '@meshport/fake-kubernetes';
import {
  clusterUrl,
  DISCOVERY_TOKEN,
  useDiscoveryBackend,
} from '../__testUtils__/discoveryBackend';
import { DEMO_CLUSTERS, demoObjects } from '../__testUtils__/demoFleet';

jest.setTimeout(60_000);

const url = clusterUrl;
const TOKEN = DISCOVERY_TOKEN;

// Mutable: the fake API servers read them on every request.
const faults: Record<string, FakeApiServerOptions> = Object.fromEntries(
  DEMO_CLUSTERS.map(c => [c, { token: TOKEN }]),
);
const objects = Object.fromEntries(DEMO_CLUSTERS.map(c => [c, demoObjects(c)]));

const { runDiscovery, clusters, services } = useDiscoveryBackend({
  clusters: DEMO_CLUSTERS,
  handlers: DEMO_CLUSTERS.flatMap(c =>
    fakeApiServer(url(c), objects[c], faults[c]),
  ),
  discoveryTimeoutSeconds: 2,
});

/** A service's instances without their stale flag: the data itself. */
const dataOf = (list: MeshService[]) =>
  list.map(s => ({
    ...s,
    instances: s.instances.map(({ stale: _stale, ...rest }) => rest),
  }));

describe('clusters that break after a good sync', () => {
  let before: MeshService[];
  let firstSync: Record<string, string | undefined>;

  it('syncs every cluster while all answer', async () => {
    await runDiscovery();
    const all = await clusters();
    expect(all.map(c => [c.name, c.sync.state])).toEqual(
      DEMO_CLUSTERS.map(c => [c, 'ok']),
    );
    firstSync = Object.fromEntries(
      all.map(c => [c.name, c.sync.lastSuccessAt]),
    );
    before = await services();
    expect(before.some(s => s.instances.some(i => i.stale))).toBe(false);
  });

  it('keeps 503, timing-out and 401 clusters stale while a healthy one refreshes', async () => {
    faults['cluster-2'].failWith = 503;
    faults['cluster-3'].delayMs = 10_000;
    faults['cluster-4'].token = 'rotated-elsewhere';
    // cluster-1 changes meanwhile: productpage's pod is gone, and with it its endpoint
    const cluster1 = objects['cluster-1'];
    const gone = cluster1.findIndex(
      o => o.kind === 'Pod' && o.metadata?.labels?.app === 'productpage',
    );
    expect(gone).toBeGreaterThanOrEqual(0);
    const [pod] = cluster1.splice(gone, 1);
    type Slice = { endpoints?: Array<{ targetRef?: { name?: string } }> };
    for (const slice of cluster1.filter(o => o.kind === 'EndpointSlice')) {
      const s = slice as Slice;
      s.endpoints = s.endpoints?.filter(
        e => e.targetRef?.name !== pod.metadata?.name,
      );
    }

    await runDiscovery();
    const all = await clusters();
    expect(all.map(c => [c.name, c.sync.state, c.sync.error?.reason])).toEqual([
      ['cluster-1', 'ok', undefined],
      ['cluster-2', 'stale', 'server-error'],
      ['cluster-3', 'stale', 'timeout'],
      ['cluster-4', 'stale', 'unauthorized'],
    ]);
    for (const c of all.filter(x => x.name !== 'cluster-1')) {
      // last-known-good: the time of the last success, and a reason a human can act on
      expect(c.sync.lastSuccessAt).toBe(firstSync[c.name]);
      expect(c.sync.error?.message).toBeTruthy();
    }

    const after = await services();
    expect(after.map(s => s.id)).toEqual(before.map(s => s.id));
    for (const s of after) {
      for (const i of s.instances) {
        expect([s.id, i.cluster, i.stale]).toEqual([
          s.id,
          i.cluster,
          i.cluster !== 'cluster-1',
        ]);
      }
    }
    // the stale clusters' data is exactly what they last reported
    const staleData = (list: MeshService[]) =>
      dataOf(list).map(s => ({
        ...s,
        instances: s.instances.filter(i => i.cluster !== 'cluster-1'),
      }));
    expect(staleData(after)).toEqual(staleData(before));
    // the healthy cluster's change is there
    const productpage = (list: MeshService[]) =>
      list
        .find(s => s.id === 'bookinfo/productpage')!
        .instances.find(i => i.cluster === 'cluster-1')!.endpoints;
    expect(productpage(after).total).toBe(productpage(before).total - 1);
  });

  it('keeps everything when the last healthy cluster answers garbage too', async () => {
    const previous = await services();
    faults['cluster-1'].garbage = true;
    await runDiscovery();
    const all = await clusters();
    expect(all.map(c => [c.name, c.sync.error?.reason])).toEqual([
      ['cluster-1', 'malformed-response'],
      ['cluster-2', 'server-error'],
      ['cluster-3', 'timeout'],
      ['cluster-4', 'unauthorized'],
    ]);
    const after = await services();
    expect(dataOf(after)).toEqual(dataOf(previous));
    expect(after.every(s => s.instances.every(i => i.stale))).toBe(true);
    expect(JSON.stringify(all)).not.toContain(TOKEN);
  });
});
