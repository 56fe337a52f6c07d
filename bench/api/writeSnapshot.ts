import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { writeClusterSnapshot } from '@meshport/fleet-generator';
import { answer, childArgs } from '../lib/child';
import {
  clusterFiles,
  clusterName,
  DEFAULT_SHAPE,
  FleetShape,
} from '../lib/fleetObjects';

export interface WriteSnapshotArgs {
  directory: string;
  clusters: number;
  servicesPerCluster: number;
  podsPerService: number;
  sharedBy: number;
}

/**
 * Writes the API bench's fleet as a snapshot directory with the demo's own writer, in a process
 * of its own: generating 20 clusters' objects takes memory the server under test must not be
 * charged for (its peak RSS is a figure of the bench).
 */
async function main() {
  const args = childArgs<WriteSnapshotArgs>();
  const shape: FleetShape = { ...DEFAULT_SHAPE, ...args };
  const t0 = performance.now();
  for (let c = 0; c < args.clusters; c++)
    writeClusterSnapshot(
      path.join(args.directory, clusterName(c)),
      clusterFiles(c, shape),
    );
  await answer({ generateMs: performance.now() - t0 });
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
