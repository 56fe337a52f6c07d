import { ANNOTATION_ORIGIN_LOCATION, Entity } from '@backstage/catalog-model';
import { MESH_SERVICE_ANNOTATION } from './annotations';

/** Location refs of everything a Meshport provider publishes start with this. */
export const PROVIDER_LOCATION_TYPE = 'meshport-provider';

export function providerLocationRef(providerId: string): string {
  return `${PROVIDER_LOCATION_TYPE}:${providerId}`;
}

export function isPublishedByMeshport(entity: Entity): boolean {
  const origin = entity.metadata.annotations?.[ANNOTATION_ORIGIN_LOCATION];
  return origin?.startsWith(`${PROVIDER_LOCATION_TYPE}:`) ?? false;
}

/**
 * The mesh services (`<namespace>/<name>`) that hand-written entities claim
 * with the `meshport.dev/service` annotation. Entities from any Meshport
 * provider are not claims: otherwise a provider would hide its own Components,
 * or two provider instances would hide each other's.
 */
export function claimedServices(entities: Entity[]): Set<string> {
  const claimed = new Set<string>();
  for (const entity of entities) {
    const ref = entity.metadata.annotations?.[MESH_SERVICE_ANNOTATION]?.trim();
    if (ref && !isPublishedByMeshport(entity)) {
      claimed.add(ref);
    }
  }
  return claimed;
}
