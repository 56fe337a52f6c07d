/**
 * The fleet model: what discovery produces from every configured cluster, and what the
 * policy compiler, the catalog module and the UI consume. Plain data, JSON-serialisable,
 * so a fleet can be persisted, exported to a file (the policy CLI reads one) and sent to
 * the browser. Cluster credentials never appear here.
 */
import type { ServiceOwnership } from './ownership';

/** A cluster's name as configured in Backstage (`kubernetes.clusterLocatorMethods[].clusters[].name`). */
export type ClusterName = string;

/** Why the last sync of a cluster failed. */
export type ClusterErrorReason =
  | 'timeout'
  | 'unauthorized'
  | 'forbidden'
  | 'server-error'
  | 'malformed-response'
  | 'tls'
  | 'unreachable'
  | 'other';

/** How fresh a cluster's data is. */
export interface ClusterSyncStatus {
  /**
   * `ok`: the last sync succeeded. `stale`: the last sync failed and the data shown is the
   * last known good. `never-synced`: no sync has succeeded yet (no data at all).
   */
  state: 'ok' | 'stale' | 'never-synced';
  /** ISO time of the last successful sync. */
  lastSuccessAt?: string;
  /** ISO time of the last attempt, successful or not. */
  lastAttemptAt?: string;
  /** Present when the last attempt failed. */
  error?: { reason: ClusterErrorReason; message: string };
}

export type MeshKind = 'istio' | 'linkerd';

/** One control plane (an istiod revision, or a Linkerd control plane) found in a cluster. */
export interface ControlPlane {
  kind: MeshKind;
  /** Namespace the control plane runs in, e.g. `istio-system`. */
  namespace: string;
  /** Istio revision (`default` when unlabelled); `default` for Linkerd. */
  revision: string;
  /** Image tag, e.g. `1.24.2`. */
  version?: string;
  /** Istio `CLUSTER_ID`: the value metrics carry in `source_cluster` / `destination_cluster`. */
  clusterId?: string;
  /** `topology.istio.io/network` of the control plane's cluster. */
  network?: string;
  /** SPIFFE trust domain, e.g. `cluster.local`. */
  trustDomain: string;
  /**
   * SHA-256 fingerprint of the root certificate this control plane's CA chains to: the first
   * certificate of `istio-ca-root-cert` / the Linkerd trust anchors.
   */
  rootCertFingerprint?: string;
  /**
   * Fingerprints of every root in that bundle, its own first: the roots its workloads accept
   * from peers (another mesh's root when meshes federate, old and new roots during rotation).
   */
  trustedRootFingerprints?: string[];
  /** Istiod runs outside this cluster (`EXTERNAL_ISTIOD`, primary-remote). */
  external: boolean;
  /** Ambient data plane installed (ztunnel present). */
  ambient: boolean;
  /** Backstage names of the clusters whose endpoints this control plane reads (remote secrets / Links). */
  readsEndpointsFrom: ClusterName[];
  /**
   * Remote clusters named by a remote secret or Link that match no configured cluster (neither
   * by `CLUSTER_ID` nor by name): kept so a misconfiguration is visible rather than dropped.
   */
  unresolvedRemoteClusters?: string[];
  /** Istio mesh id (`meshConfig.defaultConfig.meshId`), when set. */
  meshId?: string;
}

/** A gateway that carries cross-network mTLS traffic (Istio east-west, port 15443). */
export interface EastWestGateway {
  namespace: string;
  name: string;
  network?: string;
  /** LoadBalancer ingress IPs/hostnames or externalIPs. */
  addresses: string[];
  /** The mTLS passthrough port, normally 15443. */
  port: number;
}

export interface FleetCluster {
  name: ClusterName;
  /** Where the cluster's data comes from: its API server, or a snapshot directory (demo, e2e). */
  source?: 'kubernetes' | 'snapshot';
  sync: ClusterSyncStatus;
  /** Regions and zones of the cluster's nodes (`topology.kubernetes.io/region` / `zone`). */
  regions: string[];
  zones: string[];
  network?: string;
  controlPlanes: ControlPlane[];
  eastWestGateways: EastWestGateway[];
}

/** A mesh: control planes that share a mesh identity, spanning one or more clusters. */
export interface Mesh {
  /** Stable id, e.g. `istio-mesh1` or `linkerd-root.linkerd.cluster.local`. */
  id: string;
  kind: MeshKind;
  clusters: ClusterName[];
  trustDomains: string[];
  rootCertFingerprints: string[];
  /** All clusters present the same root certificate. */
  sharedRootOfTrust: boolean;
}

