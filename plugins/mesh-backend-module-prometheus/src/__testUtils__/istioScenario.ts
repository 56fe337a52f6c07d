/**
 * The generated traffic the real-Prometheus tests check figures against, and the fleet it
 * runs in. Each series has the labels the proxy that reports it sets, from the proxies' own
 * sources, so a test cannot agree with the code against reality:
 *
 * - Envoy (sidecars, waypoints): Istio standard metrics (istio.io/latest/docs/reference/
 *   config/metrics): `istio_requests_total` with `response_code`, `grpc_response_status` and
 *   `connection_security_policy` — `mutual_tls` or `none` from the callee (`reporter=
 *   "destination"`, or `"waypoint"`), `unknown` from the caller (`reporter="source"`);
 *   `istio_tcp_*` for connections proxied as TCP.
 * - ztunnel: only `istio_tcp_*` (`request_protocol="tcp"`, `response_flags`), with
 *   `connection_security_policy` `mutual_tls` or `unknown`, never `none` (istio/ztunnel
 *   `src/proxy/metrics.rs`, `SecurityPolicy`); plaintext to an ambient pod is reported by the
 *   destination's inbound passthrough as `unknown`, with no `source_principal`
 *   (`src/proxy/inbound_passthrough.rs`).
 *
 * All in namespace bookinfo:
 *
 * - productpage (cluster-1) → reviews (cluster-2): 10 rps, 2 % 503, 80 % mutual TLS, with a
 *   latency histogram whose quantiles are known exactly (p50 10 ms, p95 ≈ 42.857 ms, p99 90 ms).
 *   The caller's proxy also reports it, with a few resets the callee never saw, so the
 *   figures prove the destination's report is preferred for inbound traffic.
 * - productpage (cluster-1) → reviews (cluster-1): 5 rps, no errors, all mutual TLS.
 * - productpage (CLUSTER_ID cluster-9, in no fleet cluster) → reviews (cluster-2): 1 rps plaintext.
 * - legacy-sync (cluster-2) → reviews (cluster-2): plain TCP on a non-HTTP port, 0.5
 *   connections/s, reported by reviews' sidecar as `none`: reviews in cluster-2 is a mixed
 *   HTTP + TCP service.
 * - reviews (cluster-2) → ratings (cluster-2): 4 rps, all mutual TLS.
 * - reviews (cluster-2) → stock (cluster-2): gRPC, 2 rps, every call answered HTTP 200 with
 *   `grpc_response_status="14"` (UNAVAILABLE): a fully failing gRPC edge.
 * - reviews (cluster-2) → mongodb (cluster-2): TCP only, 0.5 connections/s, 2048 bytes/s.
 *
 * And in namespace orders, ambient in cluster-2 (no sidecars: ztunnel and a waypoint report):
 * - history → orders through orders' waypoint: 3 rps, 10 % 503, all mutual TLS, reported
 *   with `reporter="waypoint"`; history's ztunnel reports its HBONE connections as the source
 *   (0.2/s), and orders' ztunnel the waypoint's connections to orders as the destination.
 * - batch-export (no mesh) → orders: TCP only, reported by orders' ztunnel through its
 *   inbound passthrough: 0.25 connections/s and 512 bytes/s with `unknown`, i.e. plaintext.
 */
import {
  CounterSpec,
  HistogramSpec,
  SampleGrid,
  counterFamily,
  histogramFamily,
  openMetricsDocument,
} from './openMetrics';

const NS = 'bookinfo';

function edgeLabels(
  reporter: string,
  from: { service: string; cluster: string },
  to: { service: string; cluster: string },
): Record<string, string> {
  return {
    reporter,
    source_cluster: from.cluster,
    source_workload: `${from.service}-v1`,
    source_workload_namespace: NS,
    source_canonical_service: from.service,
    destination_cluster: to.cluster,
    destination_workload: `${to.service}-v1`,
    destination_workload_namespace: NS,
    destination_service_name: to.service,
    destination_service_namespace: NS,
    destination_service: `${to.service}.${NS}.svc.cluster.local`,
    destination_canonical_service: to.service,
  };
}

function requests(
  base: Record<string, string>,
  code: string,
  policy: string,
  rate: number,
  flags = '-',
): CounterSpec {
  return {
    labels: {
      ...base,
      response_code: code,
      response_flags: flags,
      connection_security_policy: policy,
    },
    ratePerSecond: rate,
  };
}

