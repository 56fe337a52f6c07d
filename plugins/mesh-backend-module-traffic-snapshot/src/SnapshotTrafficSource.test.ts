import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildFleet } from '../../aggregation/buildFleet';
import {
  AGGREGATION,
  DEMO_CLUSTERS,
  DEMO_FLEET_DIR,
  demoClusterInputs,
} from '../../__testUtils__/demoFleet';
import { RESOURCES } from '../../readers/resources';
import { SnapshotReader } from '../../readers/SnapshotReader';
import { scenarioFleet } from '../__testUtils__/istioScenario';
import { computeMtlsStatus } from '../mtls/computeMtlsStatus';
import { readSnapshotFile } from './snapshotFile';
import { SnapshotTrafficSource } from './SnapshotTrafficSource';

const DEMO_FILE = resolve(
  __dirname,
  '../../../../../examples/demo-traffic/traffic.json',
);
const fleetStore = { getFleet: async () => scenarioFleet() };
const now = () => Date.parse('2025-03-04T10:00:00Z');
const window = { text: '1h', seconds: 3600 };

describe('SnapshotTrafficSource on the demo file', () => {
  const source = new SnapshotTrafficSource({
    file: DEMO_FILE,
    fleetStore,
    cacheTtlMs: 1000,
    now,
  });

  it('serves reviews: two inbound edges from productpage and its calls to ratings', async () => {
    const t = await source.getTraffic(
      { namespace: 'bookinfo', name: 'reviews' },
      window,
    );
    expect(t.source).toBe('snapshot');
    expect(t.partial).toBe(false);
    expect(
      t.inbound.map(e => [
        e.peer.name,
        e.peerCluster.name,
        e.thisCluster.name,
        e.http?.requestsPerSecond,
      ]),
    ).toEqual([
      ['productpage', 'cluster-1', 'cluster-1', 14.2],
      ['productpage', 'cluster-1', 'cluster-2', 7.1],
    ]);
    expect(t.outbound.map(e => [e.peer.name, e.thisCluster.name])).toEqual([
      ['ratings', 'cluster-1'],
      ['ratings', 'cluster-2'],
    ]);
    const cross = t.inbound[1];
    expect(cross.peerCluster.known).toBe(true);
    expect(cross.mtls.share).toBe(1);
    expect(cross.series.requestsPerSecond).toHaveLength(61);
    for (const [, v] of cross.series.requestsPerSecond) {
      expect(v).toBeGreaterThan(7.1 * 0.9);
      expect(v).toBeLessThan(7.1 * 1.1);
    }
    expect(
      t.clusters.every(c => c.state === 'ok' && c.source === 'snapshot'),
    ).toBe(true);
  });

  it('answers the same at the same time', async () => {
    const a = await source.getTraffic(
      { namespace: 'orders', name: 'orders' },
      window,
    );
    const b = await source.getTraffic(
      { namespace: 'orders', name: 'orders' },
      window,
    );
    expect(b).toEqual(a);
    expect(a.inbound.map(e => e.peer.name)).toEqual([
      'istio-ingressgateway',
      'batch-export',
    ]);
    expect(a.outbound.map(e => [e.peer.name, e.http === undefined])).toEqual([
      ['accounts', false],
      ['users', false],
      // orders' ztunnel reports no HTTP, and history's neither: connections only.
      ['history', true],
    ]);
  });
});

