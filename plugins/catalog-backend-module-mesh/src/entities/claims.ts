import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  claimCounts,
  MESH_PROVIDER_LOCATION_TYPE,
  ServiceOwnership,
} from '@meshport/backstage-plugin-mesh-common';
import { MESH_SERVICE_ANNOTATION } from './annotations';

export function providerLocationRef(providerId: string): string {
  return `${MESH_PROVIDER_LOCATION_TYPE}:${providerId}`;
}

/**
 * The mesh services (`<namespace>/<name>`) a hand-written entity claims with the
 * `meshport.dev/service` annotation *and whose claim counts*: the entity is owned by the owner
 * the mesh backend resolved for the service (mesh-common `claimCounts`). Any other claim is
 * ignored and the service keeps its generated Component: anyone may register an entity, so
 * an annotation alone must not hide the service's real owner. Entities from any Meshport
 * provider are not claims: otherwise a provider would hide its own Components, or two
 * provider instances would hide each other's.
 */
export function claimedServices(
  entities: Entity[],
  ownership: (serviceId: string) => ServiceOwnership | undefined,
): Set<string> {
  return new Set(claimingEntities(entities, ownership).keys());
}

/**
 * The entity standing for each claimed service (`<namespace>/<name>` → entity ref), by the
 * same rule as `claimedServices`: what relations to a claimed service point at. When several
 * entities' claims count (one owner registered two), the first by ref stands for it.
 */
export function claimingEntities(
  entities: Entity[],
  ownership: (serviceId: string) => ServiceOwnership | undefined,
): Map<string, string> {
  const refs = new Map<string, string>();
  const sorted = entities
    .map(entity => ({ entity, ref: stringifyEntityRef(entity) }))
    .sort((a, b) => a.ref.localeCompare(b.ref));
  for (const { entity, ref } of sorted) {
    const id = entity.metadata.annotations?.[MESH_SERVICE_ANNOTATION]?.trim();
    if (id && !refs.has(id) && claimCounts(entity, ownership(id)))
      refs.set(id, ref);
  }
  return refs;
}
