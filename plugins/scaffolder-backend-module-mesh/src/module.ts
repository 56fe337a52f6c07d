import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { loadSchemaValidator } from '@meshport/backstage-plugin-mesh-policy';
import { createAccessPolicyAction } from './actions/accessPolicy';
import { createRenderPolicyAction } from './actions/renderPolicy';
import { createTrafficPolicyAction } from './actions/trafficPolicy';
import { MeshBackendFleetClient } from './service/FleetClient';
import { MeshActionDeps, once } from './service/renderPolicyRequest';

/** Registers the meshport:policy:* actions with the scaffolder. */
export const scaffolderModule = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'mesh',
  register({ registerInit }) {
    registerInit({
      deps: {
        scaffolderActions: scaffolderActionsExtensionPoint,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
        permissions: coreServices.permissions,
        catalog: catalogServiceRef,
      },
      async init({ scaffolderActions, discovery, auth, permissions, catalog }) {
        const deps: MeshActionDeps = {
          fleet: new MeshBackendFleetClient({ discovery, auth }),
          catalog,
          permissions,
          // Loaded on the first request, not at startup: the CRD models are large.
          schemaValidator: once(loadSchemaValidator),
        };
        scaffolderActions.addActions(
          createTrafficPolicyAction(deps),
          createAccessPolicyAction(deps),
          createRenderPolicyAction(deps),
        );
      },
    });
  },
});
