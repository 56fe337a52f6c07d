import { traffic } from '../../__testUtils__/fixtures';
import { edgeFigures, layoutTrafficGraph } from './layoutTrafficGraph';

describe('layoutTrafficGraph', () => {
  const layout = layoutTrafficGraph({
    service: traffic.service,
    inbound: traffic.inbound,
    outbound: traffic.outbound,
    clusters: ['cluster-1', 'cluster-2', 'cluster-3'],
  });

  it('puts callers left, this service once per cluster in the middle, callees right', () => {
    const byColumn = (column: string) =>
      layout.nodes
        .filter(n => n.column === column)
        .map(n => `${n.service}@${n.cluster}`)
        .sort();
    expect(byColumn('caller')).toEqual(['bookinfo/productpage@cluster-1']);
    expect(byColumn('self')).toEqual([
      'bookinfo/reviews@cluster-1',
      'bookinfo/reviews@cluster-2',
      'bookinfo/reviews@cluster-3',
    ]);
    expect(byColumn('callee')).toEqual(['bookinfo/ratings@cluster-1']);
    const xs = ['caller', 'self', 'callee'].map(
      c => layout.nodes.find(n => n.column === c)!.x,
    );
    expect(xs[0]).toBeLessThan(xs[1]);
    expect(xs[1]).toBeLessThan(xs[2]);
  });

  it('labels each edge with rate, errors and p95 and marks cross-cluster edges', () => {
    expect(
      layout.edges.map(e => [e.label, e.crossCluster, e.severity]),
    ).toEqual([
      ['7.50 rps · 2.00% err · p95 45 ms', false, 'warning'],
      ['2.50 rps · 0% err · p95 120 ms', true, 'ok'],
      ['3.00 rps · 0% err · p95 10 ms', false, 'ok'],
    ]);
    expect(layout.edges[1].description).toBe(
      'bookinfo/productpage in cluster-1 → bookinfo/reviews in cluster-2: 2.50 rps · 0% err · p95 120 ms',
    );
  });

  it('draws the busiest edge thickest', () => {
    const [busy, quiet] = layout.edges;
    expect(busy.weight).toBe(7);
    expect(quiet.weight).toBeLessThan(busy.weight);
  });

  it('describes TCP-only edges by connections and bytes', () => {
    expect(
      edgeFigures({
        ...traffic.inbound[0],
        http: undefined,
        tcp: { connectionsOpenedPerSecond: 0.5, bytesSentPerSecond: 2048 },
      }),
    ).toBe('0.50 conn/s · 2.0 KiB/s');
  });
});
