import { performance } from 'node:perf_hooks';
import type { ServiceListResponse } from '@meshport/backstage-plugin-mesh-common';
import { answer, childArgs, peakRssMiB } from '../lib/child';
import { MemoryPhase, memoryPhase } from '../lib/memoryPhase';
import { startMeshBackend } from '../lib/meshBackend';

export interface ReloadApiArgs {
  /** The snapshot directory the serving replica discovered (configured, never read here). */
  directory: string;
  /** The serving replica's SQLite directory: what this replica loads. */
  databaseDir: string;
}

export interface ReloadApiFigures {
  /** From this process's start of the backend until it is up (the store loaded). */
  startMs: number;
  /** From the same start until `GET /services` answers with the whole fleet. */
  firstReadMs: number;
  services: number;
  peakRssMiB: number;
  afterFirstRead: MemoryPhase;
}

/**
 * A replica starting on the database the serving replica wrote, as a restarted pod or a
 * second replica does: no discovery runs here (the mock scheduler runs no task), so what
 * it serves first is what it loaded.
 */
async function main() {
  const { directory, databaseDir } = childArgs<ReloadApiArgs>();
  const t0 = performance.now();
  const backend = await startMeshBackend({
    backend: {
      database: {
        client: 'better-sqlite3',
        connection: { directory: databaseDir },
      },
    },
    mesh: {
      snapshot: { directory },
      discovery: { timeout: { minutes: 10 } },
    },
  });
  const startMs = performance.now() - t0;
  const { totalCount } = await backend.get<ServiceListResponse>(
    '/services?limit=1',
  );
  const firstReadMs = performance.now() - t0;
  const afterFirstRead = memoryPhase('restarted replica, first read');
  await answer({
    startMs,
    firstReadMs,
    services: totalCount,
    peakRssMiB: peakRssMiB(),
    afterFirstRead,
  } satisfies ReloadApiFigures);
  await backend.stop();
  process.exit(0);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
