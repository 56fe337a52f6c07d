/**
 * PromQL over Istio's standard metrics for one logical service. Pure functions: the same
 * service and window always give the same text, which is also what the cache keys on.
 *
 * Every query keeps `reporter` in its grouping rather than filtering on one reporter: the
 * same request is usually reported by both proxies, and which report is best depends on the
 * edge (a caller outside the mesh leaves only the destination's report, a callee outside the
 * mesh only the source's, an ambient callee reports through its waypoint). The assembly step
 * picks one reporter per edge, so nothing is counted twice.
 */
import {
  LabelMatcher,
  assertKubernetesName,
  byClause,
  eq,
  matchesTrustedRegex,
  notMatchingTrustedRegex,
  selector,
} from './labels';
import { promDuration } from './duration';
import {
  type ServiceRef,
  type TrafficDirection,
} from '@meshport/backstage-plugin-mesh-common';
import {
  EDGE_LABELS,
  ERROR_GRPC_STATUSES,
  ERROR_RESPONSE_CODES,
} from '@meshport/backstage-plugin-mesh-node';

export const ISTIO_REQUESTS = 'istio_requests_total';
export const ISTIO_DURATION_BUCKET =
  'istio_request_duration_milliseconds_bucket';
export const ISTIO_TCP_SENT_BYTES = 'istio_tcp_sent_bytes_total';
export const ISTIO_TCP_OPENED = 'istio_tcp_connections_opened_total';

function edgeGrouping(direction: TrafficDirection, extra: string[]): string {
  const l = EDGE_LABELS[direction];
  return byClause([
    l.peerNamespace,
    l.peerService,
    l.peerCluster,
    l.thisCluster,
    'reporter',
    ...extra,
  ]);
}

/**
 * Selects this service's side of the traffic. Inbound: the Kubernetes service it was sent
 * to. Outbound: the workloads whose canonical service (the `app` /
 * `service.istio.io/canonical-name` label) carries the service's name — the convention
 * Istio's own dashboards rely on, since metrics do not name a caller's Kubernetes service.
 */
export function serviceMatchers(
  direction: TrafficDirection,
  service: ServiceRef,
): LabelMatcher[] {
  const namespace = assertKubernetesName(
    'namespace',
    service.namespace,
    'dns1123-label',
  );
  const name = assertKubernetesName(
    'service name',
    service.name,
    'dns1035-label',
  );
  return direction === 'inbound'
    ? [
        eq('destination_service_namespace', namespace),
        eq('destination_service_name', name),
      ]
    : [
        eq('source_workload_namespace', namespace),
        eq('source_canonical_service', name),
      ];
}

/**
 * Request rates split by response code and security policy: one query gives the rate, the
 * error ratio and the mTLS share of every edge.
 */
export function httpRequestsQuery(
  direction: TrafficDirection,
  service: ServiceRef,
  windowSeconds: number,
): string {
  const s = selector(ISTIO_REQUESTS, serviceMatchers(direction, service));
  return `sum ${edgeGrouping(direction, [
    'response_code',
    'grpc_response_status',
    'connection_security_policy',
  ])} (rate(${s}[${promDuration(windowSeconds)}]))`;
}

export function latencyQuantileQuery(
  direction: TrafficDirection,
  service: ServiceRef,
  windowSeconds: number,
  quantile: number,
): string {
  if (!(quantile > 0 && quantile < 1)) {
    throw new Error(`quantile ${quantile} must be between 0 and 1`);
  }
  const s = selector(
    ISTIO_DURATION_BUCKET,
    serviceMatchers(direction, service),
  );
  return `histogram_quantile(${quantile}, sum ${edgeGrouping(direction, [
    'le',
  ])} (rate(${s}[${promDuration(windowSeconds)}])))`;
}

/**
 * TCP traffic, which is all ztunnel reports for ambient workloads without a waypoint, and
 * what sidecars report for non-HTTP ports.
 */
export function tcpQuery(
  metric: typeof ISTIO_TCP_SENT_BYTES | typeof ISTIO_TCP_OPENED,
  direction: TrafficDirection,
  service: ServiceRef,
  windowSeconds: number,
): string {
  const s = selector(metric, serviceMatchers(direction, service));
  return `sum ${edgeGrouping(direction, [
    'connection_security_policy',
  ])} (rate(${s}[${promDuration(windowSeconds)}]))`;
}

/** Requests per second over time, for charts (evaluated with query_range). */
export function requestsSeriesQuery(
  direction: TrafficDirection,
  service: ServiceRef,
  rateSeconds: number,
): string {
  const s = selector(ISTIO_REQUESTS, serviceMatchers(direction, service));
  return `sum ${edgeGrouping(direction, [])} (rate(${s}[${promDuration(
    rateSeconds,
  )}]))`;
}

/**
 * Errors per second over time; divided by the requests series per edge and point. Two
 * selectors, as one cannot OR two labels: error response codes, and gRPC error statuses on
 * the other codes. Their series are disjoint, so `or` keeps every one before the sum.
 */
export function errorsSeriesQuery(
  direction: TrafficDirection,
  service: ServiceRef,
  rateSeconds: number,
): string {
  const range = promDuration(rateSeconds);
  const byCode = selector(ISTIO_REQUESTS, [
    ...serviceMatchers(direction, service),
    matchesTrustedRegex('response_code', ERROR_RESPONSE_CODES),
  ]);
  const byGrpcStatus = selector(ISTIO_REQUESTS, [
    ...serviceMatchers(direction, service),
    notMatchingTrustedRegex('response_code', ERROR_RESPONSE_CODES),
    matchesTrustedRegex('grpc_response_status', ERROR_GRPC_STATUSES),
  ]);
  return `sum ${edgeGrouping(
    direction,
    [],
  )} (rate(${byCode}[${range}]) or rate(${byGrpcStatus}[${range}]))`;
}

/**
 * Every caller → callee pair of the mesh in one query, for the catalog's dependency
 * relations and the overview's service figures: HTTP requests (`istio_requests_total`) or
 * TCP connections opened (`istio_tcp_connections_opened_total`) per second over the window,
 * by caller's canonical service, callee's Kubernetes service, both clusters and the reporter
 * (the same call is usually reported by both proxies: the reader keeps one report per pair).
 * The receiving side's `connection_security_policy` tells mutual TLS apart; for requests,
 * `response_code` and `grpc_response_status` tell failures apart, by the rule of the edges'
 * error ratio — one query rather than one per figure, at the price of a few more series.
 */
export function dependencyQuery(
  metric: typeof ISTIO_REQUESTS | typeof ISTIO_TCP_OPENED,
  windowSeconds: number,
): string {
  return `sum ${byClause([
    'source_workload_namespace',
    'source_canonical_service',
    'source_cluster',
    'destination_service_namespace',
    'destination_service_name',
    'destination_cluster',
    'reporter',
    'connection_security_policy',
    ...(metric === ISTIO_REQUESTS
      ? ['response_code', 'grpc_response_status']
      : []),
  ])} (rate(${metric}[${promDuration(windowSeconds)}]))`;
}
