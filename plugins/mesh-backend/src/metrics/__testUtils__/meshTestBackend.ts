/**
 * The real mesh plugin on the committed demo fleet (discovered once, before the first
 * request), with the traffic source a test module sets through the extension point, the way
 * the Prometheus and snapshot modules do.
 */
import {
  BackendFeature,
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { JsonObject } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  meshTrafficSourceExtensionPoint,
  type MeshTrafficSourceFactory,
} from '@meshport/backstage-plugin-mesh-node';
import { meshPlugin } from '../../plugin';
import { DEMO_FLEET_DIR } from '../../__testUtils__/demoFleet';

/** A module setting `factory` as the mesh plugin's traffic source. */
export function trafficModule(
  factory: MeshTrafficSourceFactory,
  moduleId = 'test-traffic',
) {
  return createBackendModule({
    pluginId: 'mesh',
    moduleId,
    register(env) {
      env.registerInit({
        deps: { traffic: meshTrafficSourceExtensionPoint },
        async init({ traffic }) {
          traffic.setTrafficSource(factory);
        },
      });
    },
  });
}

export async function startMeshBackend(
  options: {
    features?: BackendFeature[];
    config?: JsonObject;
    /** The mesh plugin to start, e.g. one made with `createMeshPlugin({ checks })`. */
    plugin?: BackendFeature;
    /** Catalog entities, e.g. those a permission mock hides. */
    entities?: Parameters<typeof catalogServiceMock.factory>[0];
  } = {},
) {
  let runDiscovery: (() => Promise<void>) | undefined;
  const captureScheduler = createBackendModule({
    pluginId: 'mesh',
    moduleId: 'capture-scheduler',
    register(env) {
      env.registerInit({
        deps: { scheduler: coreServices.scheduler },
        async init({ scheduler }) {
          runDiscovery = () => scheduler.triggerTask('mesh-fleet-discovery');
        },
      });
    },
  });
  const backend = await startTestBackend({
    features: [
      options.plugin ?? meshPlugin,
      captureScheduler,
      mockServices.scheduler.factory({ skipTaskRunOnStartup: true }),
      catalogServiceMock.factory(options.entities ?? { entities: [] }),
      mockServices.rootConfig.factory({
        data: {
          mesh: { snapshot: { directory: DEMO_FLEET_DIR } },
          ...options.config,
        },
      }),
      ...(options.features ?? []),
    ],
  });
  await runDiscovery!();
  return backend;
}
