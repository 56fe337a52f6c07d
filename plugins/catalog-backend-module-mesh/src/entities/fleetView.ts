import {
  ClusterSyncStatus,
  DataPlaneMode,
  describeClaims,
  Fleet,
  MeshKind,
} from '@meshport/backstage-plugin-mesh-common';

/**
 * The part of the fleet the catalog shows, reduced to what both the fleet and
 * the provider's own earlier entities can supply. Keeping the two on one
 * shape is what lets a stale cluster's last-known services be merged back in.
 */
export interface FleetView {
  clusters: ClusterView[];
  meshes: MeshView[];
  services: ServiceView[];
}

export interface ClusterView {
  name: string;
  sync: ClusterSyncStatus;
  regions: string[];
  network?: string;
}

export interface MeshView {
  id: string;
  kind: MeshKind;
  clusters: string[];
}

/** Where a service runs; `stale` when that cluster's data is last-known-good. */
export interface ServicePlacement {
  cluster: string;
  stale: boolean;
}

export interface ServiceView {
  namespace: string;
  name: string;
  /** The owner the mesh backend resolved, or an earlier resolved owner. */
  owner?: string;
  /** The competing claims, for a human, while the service's ownership is in conflict. */
  ownershipConflict?: string;
  placements: ServicePlacement[];
  dataPlaneModes: DataPlaneMode[];
  /**
   * The pod selector of the Service, `app=reviews` style, when every cluster agrees on it:
   * what the Kubernetes plugin needs to find the workloads (they carry no kubernetes-id label).
   */
  labelSelector?: string;
}

export function serviceKey(service: {
  namespace: string;
  name: string;
}): string {
  return `${service.namespace}/${service.name}`;
}

/** Sorted, de-duplicated: entity content must not churn with input order. */
export function sortedUnique<T extends string>(values: Iterable<T>): T[] {
  return [...new Set(values)].sort();
}

export function fleetToView(fleet: Fleet): FleetView {
  const clusterOk = new Map(
    fleet.clusters.map(c => [c.name, c.sync.state === 'ok']),
  );
  return {
    clusters: fleet.clusters.map(c => ({
      name: c.name,
      sync: c.sync,
      regions: sortedUnique(c.regions ?? []),
      network: c.network,
    })),
    meshes: fleet.meshes.map(m => ({
      id: m.id,
      kind: m.kind,
      clusters: sortedUnique(m.clusters),
    })),
    services: fleet.services.map(s => ({
      namespace: s.namespace,
      name: s.name,
      owner: s.ownership ? s.ownership.owner : s.owner,
      ...(s.ownership?.conflict && {
        ownershipConflict: describeClaims(s.ownership.conflict.claims),
      }),
      placements: s.instances
        .map(i => ({
          cluster: i.cluster,
          // Trust the cluster's state as well as the copy on the instance.
          stale: i.stale || clusterOk.get(i.cluster) !== true,
        }))
        .sort((a, b) => a.cluster.localeCompare(b.cluster)),
      dataPlaneModes: sortedUnique(s.instances.map(i => i.dataPlaneMode)),
      labelSelector: commonLabelSelector(s.instances.map(i => i.selector)),
    })),
  };
}

/** `k1=v1,k2=v2` (sorted) when every selector is the same and not empty, else undefined. */
export function commonLabelSelector(
  selectors: Array<Record<string, string> | undefined>,
): string | undefined {
  const texts = new Set(
    selectors.map(selector =>
      Object.entries(selector ?? {})
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => `${k}=${v}`)
        .join(','),
    ),
  );
  const [only] = texts;
  return texts.size === 1 && only ? only : undefined;
}
