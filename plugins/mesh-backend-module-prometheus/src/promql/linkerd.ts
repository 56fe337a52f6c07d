/**
 * PromQL over the Linkerd proxy's metrics (`response_total`, `response_latency_ms`) for the
 * workloads behind one logical service. Pure functions, like the Istio ones: the same scope
 * and window always give the same text, which is also what the cache keys on.
 *
 * Linkerd's series name the scraped pod's own workload (`deployment`, `statefulset`, … added
 * by Linkerd-viz's scrape config) rather than a service, so a service is selected through the
 * workloads discovery found behind it. Each query keeps only the labels that identify an
 * edge (and, for the instant query, `tls` and `classification`); turning a caller identity or
 * a mirrored service name into a peer service is the assembly step's job.
 */
import {
  LabelMatcher,
  assertKubernetesName,
  byClause,
  eq,
  oneOf,
  selector,
} from './labels';
import { promDuration } from './duration';
import type { TrafficDirection } from '@meshport/backstage-plugin-mesh-common';

export const LINKERD_RESPONSES = 'response_total';
export const LINKERD_LATENCY_BUCKET = 'response_latency_ms_bucket';

/**
 * The label naming the cluster, when the Prometheus holding Linkerd series adds one (an
 * external label seen through Thanos or federation, or a relabel rule). Linkerd itself sets
 * none: a cluster's own Prometheus is trusted instead, see `assembleLinkerdEdges`.
 */
export const LINKERD_CLUSTER_LABEL = 'cluster';

/** Labels Linkerd-viz's scrape config copies from the pod's owner, one per workload kind. */
export type LinkerdWorkloadLabel = 'deployment' | 'statefulset' | 'daemonset';

/** Workload kinds of the fleet model (`Workload.kind`) and the label their proxies' series carry. */
export const WORKLOAD_LABEL_BY_KIND: Record<string, LinkerdWorkloadLabel> = {
  Deployment: 'deployment',
  StatefulSet: 'statefulset',
  DaemonSet: 'daemonset',
};

/** This service's side of the traffic: the namespace and the workloads behind the service. */
export interface LinkerdScope {
  namespace: string;
  workloads: Partial<Record<LinkerdWorkloadLabel, string[]>>;
}

/** Labels that identify an edge, per direction, before they are mapped to a peer service. */
export const LINKERD_EDGE_LABELS: Record<TrafficDirection, string[]> = {
  // The caller's proxy identity; empty for plaintext callers, which Linkerd cannot name.
  inbound: ['client_id', LINKERD_CLUSTER_LABEL],
  // `authority` is the host the caller asked for: in pod-to-pod multicluster mode it names the
  // mirror (`<svc>-<target>`) while `dst_service` names the remote Service itself.
  outbound: [
    'dst_namespace',
    'dst_service',
    'authority',
    LINKERD_CLUSTER_LABEL,
  ],
};

/** Does `scope` name any workload? Without one there is nothing to select. */
export function hasLinkerdWorkloads(scope: LinkerdScope): boolean {
  return Object.values(scope.workloads).some(names =>
    (names ?? []).some(n => n.length > 0),
  );
}

/**
 * One selector per workload kind: a series carries `deployment` or `statefulset`, never both,
 * and one selector cannot OR two labels. Empty names are dropped: `=~""` would match every
 * series that lacks the label, i.e. every other workload in the namespace.
 */
function workloadSelectors(
  metric: string,
  direction: TrafficDirection,
  scope: LinkerdScope,
  extra: LabelMatcher[],
): string[] {
  const namespace = assertKubernetesName(
    'namespace',
    scope.namespace,
    'dns1123-label',
  );
  const selectors: string[] = [];
  for (const label of Object.keys(scope.workloads).sort()) {
    const names = (scope.workloads[label as LinkerdWorkloadLabel] ?? []).filter(
      n => n.length > 0,
    );
    if (names.length === 0) continue;
    selectors.push(
      selector(metric, [
        eq('direction', direction),
        eq('namespace', namespace),
        oneOf(label, [...new Set(names)].sort()),
        ...extra,
      ]),
    );
  }
  if (selectors.length === 0) {
    throw new Error(
      `no workloads to select for Linkerd traffic in namespace ${namespace}`,
    );
  }
  return selectors;
}

/** `rate(a[w]) or rate(b[w])`: the kinds' series have disjoint label sets, so `or` keeps all of them. */
function scopedRate(
  metric: string,
  direction: TrafficDirection,
  scope: LinkerdScope,
  rangeSeconds: number,
  extra: LabelMatcher[] = [],
): string {
  const range = promDuration(rangeSeconds);
  return workloadSelectors(metric, direction, scope, extra)
    .map(s => `rate(${s}[${range}])`)
    .join(' or ');
}

/**
 * Response rates split by TLS and classification: one query gives the rate, the error ratio
 * (`classification="failure"`: 5xx, gRPC errors, no response) and the mTLS share of every
 * edge. `tls` and `authz_*` are labels of the inbound proxy's endpoint metrics (linkerd2-proxy
 * `linkerd/app/core/src/metrics.rs`, `InboundEndpointLabels`).
 */
export function linkerdResponsesQuery(
  direction: TrafficDirection,
  scope: LinkerdScope,
  windowSeconds: number,
): string {
  return `sum ${byClause([
    ...LINKERD_EDGE_LABELS[direction],
    'tls',
    'classification',
    // Which authorization admitted the request: kubelet probes have their own (see
    // `classifyTransport.isLinkerdProbe`). Outbound series carry none.
    ...(direction === 'inbound' ? ['authz_kind', 'authz_name'] : []),
  ])} (${scopedRate(LINKERD_RESPONSES, direction, scope, windowSeconds)})`;
}

export function linkerdLatencyQuantileQuery(
  direction: TrafficDirection,
  scope: LinkerdScope,
  windowSeconds: number,
  quantile: number,
): string {
  if (!(quantile > 0 && quantile < 1)) {
    throw new Error(`quantile ${quantile} must be between 0 and 1`);
  }
  return `histogram_quantile(${quantile}, sum ${byClause([
    ...LINKERD_EDGE_LABELS[direction],
    'le',
  ])} (${scopedRate(
    LINKERD_LATENCY_BUCKET,
    direction,
    scope,
    windowSeconds,
  )}))`;
}

/** Responses per second over time, for charts (evaluated with query_range). */
export function linkerdRequestsSeriesQuery(
  direction: TrafficDirection,
  scope: LinkerdScope,
  rateSeconds: number,
): string {
  return `sum ${byClause(LINKERD_EDGE_LABELS[direction])} (${scopedRate(
    LINKERD_RESPONSES,
    direction,
    scope,
    rateSeconds,
  )})`;
}

/** Failed responses per second over time; divided by the requests series per edge and point. */
export function linkerdErrorsSeriesQuery(
  direction: TrafficDirection,
  scope: LinkerdScope,
  rateSeconds: number,
): string {
  return `sum ${byClause(LINKERD_EDGE_LABELS[direction])} (${scopedRate(
    LINKERD_RESPONSES,
    direction,
    scope,
    rateSeconds,
    [eq('classification', 'failure')],
  )})`;
}
