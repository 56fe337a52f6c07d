import type { InstantSample } from '../prometheus/PrometheusClient';
import { assembleEdges } from './assembleEdges';
import { ClusterIdResolver } from './clusterIds';

const resolver = new ClusterIdResolver({ clusters: [] });

function sample(
  reporter: string,
  value: number,
  extra: Record<string, string> = {},
): InstantSample {
  return {
    labels: {
      reporter,
      source_workload_namespace: 'shop',
      source_canonical_service: 'web',
      source_cluster: 'c1',
      destination_cluster: 'c1',
      response_code: '200',
      connection_security_policy:
        reporter === 'source' ? 'unknown' : 'mutual_tls',
      ...extra,
    },
    value,
  };
}

describe('assembleEdges', () => {
  it('prefers the waypoint for an ambient callee and takes mTLS from it', () => {
    const [edge] = assembleEdges(
      'inbound',
      [
        {
          http: [
            sample('source', 7),
            sample('waypoint', 6),
            sample('waypoint', 2, { connection_security_policy: 'none' }),
          ],
        },
      ],
      resolver,
    );
    expect(edge.reporter).toBe('waypoint');
    expect(edge.http!.requestsPerSecond).toBe(8);
    expect(edge.mtls).toEqual({
      share: 0.75,
      basis: 'requests',
      observedPerSecond: 8,
      mutualPerSecond: 6,
    });
  });

  it('falls back to the caller report when the callee is outside the mesh, mTLS unknown', () => {
    const [edge] = assembleEdges(
      'inbound',
      [{ http: [sample('source', 3, { response_code: '0' })] }],
      resolver,
    );
    expect(edge.reporter).toBe('source');
    expect(edge.http!.errorRatio).toBe(1);
    expect(edge.mtls.share).toBeNull();
    expect(edge.peerCluster).toEqual({
      name: 'c1',
      clusterId: 'c1',
      known: false,
    });
  });

  it('keeps the first answer when two Prometheus hold the same series', () => {
    const answer = { http: [sample('destination', 4)] };
    const edges = assembleEdges('inbound', [answer, answer], resolver);
    expect(edges).toHaveLength(1);
    expect(edges[0].http!.requestsPerSecond).toBe(4);
  });

  it('drops series that carried nothing in the window', () => {
    expect(
      assembleEdges(
        'inbound',
        [{ http: [sample('destination', 0)] }],
        resolver,
      ),
    ).toEqual([]);
  });

  it('computes the error-ratio series point by point', () => {
    const labels = sample('destination', 1).labels;
    const [edge] = assembleEdges(
      'inbound',
      [
        {
          http: [sample('destination', 2)],
          requestsSeries: [
            {
              labels,
              points: [
                [15, 2],
                [30, 4],
                [45, 0],
              ],
            },
          ],
          errorsSeries: [{ labels, points: [[30, 1]] }],
        },
      ],
      resolver,
    );
    expect(edge.series.errorRatio).toEqual([
      [15, 0],
      [30, 0.25],
    ]);
  });
});