describe('the demo traffic file against the demo fleet', () => {
  const at = '2025-03-04T10:00:00.000Z';
  const demoFleetStore = {
    getFleet: async () =>
      buildFleet(await demoClusterInputs(at), AGGREGATION, new Date(at)),
  };
  const source = new SnapshotTrafficSource({
    file: DEMO_FILE,
    fleetStore: demoFleetStore,
    cacheTtlMs: 1000,
    now,
  });

  it('names only Services and CLUSTER_IDs of the demo fleet', async () => {
    const services = new Set<string>();
    for (const cluster of DEMO_CLUSTERS) {
      const reader = new SnapshotReader({
        type: 'snapshot',
        name: cluster,
        directory: join(DEMO_FLEET_DIR, cluster),
      });
      const signal = new AbortController().signal;
      for (const s of (await reader.list(RESOURCES.services, { signal })) ??
        []) {
        services.add(`${s.metadata?.namespace}/${s.metadata?.name}@${cluster}`);
      }
    }
    const { edges } = await readSnapshotFile(DEMO_FILE);
    const missing = edges
      .flatMap(e => [e.source, e.destination])
      .map(p => `${p.namespace}/${p.service}@${p.clusterId}`)
      .filter(key => !services.has(key));
    expect(missing).toEqual([]);
  });

  // Issue 17: orders in cluster-2 is ambient without a waypoint, so only ztunnel reports its
  // side, as TCP connections; batch-export's plaintext arrives through ztunnel's inbound
  // passthrough, reported as `unknown` (istio/ztunnel src/proxy/inbound_passthrough.rs).
  it("shows ambient orders' plaintext callers as ztunnel reports them, with a warning", async () => {
    const t = await source.getTraffic(
      { namespace: 'orders', name: 'orders' },
      window,
    );
    const batch = t.inbound.find(e => e.peer.name === 'batch-export')!;
    expect(batch.http).toBeUndefined();
    expect(batch.mtls).toEqual({
      share: 0,
      connections: {
        mutualPerSecond: 0,
        plaintextPerSecond: 0.4,
        unclassifiedPerSecond: 0,
      },
      unclassified: [],
    });
    const gateway = t.inbound.find(
      e => e.peer.name === 'istio-ingressgateway',
    )!;
    // ztunnel sees no HTTP: the requests are the gateway's own report.
    expect(gateway.reporter).toBe('source');
    expect(gateway.http!.requestsPerSecond).toBe(9.8);
    expect(gateway.mtls.connections!.mutualPerSecond).toBe(1.6);

    const status = computeMtlsStatus(await demoFleetStore.getFleet(), t);
    const c2 = status.clusters.find(c => c.cluster === 'cluster-2')!;
    expect(c2.configured?.mode).toBe('PERMISSIVE');
    expect(c2.observed.mtlsShare).toBe(0.8);
    expect(c2.observed.connections).toEqual({
      mutualPerSecond: 1.6,
      plaintextPerSecond: 0.4,
      unclassifiedPerSecond: 0,
    });
    expect(c2.warnings.map(w => w.code)).toContain(
      'plaintext-under-permissive',
    );
  });

  it('shows users in cluster-3 called across meshes by orders in cluster-2', async () => {
    const t = await source.getTraffic(
      { namespace: 'accounts', name: 'users' },
      window,
    );
    expect(
      t.inbound.map(e => [
        `${e.peer.namespace}/${e.peer.name}`,
        e.peerCluster.name,
        e.thisCluster.name,
        e.peerCluster.known && e.thisCluster.known,
        e.http?.requestsPerSecond,
        e.mtls.share,
      ]),
    ).toEqual([
      [
        'istio-system/istio-ingressgateway',
        'cluster-3',
        'cluster-3',
        true,
        6.4,
        1,
      ],
      ['orders/orders', 'cluster-2', 'cluster-3', true, 1.2, 1],
    ]);
    expect(
      t.outbound.map(e => [
        `${e.peer.namespace}/${e.peer.name}`,
        e.thisCluster.name,
        e.peerCluster.name,
      ]),
    ).toEqual([
      ['accounts/accounts', 'cluster-1', 'cluster-1'],
      ['orders/history', 'cluster-3', 'cluster-3'],
    ]);
    expect(t.clusters.map(c => [c.cluster, c.state])).toEqual(
      DEMO_CLUSTERS.map(c => [c, 'ok']),
    );
  });
});

describe('SnapshotTrafficSource on a broken file', () => {
  it('marks every cluster unavailable with the file and the field at fault', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'meshport-snapshot-'));
    const file = join(dir, 'traffic.json');
    await writeFile(
      file,
      JSON.stringify({ edges: [{ source: {}, destination: {} }] }),
    );
    const t = await new SnapshotTrafficSource({
      file,
      fleetStore,
      cacheTtlMs: 0,
      now,
    }).getTraffic({ namespace: 'bookinfo', name: 'reviews' }, window);
    expect(t.partial).toBe(true);
    expect(t.clusters[0]).toMatchObject({
      state: 'unavailable',
      source: 'snapshot',
    });
    expect(t.clusters[0].reason).toContain(
      `traffic snapshot ${file} is invalid at edges.0.source.namespace`,
    );
  });

  it('refuses an edge no proxy would report, saying why', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'meshport-snapshot-'));
    const file = join(dir, 'traffic.json');
    const end = { namespace: 'bookinfo', service: 'reviews', clusterId: 'c1' };
    await writeFile(
      file,
      JSON.stringify({
        edges: [
          {
            source: end,
            destination: end,
            sender: 'none',
            receiver: 'none',
            requestsPerSecond: 1,
          },
        ],
      }),
    );
    await expect(readSnapshotFile(file)).rejects.toThrow(
      `traffic snapshot ${file} is invalid at edges.0.receiver: with no proxy on either side`,
    );
  });
});