/** How a client cluster reaches services in a serving cluster. */
export type ClusterLinkKind =
  | 'shared-endpoint-discovery'
  | 'gateway-federation'
  | 'linkerd-multicluster';

export interface ClusterLink {
  from: ClusterName;
  to: ClusterName;
  via: ClusterLinkKind;
}

export type DataPlaneMode = 'sidecar' | 'ambient' | 'linkerd' | 'none';

export type MtlsMode = 'STRICT' | 'PERMISSIVE' | 'DISABLE' | 'UNSET';

export interface ServicePort {
  name?: string;
  port: number;
  targetPort?: number | string;
  protocol: string;
  appProtocol?: string;
}

/** A Deployment, StatefulSet or bare Pod group behind a service in one cluster. */
export interface Workload {
  kind: string;
  name: string;
  serviceAccount: string;
  /**
   * `spiffe://<trust-domain>/ns/<namespace>/sa/<serviceAccount>` for Istio (and unmeshed
   * workloads); for Linkerd the proxy's identity name
   * `<serviceAccount>.<namespace>.serviceaccount.identity.<control-plane-namespace>.<trust-domain>`.
   */
  identity: string;
  labels: Record<string, string>;
  pods: { ready: number; total: number };
  dataPlaneMode: DataPlaneMode;
}

/** Mesh configuration (Istio or Linkerd) that touches a service. */
export interface ConfigRef {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
  /** The Meshport policy this object was rendered from, when it carries our label. */
  meshportPolicy?: string;
}

/** The effective mTLS mode for a service in one cluster, and which PeerAuthentication set it. */
export interface EffectiveMtls {
  mode: MtlsMode;
  /** `namespace/name` of the deciding PeerAuthentication; absent when the mesh default applies. */
  source?: string;
  /** Port-level overrides (`portLevelMtls`), keyed by service port. */
  ports?: Record<string, MtlsMode>;
}

/** A logical service in one cluster. */
export interface ServiceInstance {
  cluster: ClusterName;
  /** Copied from the cluster's sync state for convenience: true when the data is last-known-good. */
  stale: boolean;
  labels: Record<string, string>;
  ports: ServicePort[];
  selector: Record<string, string>;
  endpoints: { ready: number; total: number };
  /** Label values of the pods behind the service that make subsets, e.g. `{ version: ['v1','v2'] }`. */
  subsets: Record<string, string[]>;
  workloads: Workload[];
  identities: string[];
  dataPlaneMode: DataPlaneMode;
  /** `region/zone` of the pods' nodes. */
  localities: string[];
  mtls: EffectiveMtls;
  config: ConfigRef[];
  /**
   * Clusters where Linkerd multicluster mirrors this instance as `<name>-<this cluster>`, i.e.
   * clusters whose clients can call it through their Link.
   */
  mirroredIn?: ClusterName[];
}

/** A logical service: namespace + name, the same across clusters (namespace sameness). */
export interface MeshService {
  /** `<namespace>/<name>` */
  id: string;
  namespace: string;
  name: string;
  /** The resolved owner (`ownership.owner`), when there is one: see `resolveOwnership`. */
  owner?: string;
  /** Who claims the service and how that was resolved; a conflict means no owner. */
  ownership?: ServiceOwnership;
  instances: ServiceInstance[];
}

/** The whole fleet, as served by `GET /api/mesh/fleet`. */
export interface Fleet {
  /** ISO time this view was assembled. */
  generatedAt: string;
  clusters: FleetCluster[];
  meshes: Mesh[];
  services: MeshService[];
  links: ClusterLink[];
}

/** A page of services, as served by `GET /api/mesh/services`. */
export interface ServiceListResponse {
  items: MeshService[];
  /** Number of services matching the filters, across all pages. */
  totalCount: number;
  offset: number;
  limit: number;
}

/** The clusters, as served by `GET /api/mesh/clusters`. */
export interface ClusterListResponse {
  items: FleetCluster[];
}

/** The meshes and the links between clusters, as served by `GET /api/mesh/meshes`. */
export interface MeshListResponse {
  items: Mesh[];
  links: ClusterLink[];
}

/** Builds the id of a logical service. */
export function serviceId(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

/** Builds a SPIFFE identity. */
export function spiffeIdentity(
  trustDomain: string,
  namespace: string,
  serviceAccount: string,
): string {
  return `spiffe://${trustDomain}/ns/${namespace}/sa/${serviceAccount}`;
}
