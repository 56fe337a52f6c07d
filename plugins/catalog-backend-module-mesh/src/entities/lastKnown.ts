import { Entity } from '@backstage/catalog-model';
import {
  DataPlaneMode,
  MeshKind,
} from '@meshport/backstage-plugin-mesh-common';
import {
  KUBERNETES_LABEL_SELECTOR_ANNOTATION,
  MESH_CLUSTERS_ANNOTATION,
  MESH_DATA_PLANE_MODE_ANNOTATION,
  MESH_ID_ANNOTATION,
  MESH_KIND_ANNOTATION,
  MESH_OWNERSHIP_CONFLICT_ANNOTATION,
  MESH_SERVICE_ANNOTATION,
  splitList,
} from './annotations';
import {
  FleetView,
  MeshView,
  ServiceView,
  serviceKey,
  sortedUnique,
} from './fleetView';

/** What the provider published last time, as far as it matters for retention. */
export interface LastKnown {
  meshes: MeshView[];
  services: ServiceView[];
}

/**
 * Reads the provider's own entities back from the catalog. The catalog, not
 * process memory, is the record: it survives restarts and is shared by every
 * replica that may run the refresh.
 */
export function lastKnownFromEntities(entities: Entity[]): LastKnown {
  const lastKnown: LastKnown = { meshes: [], services: [] };
  for (const entity of entities) {
    const annotations = entity.metadata.annotations ?? {};
    const clusters = splitList(annotations[MESH_CLUSTERS_ANNOTATION]);
    const serviceRef = annotations[MESH_SERVICE_ANNOTATION];
    const meshId = annotations[MESH_ID_ANNOTATION];
    if (entity.kind === 'Component' && serviceRef) {
      const [namespace, name] = serviceRef.split('/', 2);
      if (!namespace || !name) {
        continue;
      }
      const owner = entity.spec?.owner;
      lastKnown.services.push({
        namespace,
        name,
        owner: typeof owner === 'string' ? owner : undefined,
        ...(annotations[MESH_OWNERSHIP_CONFLICT_ANNOTATION] && {
          ownershipConflict: annotations[MESH_OWNERSHIP_CONFLICT_ANNOTATION],
        }),
        placements: clusters.map(cluster => ({ cluster, stale: true })),
        dataPlaneModes: splitList(
          annotations[MESH_DATA_PLANE_MODE_ANNOTATION],
        ) as DataPlaneMode[],
        labelSelector: annotations[KUBERNETES_LABEL_SELECTOR_ANNOTATION],
      });
    } else if (entity.kind === 'Resource' && meshId) {
      lastKnown.meshes.push({
        id: meshId,
        kind: (annotations[MESH_KIND_ANNOTATION] ?? 'istio') as MeshKind,
        clusters,
      });
    }
  }
  return lastKnown;
}

/**
 * Puts back what the fleet no longer shows for clusters that are not reachable
 * right now, so an outage never removes entities. The fleet is supposed to keep
 * last-known-good data itself; this covers a mesh backend that lost it (a
 * restart while a cluster is down) or never had it.
 *
 * A placement is only dropped when its cluster synced successfully without it,
 * or when the cluster is gone from the fleet altogether (removed from config).
 */
export function retainLastKnown(
  current: FleetView,
  lastKnown: LastKnown,
): FleetView {
  const unreachable = new Set(
    current.clusters.filter(c => c.sync.state !== 'ok').map(c => c.name),
  );
  if (unreachable.size === 0) {
    return current;
  }

  const services = new Map(current.services.map(s => [serviceKey(s), s]));
  for (const previous of lastKnown.services) {
    const key = serviceKey(previous);
    const existing = services.get(key);
    const present = new Set(existing?.placements.map(p => p.cluster));
    const kept = previous.placements.filter(
      p => unreachable.has(p.cluster) && !present.has(p.cluster),
    );
    if (kept.length === 0) {
      continue;
    }
    if (existing) {
      services.set(key, {
        ...existing,
        placements: [...existing.placements, ...kept].sort((a, b) =>
          a.cluster.localeCompare(b.cluster),
        ),
        // The earlier entity only records modes for the service as a whole, so
        // a partly retained service may show a mode it no longer has there.
        dataPlaneModes: sortedUnique([
          ...existing.dataPlaneModes,
          ...previous.dataPlaneModes,
        ]),
      });
    } else {
      services.set(key, { ...previous, placements: kept });
    }
  }

  const meshes = new Map(current.meshes.map(m => [m.id, m]));
  for (const previous of lastKnown.meshes) {
    const existing = meshes.get(previous.id);
    const kept = previous.clusters.filter(
      c => unreachable.has(c) && !existing?.clusters.includes(c),
    );
    if (kept.length > 0) {
      meshes.set(previous.id, {
        ...(existing ?? previous),
        clusters: sortedUnique([...(existing?.clusters ?? []), ...kept]),
      });
    }
  }

  return {
    clusters: current.clusters,
    meshes: [...meshes.values()],
    services: [...services.values()],
  };
}
