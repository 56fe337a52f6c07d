import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import {
  AuthorizeResult,
  isPermission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import {
  MESH_OWNERSHIP_CONFLICT_ANNOTATION,
  meshRouteRequestPermission,
} from '@meshport/backstage-plugin-mesh-common';

/**
 * Meshport's demo policy: everything is allowed, except requesting a route for a mesh
 * service, which only its owners may do. The decision is conditional on the catalog entity
 * standing for the destination (`isEntityOwner` over the user's ownership refs: the user and
 * their groups), so the catalog evaluates it against that entity's owner. A Component whose
 * ownership the clusters dispute carries `meshport.dev/ownership-conflict` and an owner only
 * because the catalog requires one: nobody may reroute it until the dispute is settled.
 */
export class MeshportPermissionPolicy implements PermissionPolicy {
  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    if (isPermission(request.permission, meshRouteRequestPermission)) {
      const claims = user?.info.ownershipEntityRefs ?? [];
      // A service principal has no ownership: nobody it could act for owns the service.
      if (claims.length === 0) return { result: AuthorizeResult.DENY };
      return createCatalogConditionalDecision(request.permission, {
        allOf: [
          catalogConditions.isEntityOwner({ claims }),
          {
            not: catalogConditions.hasAnnotation({
              annotation: MESH_OWNERSHIP_CONFLICT_ANNOTATION,
            }),
          },
        ],
      });
    }
    return { result: AuthorizeResult.ALLOW };
  }
}

/** Installs {@link MeshportPermissionPolicy} as the permission backend's policy. */
export const meshportPermissionPolicyModule = createBackendModule({
  pluginId: 'permission',
  moduleId: 'meshport-policy',
  register(reg) {
    reg.registerInit({
      deps: { policy: policyExtensionPoint },
      async init({ policy }) {
        policy.setPolicy(new MeshportPermissionPolicy());
      },
    });
  },
});

export default meshportPermissionPolicyModule;
