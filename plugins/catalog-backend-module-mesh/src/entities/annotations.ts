/**
 * Annotations the provider writes. Everything the provider needs to read back
 * from its own entities (to keep a stale cluster's services) is stored here,
 * so the catalog itself is the provider's memory across restarts and replicas.
 */

export {
  MESH_OWNERSHIP_CONFLICT_ANNOTATION,
  MESH_SERVICE_ANNOTATION,
} from '@meshport/backstage-plugin-mesh-common';

/** Comma-separated Backstage cluster names a service runs on, or a mesh spans. */
export const MESH_CLUSTERS_ANNOTATION = 'meshport.dev/clusters';
/** Comma-separated data-plane modes of a service (`sidecar`, `ambient`, `linkerd`, `none`). */
export const MESH_DATA_PLANE_MODE_ANNOTATION = 'meshport.dev/data-plane-mode';
/** The cluster name of a `kubernetes-cluster` Resource. */
export const MESH_CLUSTER_ANNOTATION = 'meshport.dev/cluster';
/** The sync state of a `kubernetes-cluster` Resource: `ok`, `stale` or `never-synced`. */
export const MESH_SYNC_STATE_ANNOTATION = 'meshport.dev/sync-state';
/** ISO time of the last successful sync of a cluster. */
export const MESH_LAST_SYNC_ANNOTATION = 'meshport.dev/last-sync';
/** The fleet id of a `service-mesh` Resource. */
export const MESH_ID_ANNOTATION = 'meshport.dev/mesh';
/** `istio` or `linkerd`, on a `service-mesh` Resource. */
export const MESH_KIND_ANNOTATION = 'meshport.dev/mesh-kind';
/** `"true"` when everything the entity describes comes from unreachable clusters. */
export const MESH_STALE_ANNOTATION = 'meshport.dev/stale';
/** Why the entity is stale, for a human. */
export const MESH_STALE_REASON_ANNOTATION = 'meshport.dev/stale-reason';

/** Read by the Kubernetes plugin to find the service's workloads. */
export const KUBERNETES_ID_ANNOTATION = 'backstage.io/kubernetes-id';
export const KUBERNETES_NAMESPACE_ANNOTATION =
  'backstage.io/kubernetes-namespace';
/** Read by the Kubernetes plugin instead of kubernetes-id: the Service's pod selector. */
export const KUBERNETES_LABEL_SELECTOR_ANNOTATION =
  'backstage.io/kubernetes-label-selector';

/** Joins a list for a comma-separated annotation. */
export function joinList(values: Iterable<string>): string {
  return [...values].join(',');
}

/** Splits a comma-separated annotation; tolerates absence and blanks. */
export function splitList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map(v => v.trim())
    .filter(Boolean);
}
