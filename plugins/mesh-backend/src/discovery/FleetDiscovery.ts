import type { LoggerService } from '@backstage/backend-plugin-api';
import type { ClusterErrorReason } from '@meshport/backstage-plugin-mesh-common';
import type { ClusterInventory } from '../aggregation/inventory';
import type { ClusterSource } from '../clusters/ClusterSource';
import type { ClusterReader } from '../readers/ClusterReader';
import { ClusterReadError } from '../readers/ClusterReadError';
import { classifyError } from '../readers/classifyError';
import { runBounded } from './boundedPool';
import { readClusterInventory } from './readClusterInventory';

/** Where discovery reports each cluster's outcome, as soon as that cluster is done. */
export interface ClusterOutcomeSink {
  recordSuccess(
    cluster: string,
    inventory: ClusterInventory,
    at: Date,
  ): Promise<void>;
  recordFailure(
    cluster: string,
    error: { reason: ClusterErrorReason; message: string },
    at: Date,
  ): Promise<void>;
}

export interface FleetDiscoveryOptions {
  sources: ClusterSource[];
  /** A fresh reader per sync, so per-sync caches (served API versions…) never go stale. */
  createReader: (source: ClusterSource) => ClusterReader;
  sink: ClusterOutcomeSink;
  logger: LoggerService;
  timeoutMs: number;
  concurrency: number;
  excludeNamespaces: string[];
  now?: () => Date;
}

/**
 * One discovery pass over every cluster. Clusters run in a bounded pool, each under its own
 * timeout, and each outcome is recorded the moment it is known: a slow or broken cluster
 * costs only its own slot and never delays or touches the others' data.
 */
export class FleetDiscovery {
  constructor(private readonly options: FleetDiscoveryOptions) {}

  async runOnce(signal?: AbortSignal): Promise<void> {
    const { sources, concurrency } = this.options;
    await runBounded(sources, concurrency, source =>
      this.syncCluster(source, signal),
    );
  }

  private async syncCluster(source: ClusterSource, parent?: AbortSignal) {
    const { logger, timeoutMs, sink } = this.options;
    const now = this.options.now ?? (() => new Date());
    const attemptAt = now();
    const controller = new AbortController();
    const timeout = new ClusterReadError(
      'timeout',
      `cluster ${source.name} did not answer within ${timeoutMs} ms (mesh.discovery.timeout)`,
    );
    let rejectOnAbort: (error: Error) => void = () => {};
    const aborted = new Promise<never>((_resolve, reject) => {
      rejectOnAbort = reject;
    });
    aborted.catch(() => {}); // only ever observed through the race below
    const abort = (reason: Error) => {
      rejectOnAbort(reason);
      controller.abort(reason);
    };
    const timer = setTimeout(() => abort(timeout), timeoutMs);
    let reader: ClusterReader | undefined;
    const onParentAbort = () =>
      abort(new ClusterReadError('timeout', 'discovery was cancelled'));
    parent?.addEventListener('abort', onParentAbort);
    try {
      // racing the abort means a reader that ignores its signal still cannot hold us up
      const inventory = await Promise.race([
        readClusterInventory((reader = this.options.createReader(source)), {
          signal: controller.signal,
          excludeNamespaces: this.options.excludeNamespaces,
        }),
        aborted,
      ]);
      await sink.recordSuccess(source.name, inventory, attemptAt);
    } catch (error) {
      const reason =
        controller.signal.aborted &&
        controller.signal.reason instanceof ClusterReadError
          ? controller.signal.reason
          : classifyError(error, `cluster ${source.name}`);
      logger.warn(
        `Mesh discovery of cluster ${source.name} failed (${reason.reason}): ${reason.message}`,
      );
      await sink.recordFailure(
        source.name,
        { reason: reason.reason, message: reason.message },
        attemptAt,
      );
    } finally {
      clearTimeout(timer);
      parent?.removeEventListener('abort', onParentAbort);
      // stops the requests still in flight after one of them failed
      controller.abort();
      reader?.close?.();
    }
  }
}
