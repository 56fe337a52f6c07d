import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Fleet } from '@meshport/backstage-plugin-mesh-common';
import { istioCluster } from '@meshport/backstage-plugin-mesh-node/testUtils';
import { readSnapshotFile } from './snapshotFile';
import { SnapshotTrafficSource } from './SnapshotTrafficSource';

const DEMO_FILE = resolve(
  __dirname,
  '../../../examples/demo-traffic/traffic.json',
);

const threeClusters: Fleet = {
  generatedAt: new Date(0).toISOString(),
  clusters: ['cluster-1', 'cluster-2', 'cluster-3'].map(name =>
    istioCluster(name),
  ),
  meshes: [],
  services: [],
  links: [],
};
const fleet = { getFleet: async () => threeClusters };
const now = () => Date.parse('2025-03-04T10:00:00Z');
const window = { text: '1h', seconds: 3600 };

describe('SnapshotTrafficSource on the demo file', () => {
  const source = new SnapshotTrafficSource({
    file: DEMO_FILE,
    fleet,
    cacheTtlMs: 1000,
    now,
  });

  it('answers who calls whom fleet-wide, summed over cluster pairs', async () => {
    const d = await source.getDependencies(window);
    expect(d).toMatchObject({
      source: 'snapshot',
      partial: false,
      window: '1h',
    });
    const pair = (from: string, to: string) =>
      d.dependencies.find(
        x =>
          `${x.from.namespace}/${x.from.name}` === from &&
          `${x.to.namespace}/${x.to.name}` === to,
      );
    expect(pair('bookinfo/productpage', 'bookinfo/reviews')).toMatchObject({
      requestsPerSecond: 21.3,
      clusterPairs: [
        { from: 'cluster-1', to: 'cluster-1' },
        { from: 'cluster-1', to: 'cluster-2' },
      ],
    });
    // failures and transport from each edge's errorRatio and mtlsShare, summed over clusters
    expect(pair('bookinfo/productpage', 'bookinfo/reviews')).toMatchObject({
      errorsPerSecond: expect.closeTo(14.2 * 0.001 + 7.1 * 0.004, 6),
      mtlsRequestsPerSecond: 21.3,
      plaintextRequestsPerSecond: 0,
    });
    expect(pair('bookinfo/reviews', 'bookinfo/ratings')).toMatchObject({
      errorsPerSecond: expect.closeTo(7.1 * 0.012, 6),
    });
    // a caller outside the mesh, received by a sidecar: plaintext
    expect(pair('default/legacy-probe', 'bookinfo/productpage')).toMatchObject({
      mtlsRequestsPerSecond: 0,
      plaintextRequestsPerSecond: 0.2,
    });
    // ztunnel receives: connections classified, requests (the caller's report) not
    expect(
      pair('istio-system/istio-ingressgateway', 'orders/orders'),
    ).toMatchObject({
      mtlsRequestsPerSecond: 0,
      plaintextRequestsPerSecond: 0,
      mtlsConnectionsPerSecond: 1.6,
    });
    expect(pair('default/batch-export', 'orders/orders')).toMatchObject({
      mtlsConnectionsPerSecond: 0,
      plaintextConnectionsPerSecond: 0.4,
    });
    expect(pair('bookinfo/ratings', 'bookinfo/reviews')).toBeUndefined();
    expect(d.clusters.every(c => c.state === 'ok')).toBe(true);
  });

  it('says every cluster is unavailable when the file cannot be read', async () => {
    const d = await new SnapshotTrafficSource({
      file: '/nonexistent/traffic.json',
      fleet,
      cacheTtlMs: 0,
      now,
    }).getDependencies(window);
    expect(d.dependencies).toEqual([]);
    expect(d.partial).toBe(true);
    expect(d.clusters.map(c => c.state)).toEqual([
      'unavailable',
      'unavailable',
      'unavailable',
    ]);
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
      fleet,
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
