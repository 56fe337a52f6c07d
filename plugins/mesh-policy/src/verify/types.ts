import type { DataPlaneMode } from '@meshport/backstage-plugin-mesh-common';

/** Any Kubernetes object a cluster holds: rendered by Meshport or written by hand. */
export interface ClusterObject {
  apiVersion?: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
  };
  spec?: Record<string, unknown>;
}

/** Mesh-wide settings discovery does not record yet (istiod's `meshConfig`), per cluster. */
export interface MeshSettings {
  /** `meshConfig.trustDomainAliases` */
  trustDomainAliases?: string[];
  /** `meshConfig.caCertificates[].trustDomains`, flattened. */
  caCertificateTrustDomains?: string[];
}

/** Everything the verifier looks at besides the fleet. */
export interface VerifierInputs {
  /** Per cluster name: every object that cluster would hold. */
  resources: Record<string, ClusterObject[]>;
  /** Per cluster name: mesh config the fleet does not carry. */
  meshSettings?: Record<string, MeshSettings>;
}

/** The calling workload. Missing labels and service account are a workload that has none. */
export interface Caller {
  cluster: string;
  namespace: string;
  serviceAccount?: string;
  labels?: Record<string, string>;
  mode?: DataPlaneMode;
}

export interface TraceRequest {
  from: Caller;
  /** A host as the caller dials it: FQDN, `<svc>.<ns>`, or a ServiceEntry host. */
  host: string;
  port: number;
  path?: string;
  method?: string;
  headers?: Record<string, string>;
}

export type Travel =
  | 'local'
  | 'same-network'
  | 'east-west-gateway'
  | 'direct-unreachable'
  /** Linkerd multicluster: through the target's gateway, or pod to pod over a flat network. */
  | 'linkerd-gateway'
  | 'linkerd-pod-to-pod';

export interface GatewayHop {
  cluster: string;
  gateway: string;
  address: string;
  /** The SNI the client's sidecar sends: `outbound_.<port>_.<subset>_.<host>`. */
  sni: string;
  /** Whether the gateway has an SNI-DNAT filter chain (a cluster) for that SNI. */
  hasChain: boolean;
}

export interface TlsOutcome {
  /** `ISTIO_MUTUAL` / `DISABLE` from a DestinationRule, `auto` for Istio's auto mTLS, `HBONE` for ztunnel. */
  mode: string;
  mtls: boolean;
  ok: boolean;
  reason?: string;
}

export interface AuthzOutcome {
  enforcer: 'sidecar' | 'ztunnel' | 'waypoint' | 'none';
  decision: 'allow' | 'deny' | 'unknown';
  reason: string;
}

/** One weighted share of the request landing in one serving cluster. */
export interface Leg {
  /** Percentage of all requests this leg carries, 0–100. */
  share: number;
  /** Index of the VirtualService route destination this leg comes from. */
  destination: number;
  host: string;
  subset?: string;
  /** Backstage name of the serving cluster. */
  cluster?: string;
  /** Labels of the endpoints that answer (one version), empty when none. */
  endpointLabels: Record<string, string>[];
  readyEndpoints: number;
  travel?: Travel;
  gateway?: GatewayHop;
  tls?: TlsOutcome;
  authz?: AuthzOutcome;
  /** Localities (`region/zone`) of the endpoints that answer, for failover checks. */
  localities: string[];
  /** Why this leg fails, in Istio/Envoy terms; absent when it reaches a ready endpoint. */
  failure?: string;
  /** Whether the failure is in routing/transport (the connection breaks) or authorization. */
  failureKind?: 'route' | 'transport' | 'authz';
}

export interface RouteChoice {
  /** `<namespace>/<name>` of the VirtualService, absent when none applies (Istio's default route). */
  virtualService?: string;
  /** The `http[].name` of the route taken, or its index. */
  route?: string;
  index?: number;
  timeout?: string;
}

export interface Trace {
  request: TraceRequest;
  route?: RouteChoice;
  legs: Leg[];
  /** A failure of the whole request (no route, unknown host), before any leg. */
  failure?: string;
  /** What the verifier could not decide, e.g. hand-written config it cannot see. */
  notes: string[];
  ok: boolean;
}
