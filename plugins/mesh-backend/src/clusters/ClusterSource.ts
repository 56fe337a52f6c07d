/** A cluster read through its API server, as configured for Backstage's Kubernetes plugin. */
export interface KubernetesClusterSource {
  type: 'kubernetes';
  name: string;
  url: string;
  /** Service account token; held only to authenticate, never copied into the fleet or logs. */
  serviceAccountToken?: string;
  caData?: string;
  caFile?: string;
  skipTLSVerify: boolean;
}

/** A cluster read from a directory of `kubectl get -o json|yaml` List documents. */
export interface SnapshotClusterSource {
  type: 'snapshot';
  name: string;
  directory: string;
}

export type ClusterSource = KubernetesClusterSource | SnapshotClusterSource;
