import type { DiscoverArgs, DiscoverResult } from './discover';
import type { FloorArgs, FloorResult } from './floor';
import type { ReplicasArgs, ReplicasResult } from './replicas';
import type { WatchArgs, WatchResult } from './watch';
import type { FarmStats } from '../lib/apiServerFarm';
import { nextMessage, runChild, startChild } from '../lib/child';
import { DEFAULT_SHAPE, FleetShape } from '../lib/fleetObjects';
import { median, round } from '../lib/stats';

export interface DiscoveryFigures {
  clusters: number;
  services: number;
  pods: number;
  runs: number;
  floorMs: number;
  discoveryMs: number;
  ratio: number;
  /**
   * CPU of the floor's pass and of the discovery process over its pass and the preparation
   * of reads (medians): unlike wall time, hardly moved by other work on the machine, so it
   * tells a real ratio from a loaded machine's.
   */
  floorCpuMs: number;
  floorPeakRssMiB: number;
  discoveryPeakRssMiB: number;
  discoveryBaselineRssMiB: number;
  /** After the first pass: the plugin building the fleet and its query index. */
  prepareMs: number;
  requests: number;
  /** Requests of one discovery pass, which should equal the floor's (`requests`). */
  discoveryRequests: number;
  megabytes: number;
  failures: number;
  /** CPU of one polling pass (median), in ms: at a 1-minute frequency, this / 600 is % of a core. */
  pollCpuMs: number;
  /** Watch mode, measured at the largest size only. */
  watch?: WatchResult & { rate: number; samples: number };
  /** Two replicas on PostgreSQL in watch mode, at the largest size only. */
  replicas?: ReplicasResult & { leaseMs: number };
}

export interface DiscoveryBenchOptions {
  sizes: number[];
  servicesPerCluster: number;
  podsPerService: number;
  concurrency: number;
  pageSize: number;
  runs: (clusters: number) => number;
  /** Watch mode: changes measured one by one, and seconds of 10 changes/s for the CPU. */
  watchSamples: number;
  watchCpuSeconds: number;
  execArgv?: string[];
  log: (line: string) => void;
}

/**
 * Per size: a warm-up floor pass (fills the farm's response cache), then floor and discovery
 * alternately, each in a fresh process so its peak RSS is its own; medians are compared.
 */
