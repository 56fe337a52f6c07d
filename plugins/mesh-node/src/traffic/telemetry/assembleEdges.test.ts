import type { InstantSample } from './samples';
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
      requests: {
        mutualPerSecond: 6,
        plaintextPerSecond: 2,
        unclassifiedPerSecond: 0,
      },
      unclassified: [],
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
    expect(edge.mtls.requests).toEqual({
      mutualPerSecond: 0,
      plaintextPerSecond: 0,
      unclassifiedPerSecond: 3,
    });
    expect(edge.mtls.unclassified).toEqual([
      expect.stringMatching(/^only the caller's proxy reported this traffic/),
    ]);
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

  // Issue 17, item 1. ztunnel's SecurityPolicy is `unknown` or `mutual_tls`, never `none`
  // (istio/ztunnel src/proxy/metrics.rs), and plaintext reaching an ambient pod is reported by
  // its inbound passthrough as reporter="destination", connection_security_policy="unknown"
  // (src/proxy/inbound_passthrough.rs). These are the series such a ztunnel exposes.
  it('counts plaintext that ztunnel reports as `unknown` at the destination, never as mTLS', () => {
    const ztunnel = (policy: string, value: number) =>
      sample('destination', value, {
        request_protocol: 'tcp',
        response_flags: '-',
        connection_security_policy: policy,
      });
    const [edge] = assembleEdges(
      'inbound',
      [
        {
          tcpOpened: [ztunnel('mutual_tls', 5), ztunnel('unknown', 5)],
          tcpBytes: [ztunnel('mutual_tls', 500), ztunnel('unknown', 500)],
        },
      ],
      resolver,
    );
    expect(edge.mtls.share).toBe(0.5);
    expect(edge.mtls.connections).toEqual({
      mutualPerSecond: 5,
      plaintextPerSecond: 5,
      unclassifiedPerSecond: 0,
    });
  });

  it('shows a receiving report with a policy no proxy emits as unclassified, not as mTLS', () => {
    const [edge] = assembleEdges(
      'inbound',
      [
        {
          http: [
            sample('destination', 4),
            sample('destination', 1, { connection_security_policy: '' }),
          ],
        },
      ],
      resolver,
    );
    expect(edge.mtls.share).toBe(1);
    expect(edge.mtls.requests!.unclassifiedPerSecond).toBe(1);
    expect(edge.mtls.unclassified).toHaveLength(1);
  });

  // Issue 17, item 2, per edge: Istio reports HTTP on istio_requests_total and TCP on
  // istio_tcp_connections_opened_total (Istio standard metrics); one edge can carry both.
  it('keeps requests and connections of one edge apart, the share being the lower', () => {
    const [edge] = assembleEdges(
      'inbound',
      [
        {
          http: [sample('destination', 10)],
          tcpOpened: [
            sample('destination', 3, { connection_security_policy: 'none' }),
          ],
          tcpBytes: [
            sample('destination', 300, { connection_security_policy: 'none' }),
          ],
        },
      ],
      resolver,
    );
    expect(edge.mtls.requests!.mutualPerSecond).toBe(10);
    expect(edge.mtls.connections!.plaintextPerSecond).toBe(3);
    expect(edge.mtls.share).toBe(0);
  });

  // Issue 17, item 3: a failing gRPC call is answered HTTP 200 with the status in
  // grpc_response_status (Istio standard metrics); Kiali counts statuses 1–16 as errors.
  it('counts gRPC statuses 1–16 on HTTP 200 as errors, and OK as success', () => {
    const grpc = (status: string, value: number) =>
      sample('destination', value, {
        request_protocol: 'grpc',
        response_code: '200',
        grpc_response_status: status,
      });
    const [edge] = assembleEdges(
      'inbound',
      [{ http: [grpc('14', 3), grpc('16', 1), grpc('0', 4)] }],
      resolver,
    );
    expect(edge.http!.errorRatio).toBe(0.5);
  });

  // Issue 17, item 4: the caller could not learn the callee's cluster and reported
  // destination_cluster="unknown"; the callee reported the same requests under its cluster.
  it('makes one edge of a source report with an unknown destination cluster and the destination report', () => {
    const [edge, ...more] = assembleEdges(
      'inbound',
      [
        {
          http: [
            sample('source', 6, { destination_cluster: 'unknown' }),
            sample('destination', 6, { destination_cluster: 'c2' }),
          ],
        },
      ],
      resolver,
    );
    expect(more).toEqual([]);
    expect(edge.thisCluster.name).toBe('c2');
    expect(edge.http!.requestsPerSecond).toBe(6);
  });

  it('folds an outbound source report with an unknown callee cluster into the one the callee named', () => {
    const labels = (reporter: string, cluster: string) =>
      sample(reporter, 2, {
        destination_cluster: cluster,
        destination_service_namespace: 'shop',
        destination_service_name: 'cart',
      });
    const edges = assembleEdges(
      'outbound',
      [{ http: [labels('source', 'unknown'), labels('destination', 'c2')] }],
      resolver,
    );
    expect(edges).toHaveLength(1);
    expect(edges[0]).toMatchObject({
      reporter: 'source',
      peerCluster: { name: 'c2' },
      http: { requestsPerSecond: 2 },
    });
  });

  it('keeps a source report with an unknown cluster when nothing else reported the flow', () => {
    const edges = assembleEdges(
      'inbound',
      [{ http: [sample('source', 2, { destination_cluster: 'unknown' })] }],
      resolver,
    );
    expect(edges.map(e => e.thisCluster.name)).toEqual(['unknown']);
  });

  it('drops an unknown-cluster source report when the callee reported it from several clusters', () => {
    const edges = assembleEdges(
      'inbound',
      [
        {
          http: [
            sample('source', 5, { destination_cluster: 'unknown' }),
            sample('destination', 2, { destination_cluster: 'c1' }),
            sample('destination', 3, { destination_cluster: 'c2' }),
          ],
        },
      ],
      resolver,
    );
    expect(
      edges.map(e => [e.thisCluster.name, e.http!.requestsPerSecond]),
    ).toEqual([
      ['c2', 3],
      ['c1', 2],
    ]);
  });
});