function grpc(
  base: Record<string, string>,
  status: string,
  policy: string,
  rate: number,
): CounterSpec {
  return {
    labels: {
      ...base,
      request_protocol: 'grpc',
      response_code: '200',
      grpc_response_status: status,
      response_flags: '-',
      connection_security_policy: policy,
    },
    ratePerSecond: rate,
  };
}

const productpage1 = { service: 'productpage', cluster: 'cluster-1' };
const productpage9 = { service: 'productpage', cluster: 'cluster-9' };
const reviews1 = { service: 'reviews', cluster: 'cluster-1' };
const reviews2 = { service: 'reviews', cluster: 'cluster-2' };
const ratings2 = { service: 'ratings', cluster: 'cluster-2' };
const mongodb2 = { service: 'mongodb', cluster: 'cluster-2' };
const stock2 = { service: 'stock', cluster: 'cluster-2' };

export const EXPECTED = {
  crossCluster: {
    requestsPerSecond: 10,
    errorRatio: 0.02,
    mtlsShare: 0.8,
    latencyMs: { p50: 10, p95: 25 + 25 * (0.5 / 0.7), p99: 90 },
  },
  local: { requestsPerSecond: 5, errorRatio: 0, mtlsShare: 1 },
  unknownCluster: { requestsPerSecond: 1, mtlsShare: 0 },
  ratings: { requestsPerSecond: 4, mtlsShare: 1 },
  mongodb: { connectionsOpenedPerSecond: 0.5, bytesSentPerSecond: 2048 },
  legacyTcp: { connectionsOpenedPerSecond: 0.5 },
  grpcFailing: { requestsPerSecond: 2, errorRatio: 1 },
  ambientWaypoint: { requestsPerSecond: 3, errorRatio: 0.1, mtlsShare: 1 },
  ambientWaypointConnections: 0.2,
  ambientZtunnel: { connectionsOpenedPerSecond: 0.25, bytesSentPerSecond: 512 },
};

/** An edge of the ambient orders namespace (see the scenario above). */
function ordersEdge(
  reporter: string,
  from: { service: string; cluster: string; namespace: string },
): Record<string, string> {
  return {
    ...edgeLabels(reporter, from, { service: 'orders', cluster: 'cluster-2' }),
    source_workload_namespace: from.namespace,
    destination_workload_namespace: 'orders',
    destination_service_namespace: 'orders',
    destination_service: 'orders.orders.svc.cluster.local',
  };
}

/** The label set ztunnel's `CommonTrafficLabels` adds to an edge's (istio/ztunnel src/proxy/metrics.rs). */
function ztunnel(
  labels: Record<string, string>,
  policy: 'mutual_tls' | 'unknown',
  principal: string,
): Record<string, string> {
  return {
    ...labels,
    source_principal: principal,
    request_protocol: 'tcp',
    response_flags: '-',
    connection_security_policy: policy,
  };
}

/** The Istio scenario as a Prometheus backfill document. */
export function scenarioOpenMetrics(grid: SampleGrid): string {
  return openMetricsDocument(istioFamilies(grid));
}

