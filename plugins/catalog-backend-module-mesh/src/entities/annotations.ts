/**
 * Annotations the provider writes and reads back (to keep a stale cluster's services, so the
 * catalog itself is the provider's memory across restarts and replicas), and those of the
 * Kubernetes plugin it sets. They are mesh-common's, like every Meshport annotation.
 */
export {
  KUBERNETES_ID_ANNOTATION,
  KUBERNETES_LABEL_SELECTOR_ANNOTATION,
  KUBERNETES_NAMESPACE_ANNOTATION,
  MESH_CLUSTER_ANNOTATION,
  MESH_CLUSTERS_ANNOTATION,
  MESH_DATA_PLANE_MODE_ANNOTATION,
  MESH_ID_ANNOTATION,
  MESH_KIND_ANNOTATION,
  MESH_LAST_SYNC_ANNOTATION,
  MESH_OWNERSHIP_CONFLICT_ANNOTATION,
  MESH_SERVICE_ANNOTATION,
  MESH_STALE_ANNOTATION,
  MESH_STALE_REASON_ANNOTATION,
  MESH_SYNC_STATE_ANNOTATION,
} from '@meshport/backstage-plugin-mesh-common';

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