export async function benchDiscovery(
  options: DiscoveryBenchOptions,
): Promise<DiscoveryFigures[]> {
  const shape: FleetShape = {
    ...DEFAULT_SHAPE,
    clusters: Math.max(...options.sizes),
    servicesPerCluster: options.servicesPerCluster,
    podsPerService: options.podsPerService,
  };
  const farm = startChild('discovery/serveFarm.ts', { shape });
  const { port } = await nextMessage<{ port: number }>(farm);
  const farmRequests = async () => {
    farm.send({ type: 'stats' });
    return (await nextMessage<FarmStats>(farm)).requests;
  };
  const out: DiscoveryFigures[] = [];
  try {
    for (const clusters of options.sizes) {
      const common = {
        port,
        clusters,
        concurrency: options.concurrency,
        pageSize: options.pageSize,
      };
      options.log(`discovery ${clusters} clusters: warming the farm`);
      await runChild<FloorResult>(
        'discovery/floor.ts',
        common satisfies FloorArgs,
      );
      const floors: FloorResult[] = [];
      const discoveries: DiscoverResult[] = [];
      const runs = options.runs(clusters);
      let discoveryRequests = 0;
      for (let i = 0; i < runs; i++) {
        // alternate the order so drift in the machine's load hits both sides alike
        const floorRun = () =>
          runChild<FloorResult>('discovery/floor.ts', common, {
            execArgv: options.execArgv,
          });
        const discoveryRun = async () => {
          const before = await farmRequests();
          const result = await runChild<DiscoverResult>(
            'discovery/discover.ts',
            common satisfies DiscoverArgs,
            { execArgv: options.execArgv },
          );
          discoveryRequests = (await farmRequests()) - before;
          return result;
        };
        if (i % 2 === 0) {
          floors.push(await floorRun());
          discoveries.push(await discoveryRun());
        } else {
          discoveries.push(await discoveryRun());
          floors.push(await floorRun());
        }
        const f = floors[floors.length - 1];
        const d = discoveries[discoveries.length - 1];
        options.log(
          `  run ${i + 1}/${runs}: floor ${round(f.wallMs, 0)} ms (CPU ${round(
            f.cpuMs,
            0,
          )} ms), discovery ${round(d.wallMs, 0)} ms (CPU ${round(
            d.cpuMs,
            0,
          )} ms with the fleet's build), rss ${round(
            d.peakRssMiB,
            0,
          )} MiB, fleet + index ${round(d.prepareMs, 0)} ms`,
        );
      }
      const first = discoveries[0];
      const floorMs = median(floors.map(f => f.wallMs));
      const discoveryMs = median(discoveries.map(d => d.wallMs));
      out.push({
        clusters,
        services: first.services,
        pods: floors[0].pods,
        runs,
        floorMs: round(floorMs, 0),
        discoveryMs: round(discoveryMs, 0),
        ratio: round(discoveryMs / floorMs, 2),
        floorCpuMs: round(median(floors.map(f => f.cpuMs)), 0),
        floorPeakRssMiB: round(Math.max(...floors.map(f => f.peakRssMiB)), 0),
        discoveryPeakRssMiB: round(
          Math.max(...discoveries.map(d => d.peakRssMiB)),
          0,
        ),
        discoveryBaselineRssMiB: round(first.baselineRssMiB, 0),
        prepareMs: round(first.prepareMs, 0),
        requests: floors[0].requests,
        discoveryRequests,
        megabytes: round(floors[0].bytes / 1e6, 0),
        failures: Math.max(...discoveries.map(d => d.failures.length)),
        pollCpuMs: round(median(discoveries.map(d => d.cpuMs)), 0),
      });
      if (clusters === Math.max(...options.sizes)) {
        const watchArgs: WatchArgs = {
          port,
          clusters,
          pageSize: options.pageSize,
          samples: options.watchSamples,
          rate: 10,
          cpuSeconds: options.watchCpuSeconds,
        };
        options.log(
          `discovery ${clusters} clusters, watch mode: initial sync, ${watchArgs.samples} changes one by one, then ${watchArgs.rate} changes/s for ${watchArgs.cpuSeconds} s`,
        );
        const watch = await runChild<WatchResult>(
          'discovery/watch.ts',
          watchArgs,
          { execArgv: options.execArgv },
        );
        out[out.length - 1].watch = {
          ...watch,
          rate: watchArgs.rate,
          samples: watchArgs.samples,
        };
        // logged now: a later failure (the replicas') must not lose these figures
        options.log(
          `  watch: initial sync ${round(
            watch.initialSyncMs,
            0,
          )} ms, change-to-visible p50 / p99 ${round(
            watch.latencyP50Ms,
            0,
          )} / ${round(watch.latencyP99Ms, 0)} ms, longest stall ${round(
            watch.longestStallMs,
            0,
          )} ms, CPU ${round(watch.cpuPercentOfOneCore, 1)} % of a core`,
        );
        for (const f of watch.failures.slice(0, 3))
          options.log(`  WATCH FAILED ${f}`);
        const replicasArgs: ReplicasArgs = {
          port,
          clusters,
          pageSize: options.pageSize,
          leaseMs: 6000,
        };
        options.log(
          `discovery ${clusters} clusters, two replicas on PostgreSQL (watch mode, ${replicasArgs.leaseMs} ms leases): split, clean stop, crash`,
        );
        out[out.length - 1].replicas = {
          ...(await runChild<ReplicasResult>(
            'discovery/replicas.ts',
            replicasArgs,
            { execArgv: options.execArgv },
          )),
          leaseMs: replicasArgs.leaseMs,
        };
      }
      if (discoveryRequests !== floors[0].requests)
        options.log(
          `  WARNING: a discovery pass made ${discoveryRequests} requests, the floor ${floors[0].requests}: the lists in discovery/floor.ts no longer match what the plugin reads`,
        );
      for (const d of discoveries)
        for (const f of d.failures.slice(0, 3)) options.log(`  FAILED ${f}`);
    }
  } finally {
    farm.send({ type: 'stop' });
  }
  return out;
}
