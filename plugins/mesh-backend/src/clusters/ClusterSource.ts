import type { ClusterDetails } from '@backstage/plugin-kubernetes-node';

/**
 * A cluster read through its API server, as a Kubernetes plugin cluster locator or a
 * module's supplier describes it. `cluster.authMetadata` says which auth strategy signs the
 * requests; credentials are asked of that strategy at each sync, never stored here.
 */
export interface KubernetesClusterSource {
  type: 'kubernetes';
  name: string;
  cluster: ClusterDetails;
}

/** A cluster read from a directory of `kubectl get -o json|yaml` List documents. */
export interface SnapshotClusterSource {
  type: 'snapshot';
  name: string;
  directory: string;
}

export type ClusterSource = KubernetesClusterSource | SnapshotClusterSource;
