import type { ClusterOutcomeSink } from '../discovery/FleetDiscovery';

/**
 * The store as one discovery run sees it. Once the run is cancelled — the backend shutting
 * down (a rolling update), the scheduler's lock lost, the task's own timeout — clusters
 * that fail fail *because of the cancellation*: that says nothing about them, and
 * recording it would turn healthy clusters stale on every deploy. Those failures are
 * dropped; the previous state stays and the replica that runs the next tick reads them.
 * Results that did arrive are kept, cancelled or not.
 */
export function runScopedSink(
  sink: ClusterOutcomeSink,
  signal: AbortSignal,
): ClusterOutcomeSink {
  return {
    recordSuccess: (cluster, inventory, at) =>
      sink.recordSuccess(cluster, inventory, at),
    recordFailure: async (cluster, error, at) => {
      if (signal.aborted) return;
      await sink.recordFailure(cluster, error, at);
    },
  };
}
