import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LoadArgs, LoadFigures, LoadScenario } from './load';
import type { ReloadApiArgs, ReloadApiFigures } from './reloadApi';
import type { ServeApiArgs, ServeApiReady } from './serveApi';
import type { WriteSnapshotArgs } from './writeSnapshot';
import { chartProcessTuning, heapLimitMiB } from '../lib/chartEnvironment';
import { nextMessage, runChild, startChild } from '../lib/child';
import type { MemoryPhase } from '../lib/memoryPhase';
import { appNamespace, serviceName } from '../lib/fleetObjects';
import { round } from '../lib/stats';

export interface ApiBenchOptions {
  clusters: number;
  servicesPerCluster: number;
  sharedBy: number;
  concurrency: number;
  requests: number;
  /** The plugin database: a SQLite file (a deployment's shape, the default) or in memory. */
  database?: 'file' | 'memory';
  /**
   * The server's `--max-old-space-size`; 0 leaves V8 to size it from the machine. Absent,
   * the server runs as the Helm chart runs a replica: its heap limit and allocator settings.
   */
  heapMiB?: number;
  /** A file to write the server's heap snapshot to after the load (DevTools' Memory tab reads it). */
  heapSnapshot?: string;
  execArgv?: string[];
  log: (line: string) => void;
}

export interface ApiFigures {
  services: number;
  clusters: number;
  concurrency: number;
  /** The first discovery pass over the snapshot (read, project, record every cluster). */
  firstPassMs: number;
  /** After it, the plugin building the fleet and its text-search index. */
  buildFleetMs: number;
  /** The longest the server's event loop was held during that first pass and build. */
  firstBuildLongestStallMs: number;
  /** A second discovery pass reading the same content again, all clusters. */
  syncRoundMs: number;
  /** getFleet after that round, and after one more sync that changed one pod of one cluster. */
  rebuildUnchangedMs: number;
  rebuildOneChangedMs: number;
  /** The analysis of the fleet (every shipped check), full and after one cluster changed. */
  analysisFullMs: number;
  analysisOneChangedMs: number;
  analysisLongestStallMs: number;
  findings: number;
  serverRssMiB: number;
  /** The server's memory after each phase (after a full GC), the load last. */
  memory: MemoryPhase[];
  database: 'file' | 'memory';
  heapMiB: number;
  /** The glibc allocator's variables the server ran with (the chart's, unless a heap was given). */
  allocator: Record<string, string>;
  /** A replica restarting on the serving one's database: until it serves the fleet. */
  reload?: ReloadApiFigures;
  endpoints: LoadFigures[];
}

