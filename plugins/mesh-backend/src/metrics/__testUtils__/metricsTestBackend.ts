/**
 * Mounts the real metrics router in a real test backend (mock auth and permissions from
 * backend-test-utils), the way the mesh plugin will mount it.
 */
import {
  coreServices,
  createBackendPlugin,
  BackendFeature,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { JsonObject } from '@backstage/config';
import type { Fleet } from '@meshport/backstage-plugin-mesh-common';
import { createMetricsRouter } from '../router';
import type { TrafficSource } from '../traffic/TrafficSource';

export async function startMetricsBackend(options: {
  fleet: Fleet;
  config?: JsonObject;
  trafficSource?: TrafficSource;
  extraFeatures?: BackendFeature[];
}) {
  const plugin = createBackendPlugin({
    pluginId: 'mesh',
    register(env) {
      env.registerInit({
        deps: {
          httpRouter: coreServices.httpRouter,
          httpAuth: coreServices.httpAuth,
          permissions: coreServices.permissions,
          config: coreServices.rootConfig,
          logger: coreServices.logger,
        },
        async init({ httpRouter, httpAuth, permissions, config, logger }) {
          httpRouter.use(
            await createMetricsRouter({
              fleetStore: { getFleet: async () => options.fleet },
              config,
              logger,
              httpAuth,
              permissions,
              trafficSource: options.trafficSource,
            }),
          );
        },
      });
    },
  });
  return startTestBackend({
    features: [
      plugin,
      mockServices.rootConfig.factory({ data: options.config ?? {} }),
      ...(options.extraFeatures ?? []),
    ],
  });
}
