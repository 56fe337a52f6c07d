import type {
  ClusterSyncStatus,
  SkippedObjects,
} from '@meshport/backstage-plugin-mesh-common';

/**
 * What discovery keeps of one cluster: a compact projection of the Kubernetes objects the
 * aggregation needs, nothing more. It is what is persisted as a cluster's last-known-good
 * data, so it must stay small (no managedFields, no secret data, no pod specs) and plain JSON.
 */

export type Labels = Record<string, string>;

export interface ObjectRef {
  namespace: string;
  name: string;
  labels: Labels;
  /** Only the annotations the aggregation reads (see `discovery/projectInventory.ts`). */
  annotations: Labels;
  creationTimestamp?: string;
}

export interface NamespaceInfo {
  name: string;
  labels: Labels;
  annotations: Labels;
}

export interface NodeInfo {
  name: string;
  region?: string;
  zone?: string;
}

export interface ServiceInfo extends ObjectRef {
  type: string;
  /** Absent for selector-less Services (e.g. Linkerd mirrors, manual endpoints). */
  selector?: Labels;
  ports: Array<{
    name?: string;
    port: number;
    targetPort?: number | string;
    protocol: string;
    appProtocol?: string;
  }>;
  externalIPs: string[];
  /** LoadBalancer ingress IPs and hostnames. */
  loadBalancerIngress: string[];
}

export interface EndpointSliceInfo {
  namespace: string;
  serviceName: string;
  endpoints: Array<{ key: string; ready: boolean }>;
}

export interface PodInfo extends ObjectRef {
  serviceAccountName: string;
  nodeName?: string;
  ready: boolean;
  /** Names of containers and init containers (an `istio-proxy` native sidecar is an init container). */
  containers: string[];
  /** Named container ports, `name → number`; absent when the pod names none. */
  containerPorts?: Record<string, number>;
  owner?: { kind: string; name: string };
}

export interface WorkloadInfo extends ObjectRef {
  kind: 'Deployment' | 'StatefulSet';
  containers: Array<{
    name: string;
    image: string;
    env: Record<string, string>;
  }>;
}

export interface ConfigMapInfo {
  namespace: string;
  name: string;
  data: Record<string, string>;
}

/** A remote secret, by metadata only: the kubeconfig it holds is never read. */
export interface RemoteSecretInfo {
  namespace: string;
  name: string;
  /** `networking.istio.io/cluster`: the remote cluster's Istio `CLUSTER_ID`. */
  clusterId?: string;
}

/** An Istio or Linkerd custom resource, reduced to what selects and references services. */
export interface MeshConfigObject extends ObjectRef {
  apiVersion: string;
  kind: string;
  /** The object's `spec`, as served; these are small and their shape is the point. */
  spec: Record<string, unknown>;
  /** What Istio reported about it (`status.validationMessages`); absent when nothing. */
  validationMessages?: MeshConfigValidationMessage[];
}

/** One of Istio's `status.validationMessages[]`, normalised (see `projectInventory.ts`). */
export interface MeshConfigValidationMessage {
  code?: string;
  /** `ERROR`, `WARNING` or `INFO`. */
  level?: string;
  description: string;
}

export interface ClusterInventory {
  namespaces: NamespaceInfo[];
  nodes: NodeInfo[];
  services: ServiceInfo[];
  endpointSlices: EndpointSliceInfo[];
  pods: PodInfo[];
  workloads: WorkloadInfo[];
  /** Config maps of the control-plane namespaces only (mesh config, root certificates). */
  configMaps: ConfigMapInfo[];
  remoteSecrets: RemoteSecretInfo[];
  /** Istio networking/security and Linkerd policy/multicluster objects. */
  meshConfig: MeshConfigObject[];
  /** A ztunnel DaemonSet's pods were seen: the ambient data plane is installed. */
  ztunnelPresent: boolean;
  /** Objects the sync left out because they were malformed; absent when none were. */
  skipped?: SkippedObjects;
  /**
   * Istio control-plane namespaces whose remote secrets the discovery token may not list
   * (HTTP 403): which clusters their istiod reads endpoints from is unknown.
   */
  remoteSecretsForbidden?: string[];
}

/** One cluster as the aggregation sees it: its inventory (if ever read) and its sync status. */
export interface ClusterInput {
  name: string;
  source: 'kubernetes' | 'snapshot';
  sync: ClusterSyncStatus;
  /**
   * Absent until the first successful sync; and absent again once a `FleetMemo` derived a
   * digested one (see `inventoryDigest`): the store then holds the digest alone, and the
   * memo what the fleet takes from that content.
   */
  inventory?: ClusterInventory;
  /**
   * A digest of the inventory's content (equal digests, equal content). With a `FleetMemo`,
   * what an earlier build derived from the same inventory object, or from one of this
   * digest, is reused; an inventory without one (a watch's) is known by its objects alone.
   */
  inventoryDigest?: string;
}

/** Settings that shape aggregation. */
export interface AggregationOptions {
  /** Namespaces whose services are not listed (control-plane and system namespaces). */
  excludeNamespaces: string[];
  /** Pod labels whose values make subsets, e.g. `version`. */
  subsetLabels: string[];
  /** Label on a Service, else its namespace, naming the owner. */
  ownerLabel: string;
  /**
   * Owners the platform team set (`mesh.ownership.owners`): `<namespace>/<name>` or
   * `<namespace>` → full entity ref. They decide over the labels.
   */
  owners?: Record<string, string>;
}
