/**
 * The labels of Istio's standard metrics (istio.io/latest/docs/reference/config/metrics)
 * that identify an edge and judge a response. They are the mesh's vocabulary rather than
 * Prometheus's: the PromQL builders group by them and the edge assembly reads them, whether
 * the samples came from Prometheus or from the demo snapshot.
 */
import type { TrafficDirection } from '@meshport/backstage-plugin-mesh-common';

/** Labels that identify an edge, per direction: peer namespace, peer service, peer cluster, this cluster. */
export const EDGE_LABELS: Record<
  TrafficDirection,
  {
    peerNamespace: string;
    peerService: string;
    peerCluster: string;
    thisCluster: string;
  }
> = {
  inbound: {
    peerNamespace: 'source_workload_namespace',
    peerService: 'source_canonical_service',
    peerCluster: 'source_cluster',
    thisCluster: 'destination_cluster',
  },
  outbound: {
    peerNamespace: 'destination_service_namespace',
    peerService: 'destination_service_name',
    peerCluster: 'destination_cluster',
    thisCluster: 'source_cluster',
  },
};

/** Response codes counted as errors: any 5xx, and 0 — Envoy's code when no response came back (reset, timeout, no healthy upstream…). */
export const ERROR_RESPONSE_CODES = '5..|0';

/**
 * gRPC statuses counted as errors: 1 to 16, everything but OK. A failing gRPC call is usually
 * answered HTTP 200 with the status in a trailer, which Istio reports as
 * `grpc_response_status` (Istio standard metrics); Kiali counts the same range on requests
 * whose response code is not already an error (kiali `prometheus` labels builder,
 * `grpc_response_status=~"^[1-9]$|^1[0-6]$"`), so no request is counted twice.
 */
export const ERROR_GRPC_STATUSES = '[1-9]|1[0-6]';

export function isErrorResponse(labels: Record<string, string>): boolean {
  const code = labels.response_code;
  if (code !== undefined && /^(5..|0)$/.test(code)) return true;
  const grpc = labels.grpc_response_status;
  return grpc !== undefined && /^([1-9]|1[0-6])$/.test(grpc);
}

/**
 * Preferred reporters per direction. Inbound figures are best from the receiving proxy (it
 * sees every caller, meshed or not) or, for ambient, its waypoint; outbound figures from the
 * caller's own proxy (it also sees calls to services outside the mesh).
 */
export const REPORTER_PREFERENCE: Record<TrafficDirection, string[]> = {
  inbound: ['destination', 'waypoint', 'source'],
  outbound: ['source', 'waypoint', 'destination'],
};
