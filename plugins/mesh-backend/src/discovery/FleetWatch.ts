import type { LoggerService } from '@backstage/backend-plugin-api';
import type { KubernetesClusterSource } from '../clusters/ClusterSource';
import type { WatchingReader } from '../readers/ClusterReader';
import { runBounded } from './boundedPool';
import { ClusterWatch } from './ClusterWatch';
import type { ClusterOutcomeSink } from './FleetDiscovery';
import type { WatchTiming } from './KindWatch';

export interface FleetWatchOptions {
  createReader: (source: KubernetesClusterSource) => WatchingReader;
  sink: ClusterOutcomeSink;
  logger: LoggerService;
  excludeNamespaces: string[];
  timing: WatchTiming;
  debounceMs: number;
  readerLifetimeMs: number;
  /**
   * Clusters whose first lists run at the same time, as a polling pass reads them: a
   * hundred clusters listing every kind at once would hold all their pages in memory.
   */
  concurrency: number;
}

/**
 * The watched clusters of this backend: `reconcile` starts a `ClusterWatch` for each cluster
 * newly listed, stops those no longer listed, restarts one whose connection details changed,
 * and nudges failing ones to retry now. New clusters start `concurrency` at a time, the
 * next when one has its first outcome; `reconcile` waits (up to `waitMs`) for all of them,
 * so a discovery run still ends with every cluster read once.
 */
export class FleetWatch {
  private readonly watches = new Map<
    string,
    { identity: string; watch: ClusterWatch }
  >();

  private firstSyncs = 0;

  constructor(private readonly options: FleetWatchOptions) {}

  get size() {
    return this.watches.size;
  }

  /** Clusters started whose first outcome is not recorded yet. */
  get syncing() {
    return this.firstSyncs;
  }

  /**
   * Starts and stops watches to match `sources`. `retry: false` (a lease check) leaves
   * failing watches to their backoff instead of nudging them.
   */
  async reconcile(
    sources: KubernetesClusterSource[],
    waitMs: number,
    options: { retry: boolean } = { retry: true },
  ): Promise<void> {
    const listed = new Map(sources.map(s => [s.name, s]));
    const stopping: Array<Promise<void>> = [];
    for (const [name, { identity, watch }] of this.watches) {
      const source = listed.get(name);
      if (!source || JSON.stringify(source) !== identity) {
        this.watches.delete(name);
        stopping.push(watch.stop());
      }
    }
    await Promise.all(stopping);
    const started: ClusterWatch[] = [];
    for (const source of sources) {
      const existing = this.watches.get(source.name);
      if (existing) {
        if (options.retry) existing.watch.retryNow();
        continue;
      }
      const watch = new ClusterWatch({
        source,
        createReader: () => this.options.createReader(source),
        sink: this.options.sink,
        logger: this.options.logger,
        excludeNamespaces: this.options.excludeNamespaces,
        timing: this.options.timing,
        debounceMs: this.options.debounceMs,
        readerLifetimeMs: this.options.readerLifetimeMs,
      });
      this.watches.set(source.name, {
        identity: JSON.stringify(source),
        watch,
      });
      started.push(watch);
    }
    this.firstSyncs += started.length;
    const starting = runBounded(started, this.options.concurrency, watch => {
      watch.start();
      return watch.firstOutcomeRecorded.finally(() => this.firstSyncs--);
    });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      starting,
      new Promise(resolve => {
        timer = setTimeout(resolve, waitMs);
      }),
    ]);
    clearTimeout(timer);
  }

  /** Stops watching these clusters: another replica is about to. */
  async release(clusters: readonly string[]) {
    const stopping: Array<Promise<void>> = [];
    for (const name of clusters) {
      const entry = this.watches.get(name);
      if (!entry) continue;
      this.watches.delete(name);
      stopping.push(entry.watch.stop());
    }
    await Promise.all(stopping);
  }

  async stop() {
    const all = [...this.watches.values()];
    this.watches.clear();
    await Promise.all(all.map(({ watch }) => watch.stop()));
  }
}
