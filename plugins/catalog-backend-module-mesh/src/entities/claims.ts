import {
  ANNOTATION_ORIGIN_LOCATION,
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  claimAgrees,
  ServiceOwnership,
} from '@meshport/backstage-plugin-mesh-common';
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
 * The mesh services (`<namespace>/<name>`) a hand-written entity claims with the
 * `meshport.dev/service` annotation *and whose claim counts*: the entity is owned by the owner
 * the mesh backend resolved for the service (`claimAgrees`). Any other claim is ignored and the
 * service keeps its generated Component: anyone may register an entity, so an annotation
 * alone must not hide the service's real owner. Entities from any Meshport provider are not
 * claims: otherwise a provider would hide its own Components, or two provider instances would
 * hide each other's.
 */
export function claimedServices(
  entities: Entity[],
  ownership: (serviceId: string) => ServiceOwnership | undefined,
): Set<string> {
  const claimed = new Set<string>();
  for (const entity of entities) {
    const ref = entity.metadata.annotations?.[MESH_SERVICE_ANNOTATION]?.trim();
    if (
      ref &&
      !isPublishedByMeshport(entity) &&
      claimAgrees(ownership(ref), entityOwnerRef(entity))
    ) {
      claimed.add(ref);
    }
  }
  return claimed;
}

/** `spec.owner` as a full ref, resolved the way the catalog resolves it (kind Group, the entity's namespace). */
export function entityOwnerRef(entity: Entity): string | undefined {
  const owner = (entity.spec as { owner?: unknown } | undefined)?.owner;
  if (typeof owner !== 'string' || owner.trim() === '') return undefined;
  try {
    return stringifyEntityRef(
      parseEntityRef(owner.trim(), {
        defaultKind: 'group',
        defaultNamespace: entity.metadata.namespace ?? 'default',
      }),
    );
  } catch {
    return undefined;
  }
}
