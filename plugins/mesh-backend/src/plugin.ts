import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { meshPermissions } from '@meshport/backstage-plugin-mesh-common';
import { StaticFleetStore } from './fleet/FleetStore';
import { createRouter } from './service/router';

/**
 * The mesh backend plugin: serves the fleet under `/api/mesh`.
 *
 * @public
 */
export const meshPlugin = createBackendPlugin({
  pluginId: 'mesh',
  register(env) {
    env.registerInit({
      deps: {
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
      },
      async init({ httpAuth, httpRouter, permissions, permissionsRegistry }) {
        permissionsRegistry.addPermissions(meshPermissions);
        httpRouter.use(
          await createRouter({
            httpAuth,
            permissions,
            fleetStore: StaticFleetStore.empty(),
          }),
        );
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
      },
    });
  },
});
