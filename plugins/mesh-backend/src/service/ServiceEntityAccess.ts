import type {
  AuthService,
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { NotAllowedError } from '@backstage/errors';
import { catalogEntityReadPermission } from '@backstage/plugin-catalog-common/alpha';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  MESH_SERVICE_ANNOTATION,
  MeshService,
  standingEntity,
} from '@meshport/backstage-plugin-mesh-common';
import { readsEveryService } from './queryServices';

/** Decides which mesh services a caller may see. */
export interface ServiceAccess {
  /** Throws NotAllowedError when the caller may not read this service. */
  assertMayRead(
    credentials: BackstageCredentials,
    service: Pick<MeshService, 'id' | 'ownership'>,
  ): Promise<void>;
  /** The predicate every answer listing services is filtered with. */
  readableServices(
    credentials: BackstageCredentials,
    services: MeshService[],
  ): Promise<(service: MeshService) => boolean>;
}

/**
 * A mesh service (instances, workloads, identities, traffic) is for callers who may read the
 * catalog entity standing for it: whoever the catalog hides that entity from does not learn
 * about the service here either, in a list, the fleet or the detail. The entity standing for
 * a service follows the ownership rule (mesh-common `resolveOwnership`): a hand-written entity
 * annotated `meshport.dev/service` owned by the resolved owner, else the Component the catalog
 * module generated; any other entity carrying the annotation decides nothing, so registering
 * one grants no read.
 *
 * Entities are looked up with the plugin's own credentials, so that an entity hidden from the
 * caller is still found. The caller's read is then decided by the permission framework as the
 * catalog decides it: for one service, `authorize` on that entity; for a list,
 * `authorizeConditional` once, and when the policy answers with conditions, the catalog itself
 * applies them as a filter by listing the entities the caller may read (what
 * `GET /entities` does with a conditional decision). A service no entity stands for yet (the
 * catalog has not ingested the fleet) is governed by the mesh permissions alone.
 */
export class CatalogServiceAccess implements ServiceAccess {
  constructor(
    private readonly options: {
      catalog: CatalogService;
      auth: AuthService;
      permissions: PermissionsService;
    },
  ) {}

  async assertMayRead(
    credentials: BackstageCredentials,
    service: Pick<MeshService, 'id' | 'ownership'>,
  ): Promise<void> {
    const { permissions } = this.options;
    const entity = standingEntity(
      await this.claimingEntities(service.id),
      service.ownership,
    );
    if (!entity) return;
    const entityRef = stringifyEntityRef(entity);
    const [decision] = await permissions.authorize(
      [{ permission: catalogEntityReadPermission, resourceRef: entityRef }],
      { credentials },
    );
    if (decision.result === AuthorizeResult.ALLOW) return;
    throw new NotAllowedError(
      `You are not allowed to read the catalog entity of mesh service ${service.id} (permission ${catalogEntityReadPermission.name}); ask its owners for access`,
    );
  }

  async readableServices(
    credentials: BackstageCredentials,
    services: MeshService[],
  ): Promise<(service: MeshService) => boolean> {
    const { permissions, catalog } = this.options;
    // The catalog's own list endpoints do this (@backstage/plugin-catalog-backend,
    // service/AuthorizedEntitiesCatalog.ts): DENY → nothing, CONDITIONAL → the conditions
    // become a filter of the entity query. Service principals (the catalog provider, the
    // scaffolder actions) get ALLOW without a policy call (@backstage/plugin-permission-node,
    // ServerPermissionClient), so they read the whole fleet.
    const [decision] = await permissions.authorizeConditional(
      [{ permission: catalogEntityReadPermission }],
      { credentials },
    );
    if (decision.result === AuthorizeResult.ALLOW) return readsEveryService;

    const claiming = groupByService(await this.claimingEntities());
    const standing = new Map<string, string>();
    for (const service of services) {
      const entity = standingEntity(
        claiming.get(service.id) ?? [],
        service.ownership,
      );
      if (entity) standing.set(service.id, stringifyEntityRef(entity));
    }
    const readable =
      decision.result === AuthorizeResult.DENY
        ? new Set<string>()
        : new Set(
            (
              await collect(
                catalog.streamEntities(
                  {
                    query: {
                      [`metadata.annotations.${MESH_SERVICE_ANNOTATION}`]: {
                        $exists: true,
                      },
                    },
                    fields: ['kind', 'metadata.namespace', 'metadata.name'],
                  },
                  { credentials },
                ),
              )
            ).map(e => stringifyEntityRef(e)),
          );
    return service => {
      const ref = standing.get(service.id);
      return !ref || readable.has(ref);
    };
  }

  /** Every entity claiming one service, or all of them; seen with the plugin's credentials. */
  private async claimingEntities(serviceId?: string): Promise<Entity[]> {
    const { catalog, auth } = this.options;
    const key = `metadata.annotations.${MESH_SERVICE_ANNOTATION}`;
    return collect(
      catalog.streamEntities(
        {
          query: { [key]: serviceId ?? { $exists: true } },
          fields: ['kind', 'metadata', 'spec.owner'],
        },
        { credentials: await auth.getOwnServiceCredentials() },
      ),
    );
  }
}

function groupByService(entities: Entity[]): Map<string, Entity[]> {
  const byService = new Map<string, Entity[]>();
  for (const entity of entities) {
    const id = entity.metadata.annotations?.[MESH_SERVICE_ANNOTATION]?.trim();
    if (!id) continue;
    const list = byService.get(id);
    if (list) list.push(entity);
    else byService.set(id, [entity]);
  }
  return byService;
}

async function collect(pages: AsyncIterable<Entity[]>): Promise<Entity[]> {
  const all: Entity[] = [];
  for await (const page of pages) all.push(...page);
  return all;
}
