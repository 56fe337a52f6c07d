import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  ANNOTATION_ORIGIN_LOCATION,
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { MESH_SERVICE_ANNOTATION } from '@meshport/backstage-plugin-mesh-common';

/** Origin of the entities the Meshport catalog module publishes (`meshport-provider:<id>`). */
const MESH_PROVIDER_LOCATION_TYPE = 'meshport-provider:';

/** The GitHub team of a Group, `<org>/<team>`; a pull request asks for the `<team>` part. */
export const TEAM_SLUG_ANNOTATION = 'github.com/team-slug';
/** The GitHub login of a User, for a service owned by one person. */
export const USER_LOGIN_ANNOTATION = 'github.com/user-login';

/** The catalog entity standing for a mesh service, its owner, and who reviews for the owner. */
export interface DestinationOwners {
  /** Ref of the entity claiming the service, e.g. `component:default/reviews.bookinfo`. */
  entityRef: string;
  /** Ref of its owner, e.g. `group:default/bookinfo-team`. */
  ownerRef: string;
  /** GitHub logins to request review from. */
  reviewers: string[];
  /** GitHub team slugs (without the organisation) to request review from. */
  teamReviewers: string[];
}

/**
 * Finds the entity claiming `<namespace>/<name>` through `meshport.dev/service`, then turns its
 * owner into GitHub reviewers. Refuses when nobody can review: a request without reviewers
 * would bypass the owners.
 */
export async function findDestinationOwners(
  catalog: CatalogService,
  service: string,
  credentials: BackstageCredentials,
): Promise<DestinationOwners> {
  const { items } = await catalog.getEntities(
    {
      filter: {
        [`metadata.annotations.${MESH_SERVICE_ANNOTATION}`]: service,
      },
      fields: ['kind', 'metadata', 'spec.owner'],
    },
    { credentials },
  );
  const entity = pickEntity(items);
  if (!entity) {
    throw new InputError(
      `no catalog entity has the annotation ${MESH_SERVICE_ANNOTATION}: ${service}, so its owners cannot be asked to review; wait for the Meshport catalog module to publish it, or add the annotation to the service's catalog-info.yaml`,
    );
  }
  const entityRef = stringifyEntityRef(entity);
  const owner = (entity.spec as { owner?: unknown } | undefined)?.owner;
  if (typeof owner !== 'string' || owner.length === 0) {
    throw new InputError(
      `${entityRef} has no spec.owner, so nobody can review the request; set its owner in the catalog`,
    );
  }
  const ownerRef = stringifyEntityRef(
    parseEntityRef(owner, {
      defaultKind: 'group',
      defaultNamespace: entity.metadata.namespace ?? 'default',
    }),
  );
  const ownerEntity = await catalog.getEntityByRef(ownerRef, { credentials });
  const reviewers: string[] = [];
  const teamReviewers: string[] = [];
  const teamSlug = ownerEntity?.metadata.annotations?.[TEAM_SLUG_ANNOTATION];
  const login = ownerEntity?.metadata.annotations?.[USER_LOGIN_ANNOTATION];
  if (ownerEntity?.kind.toLowerCase() === 'group' && teamSlug) {
    teamReviewers.push(teamSlug.slice(teamSlug.lastIndexOf('/') + 1));
  } else if (ownerEntity?.kind.toLowerCase() === 'user' && login) {
    reviewers.push(login);
  } else {
    throw new InputError(
      `the owner of ${entityRef}, ${ownerRef}, ${
        ownerEntity
          ? `has no ${
              ownerEntity.kind.toLowerCase() === 'user'
                ? USER_LOGIN_ANNOTATION
                : TEAM_SLUG_ANNOTATION
            } annotation`
          : 'is not in the catalog'
      }, so its review cannot be requested; add the annotation naming its GitHub ${
        ownerEntity?.kind.toLowerCase() === 'user'
          ? 'login'
          : 'team (<org>/<team>)'
      }`,
    );
  }
  return { entityRef, ownerRef, reviewers, teamReviewers };
}

/**
 * Several entities may claim a service (a hand-written one and the catalog module's); the
 * hand-written Component wins, as it does in the catalog module, then the first by ref.
 */
function pickEntity(items: (Entity | null)[]): Entity | undefined {
  const found = items.filter((e): e is Entity => !!e);
  found.sort((a, b) => {
    const generated = (e: Entity) =>
      e.metadata.annotations?.[ANNOTATION_ORIGIN_LOCATION]?.startsWith(
        MESH_PROVIDER_LOCATION_TYPE,
      )
        ? 1
        : 0;
    const byOrigin = generated(a) - generated(b);
    if (byOrigin !== 0) return byOrigin;
    const [x, y] = [stringifyEntityRef(a), stringifyEntityRef(b)];
    if (x === y) return 0;
    return x < y ? -1 : 1;
  });
  return found[0];
}
