import type {
  Fleet,
  FleetCluster,
} from '@meshport/backstage-plugin-mesh-common';

/**
 * The clusters as a caller may see them: each cluster's mesh config reduced to the objects
 * that are about services the caller may read. An object is visible when its namespace holds
 * a service the caller may read (namespace sameness: the namespace, in any cluster) or when it
 * is in one of the cluster's control-plane namespaces, where mesh-wide config lives (Istio's
 * root namespace, `istio-system` unless meshConfig moves it; Linkerd's namespace).
 *
 * `served` is the subsequence of `fleet.services` the caller may read: the view is a function
 * of it and the fleet alone, so the fleet's ETag, made of the same two, stays exact per caller.
 * A caller who may read every service gets the published clusters themselves, not copies.
 */
export function visibleClusters(
  fleet: Fleet,
  served: Fleet['services'],
): FleetCluster[] {
  if (served.length === fleet.services.length) return fleet.clusters;
  const namespaces = new Set(served.map(s => s.namespace));
  return fleet.clusters.map(cluster => {
    if (!cluster.config) return cluster;
    const controlPlanes = new Set(cluster.controlPlanes.map(c => c.namespace));
    const config = cluster.config.filter(
      o =>
        namespaces.has(o.metadata.namespace) ||
        controlPlanes.has(o.metadata.namespace),
    );
    return config.length === cluster.config.length
      ? cluster
      : { ...cluster, config };
  });
}
