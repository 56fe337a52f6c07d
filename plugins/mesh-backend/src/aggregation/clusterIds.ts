import type { DiscoveredControlPlane } from './controlPlanes';

/**
 * Maps the ids clusters know each other by (Istio `CLUSTER_ID`, Linkerd link names) to
 * Backstage cluster names. A configured name wins over another cluster's `CLUSTER_ID` only
 * when no control plane claims that id.
 */
export function clusterIdResolver(
  controlPlanes: Map<string, DiscoveredControlPlane[]>,
): (id: string) => string | undefined {
  const byClusterId = new Map<string, string>();
  for (const [cluster, planes] of [...controlPlanes].sort(([a], [b]) =>
    a.localeCompare(b),
  )) {
    for (const cp of planes) {
      if (
        cp.kind === 'istio' &&
        cp.clusterId &&
        !byClusterId.has(cp.clusterId)
      ) {
        byClusterId.set(cp.clusterId, cluster);
      }
    }
  }
  return id => byClusterId.get(id) ?? (controlPlanes.has(id) ? id : undefined);
}
