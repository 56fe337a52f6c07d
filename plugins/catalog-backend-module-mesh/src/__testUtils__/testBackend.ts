import {
  coreServices,
  createBackendModule,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import {
  mockServices,
  startTestBackend,
  TestBackend,
} from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import type { JsonObject } from '@backstage/types';
import meshPlugin from '@meshport/backstage-plugin-mesh-backend';
import { catalogModuleMesh } from '../module';

/** Hands out a plugin's scheduler so the test decides when its tasks run. */
export function captureScheduler(
  pluginId: string,
  capture: (scheduler: SchedulerService) => void,
) {
  return createBackendModule({
    pluginId,
    moduleId: 'capture-scheduler',
    register(env) {
      env.registerInit({
        deps: { scheduler: coreServices.scheduler },
        async init({ scheduler }) {
          capture(scheduler);
        },
      });
    },
  });
}

/** Retries an assertion until the catalog has processed and stitched. */
export async function eventually<T>(
  check: () => Promise<T>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise(resolve => setTimeout(resolve, 200));
    }
  }
}

/**
 * The real catalog, this module and the real mesh backend in one test backend, with
 * `config` as its root config and no scheduled task run unless the test triggers it
 * through the schedulers it gets back.
 */
export async function startCatalogWithMesh(options: {
  config: JsonObject;
  /** More features, e.g. a traffic-source module of the mesh plugin. */
  features?: Parameters<typeof startTestBackend>[0]['features'];
}): Promise<{
  backend: TestBackend;
  catalogScheduler: SchedulerService;
  meshScheduler: SchedulerService;
}> {
  let catalogScheduler: SchedulerService | undefined;
  let meshScheduler: SchedulerService | undefined;
  const backend = await startTestBackend({
    features: [
      catalogPlugin,
      catalogModuleMesh,
      meshPlugin,
      ...(options.features ?? []),
      mockServices.scheduler.factory({ skipTaskRunOnStartup: true }),
      captureScheduler('catalog', s => {
        catalogScheduler = s;
      }),
      captureScheduler('mesh', s => {
        meshScheduler = s;
      }),
      mockServices.rootConfig.factory({ data: options.config }),
    ],
  });
  return {
    backend,
    catalogScheduler: catalogScheduler!,
    meshScheduler: meshScheduler!,
  };
}
