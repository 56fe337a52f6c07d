/**
 * Response types of the traffic and mTLS endpoints. Plain JSON-serialisable data with no
 * imports beyond the fleet model: the backend serves them, the frontend renders them.
 */
import type { MtlsMode } from './fleet';

/** A logical service, `namespace/name`. */
export interface ServiceRef {
  namespace: string;
  name: string;
}

/**
 * A cluster as seen in metrics. Metrics carry Istio's `CLUSTER_ID`; `name` is the Backstage
 * cluster it maps to through the fleet's control planes. When no control plane has that
 * `CLUSTER_ID`, `known` is false and `name` repeats the raw id so nothing is hidden.
 */
export interface ClusterRef {
  name: string;
  clusterId: string;
  known: boolean;
}

export type TrafficDirection = 'inbound' | 'outbound';

/** Latency quantiles in milliseconds; null when there is no data or it lies beyond the largest bucket. */
export interface LatencyQuantiles {
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

export interface HttpFigures {
  requestsPerSecond: number;
  /**
   * Share of requests that failed: answered 5xx, not answered at all (response code 0), or,
   * for gRPC, answered HTTP 200 with a gRPC status from 1 to 16; null without requests.
   */
  errorRatio: number | null;
  latencyMs: LatencyQuantiles;
}

export interface TcpFigures {
  connectionsOpenedPerSecond: number;
  bytesSentPerSecond: number;
}

/**
 * Traffic per second split by what the receiving side reported about its transport:
 * mutual TLS, plaintext, or a security policy it did not (or could not) state. Unclassified
 * traffic is never counted as mutual TLS nor rounded into a share.
 */
export interface MtlsTally {
  mutualPerSecond: number;
  plaintextPerSecond: number;
  unclassifiedPerSecond: number;
}

/**
 * mTLS observed on an edge. Only the receiving side (Istio `reporter="destination"`, a
 * waypoint, Linkerd's inbound proxy) knows the connection's security policy. Requests (HTTP)
 * and opened connections (TCP) are tallied apart, as they cannot be added up.
 */
export interface ObservedMtls {
  /**
   * Mutual over mutual plus plaintext, for each basis with classified traffic, the lowest of
   * the two, so plaintext on one cannot hide behind mutual TLS on the other. Null when no
   * traffic of the edge was classified.
   */
  share: number | null;
  requests?: MtlsTally;
  connections?: MtlsTally;
  /** Why some traffic could not be classified, one sentence per cause; empty when all was. */
  unclassified: string[];
  /** Kubelet probes received in plaintext, by design: requests per second, not a warning. */
  probesPerSecond?: number;
}
/** A time series point: `[unix seconds, value]`, the shape Prometheus uses. */
export type TimePoint = [number, number];

export interface EdgeSeries {
  requestsPerSecond: TimePoint[];
  errorRatio: TimePoint[];
}

/**
 * Traffic between this service and one peer, per pair of clusters. For inbound edges the
 * peer is the caller; for outbound edges the peer is the callee.
 */
export interface TrafficEdge {
  direction: TrafficDirection;
  peer: ServiceRef;
  peerCluster: ClusterRef;
  thisCluster: ClusterRef;
  mesh: 'istio' | 'linkerd';
  /** Which proxy's report the HTTP figures come from: `destination`, `source`, `waypoint`… */
  reporter: string;
  http?: HttpFigures;
  tcp?: TcpFigures;
  mtls: ObservedMtls;
  series: EdgeSeries;
}

/** Whether the metrics of one cluster could be read, and from where. */
export interface ClusterMetricsStatus {
  cluster: string;
  /** `ok`; `partial`: some queries failed; `unavailable`: no figures from this cluster at all. */
  state: 'ok' | 'partial' | 'unavailable';
  /** `prometheus:<cluster>` (its own), `prometheus:global`, `snapshot` or `none`. */
  source: string;
  /** Why the state is not `ok`, and what to do about it. */
  reason?: string;
}

export interface ServiceTraffic {
  service: ServiceRef;
  /** The window as asked, e.g. `5m`, and in seconds. */
  window: string;
  windowSeconds: number;
  /** ISO time the figures are evaluated at (the end of the window). */
  evaluatedAt: string;
  /** The grid of every edge's `series`. */
  seriesStepSeconds: number;
  /**
   * The traffic source that answered: `prometheus`, `snapshot`, another module's name, or
   * `none` when the backend has no traffic source.
   */
  source: string;
  inbound: TrafficEdge[];
  outbound: TrafficEdge[];
  clusters: ClusterMetricsStatus[];
  /** True when any cluster is not `ok`: the edges shown may be incomplete. */
  partial: boolean;
}

export type MtlsWarningCode =
  | 'plaintext-under-permissive'
  | 'plaintext-under-strict'
  | 'mtls-disabled'
  | 'tls-disabled-by-destination-rule'
  | 'differing-roots';

export interface MtlsWarning {
  code: MtlsWarningCode;
  message: string;
  /** Clusters the warning is about besides this one (callers, callees, other instances). */
  peerClusters?: string[];
}

export interface ClusterMtlsStatus {
  cluster: string;
  /** Istio CLUSTER_IDs of the cluster's control planes. */
  clusterIds: string[];
  /** What discovery found; null when the fleet has no instance of the service in this cluster. */
  configured: {
    mode: MtlsMode;
    /** The PeerAuthentication that decided it, `namespace/name`. */
    source?: string;
    ports?: Record<string, MtlsMode>;
  } | null;
  observed: {
    state: 'ok' | 'partial' | 'unavailable' | 'no-traffic';
    /** The lowest mTLS share of the inbound requests and connections classified; null without such traffic. */
    mtlsShare: number | null;
    /** Inbound HTTP requests per second, by transport. */
    requests?: MtlsTally;
    /** Inbound TCP connections opened per second, by transport. */
    connections?: MtlsTally;
    /** Why some inbound traffic could not be classified, one sentence per cause. */
    unclassified: string[];
    /** Kubelet probes received in plaintext, by design (requests per second). */
    probesPerSecond?: number;
    reason?: string;
  };
  rootOfTrust: {
    /** Root certificate fingerprints of the cluster's control planes. */
    fingerprints: string[];
    /** Other fleet clusters that share it (same fingerprint, or a mesh marked as sharing one root). */
    sharedWith: string[];
  };
  warnings: MtlsWarning[];
}

export interface ServiceMtlsStatus {
  service: ServiceRef;
  window: string;
  evaluatedAt: string;
  /** The traffic source the observed half came from, as in ServiceTraffic. */
  source: string;
  clusters: ClusterMtlsStatus[];
  /** Metrics status per cluster, as in the traffic response. */
  metrics: ClusterMetricsStatus[];
  partial: boolean;
}

/**
 * One caller → callee pair of mesh services seen calling in the window, summed over every
 * cluster pair it was seen between.
 */
export interface ServiceDependency {
  from: ServiceRef;
  to: ServiceRef;
  /** HTTP requests per second (0 for a TCP-only pair). */
  requestsPerSecond: number;
  /** TCP connections opened per second (0 when only HTTP is reported). */
  connectionsPerSecond: number;
  /**
   * Of `requestsPerSecond`, those that failed, by the rule of `HttpFigures.errorRatio`.
   * Absent when the traffic source cannot tell (older sources).
   */
  errorsPerSecond?: number;
  /**
   * Of `requestsPerSecond`, those the receiving side reported as mutual TLS (Istio
   * `connection_security_policy="mutual_tls"`) and as plaintext. Requests only the caller
   * reported are in neither: a caller cannot see how the callee accepted them (see
   * `ObservedMtls`). Absent when the source cannot tell.
   */
  mtlsRequestsPerSecond?: number;
  plaintextRequestsPerSecond?: number;
  /** Of `connectionsPerSecond`, those the receiving side reported as mutual TLS, and as plaintext. */
  mtlsConnectionsPerSecond?: number;
  plaintextConnectionsPerSecond?: number;
  /** Backstage names of the clusters the calls left from and arrived in, `from` → `to`. */
  clusterPairs: Array<{ from: string; to: string }>;
}

/**
 * Who calls whom across the fleet, as served by `GET /api/mesh/dependencies`: what the
 * catalog module turns into `dependsOn` relations.
 */
export interface ServiceDependencies {
  window: string;
  windowSeconds: number;
  evaluatedAt: string;
  /** The traffic source that answered, as in ServiceTraffic; `none` without one. */
  source: string;
  /** Sorted by caller, then callee. */
  dependencies: ServiceDependency[];
  /** Whether each cluster's metrics could be read: pairs of a cluster not `ok` may be missing. */
  clusters: ClusterMetricsStatus[];
  partial: boolean;
}
