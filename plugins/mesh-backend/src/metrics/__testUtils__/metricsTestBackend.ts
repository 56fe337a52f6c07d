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
import type { Entity } from '@backstage/catalog-model';
import type { JsonObject } from '@backstage/config';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { Fleet } from '@meshport/backstage-plugin-mesh-common';
import { createMetricsRouter } from '../router';
import { CatalogServiceAccess } from '../../service/ServiceEntityAccess';
import type { TrafficSource } from '../traffic/TrafficSource';

export async function startMetricsBackend(options: {
  fleet: Fleet;
  config?: JsonObject;
  trafficSource?: TrafficSource;
  extraFeatures?: BackendFeature[];
  /** Catalog entities, e.g. one annotated meshport.dev/service; none by default. */
  entities?: Entity[];
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
          auth: coreServices.auth,
          catalog: catalogServiceRef,
        },
        async init({
          httpRouter,
          httpAuth,
          permissions,
          config,
          logger,
          auth,
          catalog,
        }) {
          httpRouter.use(
            await createMetricsRouter({
              fleetStore: { getFleet: async () => options.fleet },
              config,
              logger,
              httpAuth,
              permissions,
              serviceAccess: new CatalogServiceAccess({
                catalog,
                auth,
                permissions,
              }),
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
      catalogServiceMock.factory({ entities: options.entities ?? [] }),
      ...(options.extraFeatures ?? []),
    ],
  });
}

/**
 * The fleet with one more service, running nowhere in particular: the router answers 404 for a
 * service the fleet does not hold, before asking any traffic source.
 */
export function withService(
  fleet: Fleet,
  namespace: string,
  name: string,
): Fleet {
  return {
    ...fleet,
    services: [
      ...fleet.services,
      { id: `${namespace}/${name}`, namespace, name, instances: [] },
    ],
  };
}
