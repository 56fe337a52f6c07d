import http from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { ClusterListResponse } from '@meshport/backstage-plugin-mesh-common';
import { answer, childArgs } from '../lib/child';
import { farmClusterLocator } from '../lib/apiServerFarm';
import { clusterName } from '../lib/fleetObjects';
import { startMeshBackend } from '../lib/meshBackend';
import { percentile } from '../lib/stats';

export interface WatchArgs {
  port: number;
  clusters: number;
  pageSize: number;
  /** Changes whose latency is measured, one at a time. */
  samples: number;
  /** Pod changes per second while the CPU is measured. */
  rate: number;
  cpuSeconds: number;
}

export interface WatchResult {
  /** The discovery run that starts every watch: each cluster listed once and recorded. */
  initialSyncMs: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  /** Of the discovering (and serving) process, over `cpuSeconds` at `rate` changes per second. */
  cpuPercentOfOneCore: number;
  /**
   * The longest the event loop was held during the one-at-a-time changes: a change waits
   * behind whatever holds it (a fleet build, an analysis, a write), so this bounds the p99.
   */
  longestStallMs: number;
  failures: string[];
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/**
 * The real mesh backend plugin in watch mode over the farm: one discovery run (the initial
 * sync), then pod changes made by the farm. A change is visible when `/api/mesh/clusters`
 * shows the cluster's new `lastSuccessAt`, i.e. the fleet served was rebuilt with it.
 */
async function main() {
  const args = childArgs<WatchArgs>();
  const names = Array.from({ length: args.clusters }, (_, i) => clusterName(i));
  const backend = await startMeshBackend({
    kubernetes: farmClusterLocator(args.clusters, args.port),
    mesh: {
      discovery: {
        mode: 'watch',
        timeout: { minutes: 10 },
        pageSize: args.pageSize,
        maxObjectsPerKind: 50_000,
      },
    },
  });
  const change = (cluster: string, n: number) =>
    new Promise<void>((resolve, reject) => {
      http
        .request(
          {
            host: '127.0.0.1',
            port: args.port,
            method: 'POST',
            path: `/control/change-pod?${new URLSearchParams({
              cluster,
              n: String(n),
            })}`,
          },
          res => {
            res.resume();
            res.on('end', resolve);
          },
        )
        .on('error', reject)
        .end();
    });
  const lastSuccess = async () =>
    new Map(
      (await backend.get<ClusterListResponse>('/clusters')).items.map(c => [
        c.name,
        c.sync.lastSuccessAt,
      ]),
    );
  try {
    const pass = await backend.runDiscovery();
    const { items } = await backend.get<ClusterListResponse>('/clusters');
    const failures = items
      .filter(c => c.sync.state !== 'ok')
      .map(c => `${c.name}: ${c.sync.error?.reason ?? c.sync.state}`);

    const latencies: number[] = [];
    const stalls = monitorEventLoopDelay({ resolution: 10 });
    stalls.enable();
    for (let i = 0; i < args.samples; i++) {
      const cluster = names[(i * 7) % names.length];
      const before = (await lastSuccess()).get(cluster);
      // lastSuccessAt has millisecond resolution: never two flushes within one
      await sleep(5);
      const started = performance.now();
      await change(cluster, i);
      for (;;) {
        const asked = performance.now();
        if ((await lastSuccess()).get(cluster) !== before) break;
        if (performance.now() - started > 30_000)
          throw new Error(
            `a pod change in ${cluster} was not visible after 30 s; is the farm streaming pod watches?`,
          );
        // At 100 clusters a /clusters answer (every service checked for access, the list
        // serialised here and parsed) was most of this process's CPU during the changes in a
        // profile: asked back to back, the probe holds the loop the change waits for. At most
        // half the time goes to asking.
        await sleep(Math.max(5, performance.now() - asked));
      }
      latencies.push(performance.now() - started);
    }
    stalls.disable();

    await sleep(1000);
    const cpuBefore = process.cpuUsage();
    const wallBefore = performance.now();
    const every = 1000 / args.rate;
    for (let i = 0; i < args.rate * args.cpuSeconds; i++) {
      const due = wallBefore + i * every;
      await sleep(Math.max(0, due - performance.now()));
      await change(names[(i * 13) % names.length], i);
    }
    // the last changes' flushes belong to the measurement
    await sleep(1000);
    const cpu = process.cpuUsage(cpuBefore);
    const wall = performance.now() - wallBefore;
    const result: WatchResult = {
      initialSyncMs: pass.passMs,
      latencyP50Ms: percentile(latencies, 50),
      latencyP99Ms: percentile(latencies, 99),
      cpuPercentOfOneCore: ((cpu.user + cpu.system) / 1000 / wall) * 100,
      // nanoseconds; the histogram counts the timer's own resolution in every sample
      longestStallMs: stalls.max / 1e6,
      failures,
    };
    await answer(result);
  } finally {
    await backend.stop();
  }
}

main().then(
  () => process.exit(0),
  error => {
    console.error(error);
    process.exit(1);
  },
);