/** The Istio scenario's metric families, to combine with other scenarios in one document. */
export function istioFamilies(grid: SampleGrid): string[][] {
  const crossDst = edgeLabels('destination', productpage1, reviews2);
  const crossSrc = edgeLabels('source', productpage1, reviews2);
  const localDst = edgeLabels('destination', productpage1, reviews1);
  const localSrc = edgeLabels('source', productpage1, reviews1);
  const strangerDst = edgeLabels('destination', productpage9, reviews2);
  const ratingsDst = edgeLabels('destination', reviews2, ratings2);
  const ratingsSrc = edgeLabels('source', reviews2, ratings2);
  const mongoDst = edgeLabels('destination', reviews2, mongodb2);
  const mongoSrc = edgeLabels('source', reviews2, mongodb2);
  const legacyDst = edgeLabels(
    'destination',
    { service: 'legacy-sync', cluster: 'cluster-2' },
    reviews2,
  );
  const stockDst = edgeLabels('destination', reviews2, stock2);
  const stockSrc = edgeLabels('source', reviews2, stock2);
  const history = {
    service: 'history',
    cluster: 'cluster-2',
    namespace: 'orders',
  };
  const historyWaypoint = ordersEdge('waypoint', history);
  // history's ztunnel, sending HBONE to orders' waypoint on behalf of history.
  const historyZtunnel = ztunnel(
    ordersEdge('source', history),
    'mutual_tls',
    'spiffe://cluster.local/ns/orders/sa/history',
  );
  // orders' ztunnel, receiving the waypoint's HBONE connections.
  const waypointZtunnel = ztunnel(
    ordersEdge('destination', {
      service: 'waypoint',
      cluster: 'cluster-2',
      namespace: 'orders',
    }),
    'mutual_tls',
    'spiffe://cluster.local/ns/orders/sa/waypoint',
  );
  // orders' ztunnel, receiving plaintext from a pod outside the mesh: no identity.
  const batchZtunnel = ztunnel(
    ordersEdge('destination', {
      service: 'batch-export',
      cluster: 'cluster-2',
      namespace: 'default',
    }),
    'unknown',
    'unknown',
  );

  const requestSeries: CounterSpec[] = [
    // 10 rps: 98 % 200 and 2 % 503, each 80 % over mutual TLS.
    requests(crossDst, '200', 'mutual_tls', 7.84),
    requests(crossDst, '200', 'none', 1.96),
    requests(crossDst, '503', 'mutual_tls', 0.16),
    requests(crossDst, '503', 'none', 0.04),
    // The caller also saw resets that never reached reviews (code 0, flag UF).
    requests(crossSrc, '200', 'unknown', 9.8),
    requests(crossSrc, '503', 'unknown', 0.2),
    requests(crossSrc, '0', 'unknown', 0.3, 'UF'),
    requests(localDst, '200', 'mutual_tls', 5),
    requests(localSrc, '200', 'unknown', 5),
    requests(strangerDst, '200', 'none', 1),
    requests(ratingsDst, '200', 'mutual_tls', 4),
    requests(ratingsSrc, '200', 'unknown', 4),
    requests(historyWaypoint, '200', 'mutual_tls', 2.7),
    requests(historyWaypoint, '503', 'mutual_tls', 0.3),
    // gRPC failures are HTTP 200 with the status in grpc_response_status.
    grpc(stockDst, '14', 'mutual_tls', 2),
    grpc(stockSrc, '14', 'unknown', 2),
  ];

  // 10 observations/s: 20 % ≤ 5 ms, 50 % ≤ 10, 90 % ≤ 25, 97 % ≤ 50, 99.5 % ≤ 100, all ≤ 250.
  const latency: HistogramSpec[] = [
    {
      labels: crossDst,
      cumulativeRates: [
        ['5', 2],
        ['10', 5],
        ['25', 9],
        ['50', 9.7],
        ['100', 9.95],
        ['250', 10],
        ['+Inf', 10],
      ],
      sumPerSecond: 180,
    },
    {
      // The caller's view adds the network: all between 100 and 250 ms. Must not be used inbound.
      labels: crossSrc,
      cumulativeRates: [
        ['5', 0],
        ['10', 0],
        ['25', 0],
        ['50', 0],
        ['100', 0],
        ['250', 10.3],
        ['+Inf', 10.3],
      ],
      sumPerSecond: 1800,
    },
  ];

  const tcpPolicy = (labels: Record<string, string>, policy: string) => ({
    ...labels,
    connection_security_policy: policy,
  });
  return [
    counterFamily('istio_requests', requestSeries, grid),
    histogramFamily('istio_request_duration_milliseconds', latency, grid),
    counterFamily(
      'istio_tcp_connections_opened',
      [
        { labels: tcpPolicy(mongoDst, 'mutual_tls'), ratePerSecond: 0.5 },
        { labels: tcpPolicy(mongoSrc, 'unknown'), ratePerSecond: 0.5 },
        { labels: tcpPolicy(legacyDst, 'none'), ratePerSecond: 0.5 },
        { labels: historyZtunnel, ratePerSecond: 0.2 },
        { labels: waypointZtunnel, ratePerSecond: 0.2 },
        { labels: batchZtunnel, ratePerSecond: 0.25 },
      ],
      grid,
    ),
    counterFamily(
      'istio_tcp_sent_bytes',
      [
        { labels: tcpPolicy(mongoDst, 'mutual_tls'), ratePerSecond: 2048 },
        { labels: tcpPolicy(mongoSrc, 'unknown'), ratePerSecond: 2048 },
        { labels: tcpPolicy(legacyDst, 'none'), ratePerSecond: 100 },
        { labels: historyZtunnel, ratePerSecond: 4096 },
        { labels: waypointZtunnel, ratePerSecond: 4096 },
        { labels: batchZtunnel, ratePerSecond: 512 },
      ],
      grid,
    ),
  ];
}
