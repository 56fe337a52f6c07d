import type { TrafficEdge } from '@meshport/backstage-plugin-mesh-common';
import { traffic } from '../../__testUtils__/fixtures';
import { errorRatioByCluster, requestRateByCluster } from './clusterSeries';

function withSeries(
  base: TrafficEdge,
  rps: [number, number][],
  errors: [number, number][],
): TrafficEdge {
  return { ...base, series: { requestsPerSecond: rps, errorRatio: errors } };
}

describe('clusterSeries', () => {
  const [a, b] = traffic.inbound;

  it('sums request rates per receiving cluster, merging timestamps', () => {
    const edges = [
      withSeries(
        a,
        [
          [0, 1],
          [60, 2],
        ],
        [],
      ),
      withSeries(
        { ...a, peer: { namespace: 'x', name: 'y' } },
        [
          [60, 3],
          [120, 4],
        ],
        [],
      ),
      withSeries(b, [[0, 5]], []),
    ];
    expect(requestRateByCluster(edges)).toEqual([
      {
        name: 'cluster-1',
        points: [
          [0, 1],
          [60, 5],
          [120, 4],
        ],
      },
      { name: 'cluster-2', points: [[0, 5]] },
    ]);
  });

  it('weights error ratios by each caller’s rate', () => {
    const edges = [
      withSeries(a, [[0, 9]], [[0, 0]]),
      withSeries(
        { ...a, peer: { namespace: 'x', name: 'y' } },
        [[0, 1]],
        [[0, 1]],
      ),
    ];
    expect(errorRatioByCluster(edges)).toEqual([
      { name: 'cluster-1', points: [[0, 0.1]] },
    ]);
  });
});
