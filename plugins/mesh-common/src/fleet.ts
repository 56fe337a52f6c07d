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
  | 'auth-config' // its auth provider cannot serve background discovery as configured
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
   * meshConfig `trustDomainAliases` of this control plane (the `mesh` key of its `istio` /
   * `istio-<revision>` ConfigMap): other trust domains its workloads accept as their own. Istio
   * validates a peer's SPIFFE trust domain against the mesh's trust domain, these aliases and
   * `caCertificates[].trustDomains` (`TrustDomainsForValidation`,
   * istio/istio pilot/pkg/networking/plugin/authn/util.go), so discovery may list the latter
   * here too. Absent: no aliases known.
   */
  trustDomainAliases?: string[];
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
  /**
   * The remote secrets of this control plane's namespace could not be listed (HTTP 403), so
   * which clusters it reads endpoints from is unknown: `readsEndpointsFrom` may be incomplete.
   */
  remoteClustersUnknown?: boolean;
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
  /** Objects of the cluster's last successful sync that discovery could not use, and why. */
  skippedObjects?: SkippedObjects;
  /** What the last successful sync could not find out, e.g. remote clusters it may not list. */
  warnings?: string[];
  /**
   * The cluster's mesh configuration as its API server serves it (last successful sync):
   * Istio networking and security, Linkerd policy and multicluster, Gateway API objects, each
   * with its spec. What the analysis and the verifier read to say what the cluster does.
   * Absent in older exports and snapshots: read as unknown, not as empty.
   */
  config?: LiveConfigObject[];
}

/**
 * One message Istio wrote on an object's `status.validationMessages` (Istio "Configuration
 * Status Field", https://istio.io/latest/docs/reference/config/config-status/; the message is
 * `istio.analysis.v1alpha1.AnalysisMessageBase`). Istio writes `type.code`, `type.name`,
 * `level` (`ERROR`, `WARNING`, `INFO`, or the enum's number: 3, 8, 12) and `description`;
 * releases before 1.9 wrote `code`, `level: Error` and `message`, read as well.
 */
export interface LiveValidationMessage {
  type?: { code?: string; name?: string };
  code?: string;
  level?: string | number;
  description?: string;
  message?: string;
}

/**
 * One mesh configuration object of a cluster, in the shape Kubernetes serves it (so a fleet
 * export can be read by tools that know Kubernetes), reduced to what analysis reads: no
 * `managedFields`, only the annotations Meshport reads, and of `status` only Istio's
 * validation messages.
 */
export interface LiveConfigObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    /** Every mesh config kind Meshport reads is namespaced. */
    namespace: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec: Record<string, unknown>;
  /** What Istio reported about the object, when status reporting is on (`PILOT_ENABLE_STATUS`). */
  status?: { validationMessages?: LiveValidationMessage[] };
}

/** One object a cluster served that discovery refused, and why. */
export interface SkippedObject {
  /** Its kind, as listed, e.g. `Service`. */
  kind: string;
  /** `<namespace>/<name>` or `<name>` when it has them; otherwise where it was in its list. */
  object: string;
  /** What was wrong with it, naming the field and the rule it breaks. */
  reason: string;
}

/**
 * The objects discovery skipped in one sync: each malformed object is left out on its own, so
 * the rest of its cluster and the fleet still come through.
 */
export interface SkippedObjects {
  count: number;
  /** How many of each kind. */
  byKind: Record<string, number>;
  /** The first few, to say what to fix. */
  examples: SkippedObject[];
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

/**
 * How a Linkerd multicluster Link carries calls: `gateway` through the target cluster's
 * multicluster gateway, so the callee sees the gateway's identity; `flat` pod to pod
 * (`linkerd multicluster link --gateway=false`, services exported as `remote-discovery`),
 * so the callee sees the caller's own identity.
 */
export type LinkerdLinkMode = 'gateway' | 'flat';

export interface ClusterLink {
  from: ClusterName;
  to: ClusterName;
  via: ClusterLinkKind;
  /**
   * For `linkerd-multicluster`: `flat` when the Link names no gateway (only pod-to-pod
   * services can be mirrored), `gateway` otherwise. Absent in older snapshots: read as
   * `gateway`, the default of `linkerd multicluster link`.
   */
  linkerdMode?: LinkerdLinkMode;
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
  /**
   * A Linkerd Server's `spec.port` (a number or a container port name): Linkerd admits one
   * Server per pod port, so a second one on the same port collides.
   */
  port?: number | string;
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
   * The waypoint this instance's traffic goes through in ambient mode: the Gateway of class
   * `istio-waypoint` named by `istio.io/use-waypoint` on the Service or its namespace (Istio
   * ambient docs, "Configure waypoint proxies"), when it exists in this cluster. L7
   * authorization of an ambient workload is enforced there, not by ztunnel. Discovery takes
   * `istio.io/use-waypoint` from the Service, else its namespace (in the namespace of
   * `istio.io/use-waypoint-namespace`, else the labelled object's).
   */
  waypoint?: { namespace: string; name: string };
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

/**
 * The identity a Linkerd proxy presents: the name its certificate is issued for, set by the
 * proxy injector as `$(_pod_sa).$(_pod_ns).serviceaccount.identity.<linkerd namespace>.<trust
 * domain>` (linkerd/linkerd2 charts/partials/templates/_proxy.tpl, LINKERD2_PROXY_IDENTITY_LOCAL_NAME).
 * It is what MeshTLSAuthentication `identities` match.
 */
export function linkerdIdentity(
  controlPlaneNamespace: string,
  trustDomain: string,
  namespace: string,
  serviceAccount: string,
): string {
  return `${serviceAccount}.${namespace}.serviceaccount.identity.${controlPlaneNamespace}.${trustDomain}`;
}

/** Builds a SPIFFE identity. */
export function spiffeIdentity(
  trustDomain: string,
  namespace: string,
  serviceAccount: string,
): string {
  return `spiffe://${trustDomain}/ns/${namespace}/sa/${serviceAccount}`;
}
