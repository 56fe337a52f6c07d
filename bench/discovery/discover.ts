import type {
  ClusterListResponse,
  ServiceListResponse,
} from '@meshport/backstage-plugin-mesh-common';
import { answer, childArgs } from '../lib/child';
import { farmClusterLocator } from '../lib/apiServerFarm';
import { startMeshBackend } from '../lib/meshBackend';

export interface DiscoverArgs {
  port: number;
  clusters: number;
  concurrency: number;
  pageSize: number;
}

export interface DiscoverResult {
  /** One discovery pass: every cluster read, projected and recorded by the plugin's store. */
  wallMs: number;
  peakRssMiB: number;
  /** The backend's RSS once started, before the pass. */
  baselineRssMiB: number;
  failures: string[];
  /** Services the fleet API serves after the pass. */
  services: number;
  /** What the plugin does after the pass before reads: build the fleet and its query index. */
  prepareMs: number;
  /** CPU time of the process over the pass and the preparation of reads. */
  cpuMs: number;
}

/**
 * One discovery pass of the real mesh backend plugin over the farm: its config names every
 * farm cluster in `kubernetes.clusterLocatorMethods` as a user would, and the pass is the
 * plugin's scheduled task, triggered once.
 */
async function main() {
  const args = childArgs<DiscoverArgs>();
  const backend = await startMeshBackend({
    kubernetes: farmClusterLocator(args.clusters, args.port),
    mesh: {
      discovery: {
        // a full pass, as every poll makes it: watch mode is measured by discovery/watch.ts
        mode: 'poll',
        timeout: { minutes: 10 },
        concurrency: args.concurrency,
        pageSize: args.pageSize,
        maxObjectsPerKind: 50_000,
      },
    },
  });
  try {
    const baselineRssMiB = process.memoryUsage().rss / 2 ** 20;
    const cpuBefore = process.cpuUsage();
    const pass = await backend.runDiscovery();
    const cpu = process.cpuUsage(cpuBefore);
    const { items: clusters } = await backend.get<ClusterListResponse>(
      '/clusters',
    );
    const { totalCount } = await backend.get<ServiceListResponse>(
      '/services?limit=1',
    );
    const result: DiscoverResult = {
      wallMs: pass.passMs,
      peakRssMiB: pass.passPeakRssMiB,
      baselineRssMiB,
      failures: clusters
        .filter(c => c.sync.state !== 'ok')
        .map(
          c =>
            `${c.name}: ${c.sync.error?.reason ?? c.sync.state} ${
              c.sync.error?.message ?? ''
            }`,
        ),
      services: totalCount,
      prepareMs: pass.prepareMs,
      cpuMs: (cpu.user + cpu.system) / 1000,
    };
    await answer(result);
  } finally {
    await backend.stop();
  }
}

main().then(
  // a stopped test backend still holds a timer that keeps Node alive (jest exits regardless)
  () => process.exit(0),
  error => {
    console.error(error);
    process.exit(1);
  },
);
