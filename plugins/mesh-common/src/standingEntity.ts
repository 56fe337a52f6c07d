import {
  ANNOTATION_ORIGIN_LOCATION,
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { MESH_SERVICE_ANNOTATION } from './annotations';
import { claimAgrees, ServiceOwnership } from './ownership';

/** Location refs of everything a Meshport catalog provider publishes start with this. */
export const MESH_PROVIDER_LOCATION_TYPE = 'meshport-provider';

/** Whether a Meshport catalog provider generated the entity (rather than someone writing it). */
export function isPublishedByMeshport(entity: Entity): boolean {
  const origin = entity.metadata.annotations?.[ANNOTATION_ORIGIN_LOCATION];
  return origin?.startsWith(`${MESH_PROVIDER_LOCATION_TYPE}:`) ?? false;
}

/** `spec.owner` as a full ref, resolved as the catalog resolves it (kind Group, the entity's namespace). */
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

/**
 * Whether a hand-written entity's `meshport.dev/service` claim counts: it is owned by the
 * service's resolved owner (see `resolveOwnership`).
 */
export function claimCounts(
  entity: Entity,
  ownership: ServiceOwnership | undefined,
): boolean {
  return (
    !isPublishedByMeshport(entity) &&
    !!entity.metadata.annotations?.[MESH_SERVICE_ANNOTATION]?.trim() &&
    claimAgrees(ownership, entityOwnerRef(entity))
  );
}

/**
 * Of the entities annotated `meshport.dev/service` for one service, the one standing for it:
 * a hand-written entity whose claim counts (the first by ref), else the Component a Meshport
 * provider generated. Any other entity carrying the annotation stands for nothing: anyone may
 * register one. The scaffolder asks its owner to review and checks the route permission on it;
 * the mesh backend checks the read permission on it.
 */
export function standingEntity(
  entities: Entity[],
  ownership: ServiceOwnership | undefined,
): Entity | undefined {
  const byRef = [...entities].sort((a, b) => {
    const [x, y] = [stringifyEntityRef(a), stringifyEntityRef(b)];
    if (x === y) return 0;
    return x < y ? -1 : 1;
  });
  return (
    byRef.find(e => claimCounts(e, ownership)) ??
    byRef.find(isPublishedByMeshport)
  );
}
