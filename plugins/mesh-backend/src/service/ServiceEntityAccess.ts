import type {
  AuthService,
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { NotAllowedError } from '@backstage/errors';
import { catalogEntityReadPermission } from '@backstage/plugin-catalog-common/alpha';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { MESH_SERVICE_ANNOTATION } from '@meshport/backstage-plugin-mesh-common';

/** Decides whether a caller may see one mesh service in detail. */
export interface ServiceAccess {
  /** Throws NotAllowedError when the caller may not. */
  assertMayRead(
    credentials: BackstageCredentials,
    namespace: string,
    name: string,
  ): Promise<void>;
}

/**
 * A mesh service's detail (instances, workloads, identities, traffic) is for callers who may
 * read the catalog entity standing for it, the one annotated `meshport.dev/service`: whoever
 * the catalog hides an entity from does not learn about it here either.
 *
 * The entity is looked up with the plugin's own credentials, so that an entity hidden from
 * the caller is still found, and the caller's read is then decided by the permission
 * framework exactly as the catalog decides it (conditional rules included). A service no
 * entity stands for yet (the catalog has not ingested the fleet) is governed by the mesh
 * permissions alone.
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
    namespace: string,
    name: string,
  ): Promise<void> {
    const { catalog, auth, permissions } = this.options;
    const id = `${namespace}/${name}`;
    const { items } = await catalog.getEntities(
      {
        filter: { [`metadata.annotations.${MESH_SERVICE_ANNOTATION}`]: id },
        fields: ['kind', 'metadata.namespace', 'metadata.name'],
      },
      { credentials: await auth.getOwnServiceCredentials() },
    );
    if (items.length === 0) return;
    const decisions = await permissions.authorize(
      items.map(entity => ({
        permission: catalogEntityReadPermission,
        resourceRef: stringifyEntityRef(entity),
      })),
      { credentials },
    );
    if (decisions.some(d => d.result === AuthorizeResult.ALLOW)) return;
    throw new NotAllowedError(
      `You are not allowed to read the catalog entity of mesh service ${id} (permission ${catalogEntityReadPermission.name}); ask its owners for access`,
    );
  }
}
