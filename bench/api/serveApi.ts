import fs from 'node:fs';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import type {
  FindingsResponse,
  ServiceListResponse,
} from '@meshport/backstage-plugin-mesh-common';
import { answer, childArgs, peakRssMiB, runChild } from '../lib/child';
import { appNamespace, clusterName } from '../lib/fleetObjects';
import { MemoryPhase, memoryPhase } from '../lib/memoryPhase';
import { startMeshBackend } from '../lib/meshBackend';
import type { UnreadyOnePodArgs } from './unreadyOnePod';

export interface ServeApiArgs {
  /** The snapshot directory (writeSnapshot.ts wrote it); removed when the server stops. */
  directory: string;
  /** Where the plugin database lives: a SQLite file, as a deployment's, or SQLite in memory. */
  database: 'file' | 'memory';
  /** Where to write a V8 heap snapshot after the load (what the server holds then), if anywhere. */
  heapSnapshot?: string;
}

export interface ServeApiReady {
  port: number;
  /** The SQLite directory of a file database: what a restarting replica would load. */
  databaseDir?: string;
  services: number;
  /** The first discovery pass over the snapshot: read, project and record every cluster. */
  firstPassMs: number;
  /** What the plugin does after that pass before reads: build the fleet and its query index. */
  buildFleetMs: number;
  /** The longest the event loop was held during that first pass and build. */
  firstBuildLongestStallMs: number;
  /** A second pass reading the same snapshot again, then the rebuild after it. */
  syncRoundMs: number;
  rebuildUnchangedMs: number;
  /** The same after one pod of one cluster changed on disk: only that cluster is recomputed. */
  rebuildOneChangedMs: number;
  /** The analysis of the whole fleet: from the end of the first pass to `GET /findings` answering. */
  analysisFullMs: number;
  /** The same after the pass in which one cluster changed. */
  analysisOneChangedMs: number;
  /** The longest the event loop was held while an analysis ran: what a request may wait. */
  analysisLongestStallMs: number;
  findings: number;
  /** The process's memory after each phase (after a full GC) and its peak RSS by then. */
  phases: MemoryPhase[];
}

/**
 * The plugin analyses each new fleet in the background once a pass has built it; the first
 * `GET /findings` after the pass waits for that analysis, so its answer marks the analysis done.
 */
async function timeAnalysis(
  backend: Awaited<ReturnType<typeof startMeshBackend>>,
) {
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  const t0 = performance.now();
  const { totalCount } = await backend.get<FindingsResponse>(
    '/findings?limit=1',
  );
  const ms = performance.now() - t0;
  delay.disable();
  return { ms, stallMs: delay.max / 1e6, findings: totalCount };
}

/**
 * The mesh backend plugin serving a generated fleet it discovered from a snapshot directory,
 * the path the demo takes. Auth is the test backend's mock HttpAuth (a mock user token parsed
 * per request), ALLOW-all permissions and an empty mock catalog behind the service checks.
 */
async function main() {
  const { directory, database, heapSnapshot } = childArgs<ServeApiArgs>();
  const phases: MemoryPhase[] = [];
  // beside the snapshot, not in it: every folder of the snapshot directory is a cluster
  const databaseDir = `${directory}-database`;
  const backend = await startMeshBackend({
    backend: {
      database:
        database === 'file'
          ? {
              client: 'better-sqlite3',
              connection: { directory: databaseDir },
            }
          : { client: 'better-sqlite3', connection: ':memory:' },
    },
    mesh: {
      snapshot: { directory },
      discovery: { timeout: { minutes: 10 } },
    },
  });
  phases.push(memoryPhase('backend started'));
  const first = await backend.runDiscovery();
  phases.push(
    memoryPhase('first pass (read, project, record)', first.passPeakRssMiB),
  );
  phases.push(memoryPhase('fleet + search index built'));
  const fullAnalysis = await timeAnalysis(backend);
  phases.push(memoryPhase('analysis done'));
  // the next discovery round: every cluster read again, the same content as new objects
  const again = await backend.runDiscovery();
  phases.push(memoryPhase('second pass and rebuild'));
  await runChild('api/unreadyOnePod.ts', {
    podsFile: path.join(directory, clusterName(0), 'pods.json'),
    namespace: appNamespace(0),
  } satisfies UnreadyOnePodArgs);
  const oneChanged = await backend.runDiscovery();
  const oneChangedAnalysis = await timeAnalysis(backend);
  phases.push(memoryPhase('one changed cluster, its analysis'));
  const { totalCount } = await backend.get<ServiceListResponse>(
    '/services?limit=1',
  );

  process.on('message', async (m: { type: string }) => {
    if (m.type === 'stats') {
      const afterLoad = memoryPhase('after the load');
      if (heapSnapshot) v8.writeHeapSnapshot(heapSnapshot);
      await answer({ peakRssMiB: peakRssMiB(), afterLoad });
    }
    if (m.type === 'stop') {
      await backend.stop();
      fs.rmSync(directory, { recursive: true, force: true });
      fs.rmSync(databaseDir, { recursive: true, force: true });
      // a stopped test backend still holds a timer that keeps Node alive (jest exits regardless)
      process.exit(0);
    }
  });
  const ready: ServeApiReady = {
    port: backend.port,
    ...(database === 'file' ? { databaseDir } : {}),
    services: totalCount,
    firstPassMs: first.passMs,
    buildFleetMs: first.prepareMs,
    firstBuildLongestStallMs: first.longestStallMs,
    syncRoundMs: again.passMs,
    rebuildUnchangedMs: again.prepareMs,
    rebuildOneChangedMs: oneChanged.prepareMs,
    analysisFullMs: fullAnalysis.ms,
    analysisOneChangedMs: oneChangedAnalysis.ms,
    analysisLongestStallMs: Math.max(
      fullAnalysis.stallMs,
      oneChangedAnalysis.stallMs,
    ),
    findings: fullAnalysis.findings,
    phases,
  };
  await answer(ready);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
