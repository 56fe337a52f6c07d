import type { ClusterErrorReason } from '@meshport/backstage-plugin-mesh-common';

/** Failures that cost a discovery slot the whole per-cluster timeout. */
const SLOW_FAILURES: ReadonlySet<ClusterErrorReason> = new Set([
  'timeout',
  'unreachable',
]);

/**
 * The order clusters are read in: those whose last attempt hung go last. The pool is
 * bounded, so a cluster that times out holds a slot for the full timeout; with as many of
 * them as slots at the head of the queue, every healthy cluster would wait for them. Otherwise
 * the configured order is kept (the sort is stable).
 */
export function orderForDiscovery<T extends { name: string }>(
  sources: T[],
  lastFailure: (cluster: string) => ClusterErrorReason | undefined,
): T[] {
  const slow = (s: T) => {
    const reason = lastFailure(s.name);
    return reason !== undefined && SLOW_FAILURES.has(reason) ? 1 : 0;
  };
  return [...sources].sort((a, b) => slow(a) - slow(b));
}
