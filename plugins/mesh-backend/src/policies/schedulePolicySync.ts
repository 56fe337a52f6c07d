import type {
  LifecycleService,
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { durationToMilliseconds } from '@backstage/types';
import type { PolicyLifecycleOptions } from './PolicyLifecycleOptions';
import type { PolicyLifecycleSync } from './PolicyLifecycleSync';

/** The scheduler's id of the policy repositories' sync. */
export const POLICY_SYNC_TASK_ID = 'mesh-policy-lifecycle-sync';

/**
 * Reads the policy repositories as a global task: with several replicas on one database, one
 * of them asks the SCM each interval (its rate limit is the fleet's, not the replica's), and
 * every replica computes the states from what it stored. A stop cancels the run between
 * repositories; what was read is saved.
 */
export async function schedulePolicySync(options: {
  sync: PolicyLifecycleSync;
  lifecycleOptions: PolicyLifecycleOptions;
  scheduler: SchedulerService;
  lifecycle: LifecycleService;
  logger: LoggerService;
}): Promise<void> {
  const { sync, lifecycleOptions, scheduler, lifecycle, logger } = options;
  const stopping = new AbortController();
  lifecycle.addShutdownHook(() => stopping.abort());
  await scheduler.scheduleTask({
    id: POLICY_SYNC_TASK_ID,
    scope: 'global',
    frequency: lifecycleOptions.frequency,
    timeout: lifecycleOptions.timeout,
    fn: async taskSignal => {
      const signal = AbortSignal.any([taskSignal, stopping.signal]);
      await sync.syncRepositories(signal);
      if (!signal.aborted) await sync.current();
    },
  });
  logger.info(
    `Policy repositories sync scheduled every ${durationToMilliseconds(
      lifecycleOptions.frequency,
    )} ms`,
  );
}
