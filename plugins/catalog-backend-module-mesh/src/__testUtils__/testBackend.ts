import {
  coreServices,
  createBackendModule,
  SchedulerService,
} from '@backstage/backend-plugin-api';

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
