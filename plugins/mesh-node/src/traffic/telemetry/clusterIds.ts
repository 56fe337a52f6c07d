import type { Fleet } from '@meshport/backstage-plugin-mesh-common';
import type { ClusterRef } from '@meshport/backstage-plugin-mesh-common';

/**
 * Maps Istio CLUSTER_IDs (what metrics carry in `source_cluster`/`destination_cluster`) to
 * Backstage cluster names, through the control planes discovery found. An id no control
 * plane claims stays visible under its own name, flagged `known: false`, rather than being
 * guessed at.
 */
export class ClusterIdResolver {
  private readonly byId = new Map<string, string>();
  private readonly idsByName = new Map<string, string[]>();

  constructor(fleet: Pick<Fleet, 'clusters'>) {
    for (const cluster of fleet.clusters) {
      const ids: string[] = [];
      for (const cp of cluster.controlPlanes) {
        if (cp.clusterId && !this.byId.has(cp.clusterId)) {
          this.byId.set(cp.clusterId, cluster.name);
        }
        if (cp.clusterId && !ids.includes(cp.clusterId)) {
          ids.push(cp.clusterId);
        }
      }
      this.idsByName.set(cluster.name, ids);
    }
  }

  resolve(clusterId: string | undefined): ClusterRef {
    const id = clusterId && clusterId.length > 0 ? clusterId : 'unknown';
    const name = this.byId.get(id);
    return name
      ? { name, clusterId: id, known: true }
      : { name: id, clusterId: id, known: false };
  }

  clusterIdsOf(name: string): string[] {
    return this.idsByName.get(name) ?? [];
  }
}