/** Starts the mesh backend in one process, loads it from another, on loopback. */
export async function benchApi(options: ApiBenchOptions): Promise<ApiFigures> {
  const directory = fs.mkdtempSync(
    path.join(os.tmpdir(), 'meshport-bench-snapshot-'),
  );
  const { generateMs } = await runChild<{ generateMs: number }>(
    'api/writeSnapshot.ts',
    {
      directory,
      clusters: options.clusters,
      servicesPerCluster: options.servicesPerCluster,
      podsPerService: 2,
      sharedBy: options.sharedBy,
    } satisfies WriteSnapshotArgs,
  );
  const database = options.database ?? 'file';
  // as deployed, unless the run asks for a heap limit of its own
  const chart = chartProcessTuning(path.resolve(__dirname, '..', '..'));
  const heapMiB = options.heapMiB ?? heapLimitMiB(chart.nodeOptions);
  const allocator = options.heapMiB === undefined ? chart.env : {};
  const serverFlags = [
    '--expose-gc',
    ...(heapMiB > 0 ? [`--max-old-space-size=${heapMiB}`] : []),
    ...(options.execArgv ?? []),
  ];
  const server = startChild(
    'api/serveApi.ts',
    {
      directory,
      database,
      heapSnapshot: options.heapSnapshot,
    } satisfies ServeApiArgs,
    // a full GC before each memory figure, so it is what the server retains
    { execArgv: serverFlags, env: allocator },
  );
  try {
    const ready = await nextMessage<ServeApiReady>(server);
    options.log(
      `api: ${ready.services} services served on port ${
        ready.port
      } (snapshot written in ${round(
        generateMs / 1000,
        1,
      )} s, first discovery pass ${round(
        ready.firstPassMs,
        0,
      )} ms, fleet + search index ${round(ready.buildFleetMs, 0)} ms)`,
    );
    const total = ready.services;
    // a fixed pseudo-random walk over the services, the same on every run
    const pick = (i: number) => (i * 7919 + 13) % total;
    const ids = Array.from({ length: 2000 }, (_, i) => {
      const j = pick(i);
      return `${appNamespace(j % 20)}/${serviceName(j)}`;
    });
    const scenarios: LoadScenario[] = [
      {
        name: 'GET /services (page of 50)',
        paths: ids.map(
          (_, i) =>
            `/api/mesh/services?limit=50&offset=${
              (pick(i) % Math.floor(total / 50)) * 50
            }`,
        ),
      },
      {
        name: 'GET /services?namespace= (filtered page)',
        paths: ids.map(
          (id, i) =>
            `/api/mesh/services?namespace=${id.split('/')[0]}&limit=50&offset=${
              (i % 10) * 50
            }`,
        ),
      },
      {
        name: 'GET /services?q= (text search)',
        paths: ids.map(id => `/api/mesh/services?q=${id.split('/')[1]}`),
      },
      {
        name: 'GET /services/:namespace/:name',
        paths: ids.map(id => `/api/mesh/services/${id}`),
      },
      {
        name: 'GET /findings (page of 100)',
        paths: ids.map((_, i) => `/api/mesh/findings?offset=${(i % 10) * 100}`),
      },
      {
        name: 'GET /findings?service= (one service, traffic checks)',
        paths: ids.map(id => `/api/mesh/findings?service=${id}`),
      },
    ];
    const endpoints = await runChild<LoadFigures[]>('api/load.ts', {
      port: ready.port,
      concurrency: options.concurrency,
      requests: options.requests,
      warmup: Math.min(200, options.requests),
      scenarios,
    } satisfies LoadArgs);
    server.send({ type: 'stats' });
    const stats = await nextMessage<{
      peakRssMiB: number;
      afterLoad: MemoryPhase;
    }>(server);
    // a replica restarting on what the serving one wrote (a file database only), tuned alike
    const reload = ready.databaseDir
      ? await runChild<ReloadApiFigures>(
          'api/reloadApi.ts',
          {
            directory,
            databaseDir: ready.databaseDir,
          } satisfies ReloadApiArgs,
          { execArgv: serverFlags, env: allocator },
        )
      : undefined;
    return {
      services: ready.services,
      clusters: options.clusters,
      concurrency: options.concurrency,
      firstPassMs: round(ready.firstPassMs, 0),
      buildFleetMs: round(ready.buildFleetMs, 0),
      firstBuildLongestStallMs: round(ready.firstBuildLongestStallMs, 0),
      syncRoundMs: round(ready.syncRoundMs, 0),
      rebuildUnchangedMs: round(ready.rebuildUnchangedMs, 0),
      rebuildOneChangedMs: round(ready.rebuildOneChangedMs, 0),
      analysisFullMs: round(ready.analysisFullMs, 0),
      analysisOneChangedMs: round(ready.analysisOneChangedMs, 0),
      analysisLongestStallMs: round(ready.analysisLongestStallMs, 0),
      findings: ready.findings,
      serverRssMiB: round(stats.peakRssMiB, 0),
      memory: [...ready.phases, stats.afterLoad],
      database,
      heapMiB,
      allocator,
      endpoints,
      ...(reload ? { reload } : {}),
    };
  } finally {
    server.send({ type: 'stop' });
  }
}
