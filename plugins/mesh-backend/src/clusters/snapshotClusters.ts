import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import fs from 'node:fs';
import path from 'node:path';
import type { SnapshotClusterSource } from './ClusterSource';
import { clusterNameProblem } from './clusterNameProblem';

/** Each sub-directory of `mesh.snapshot.directory` is one cluster, named after it. */
export function readSnapshotClusters(
  config: Config,
  logger: LoggerService,
): SnapshotClusterSource[] {
  const directory = config.getOptionalString('mesh.snapshot.directory');
  if (!directory) return [];
  const root = path.resolve(directory);
  if (!fs.existsSync(root)) {
    throw new Error(
      `mesh.snapshot.directory ${root} does not exist; it is resolved from the backend's working directory`,
    );
  }
  return fs
    .readdirSync(root, { withFileTypes: true })
    .filter(entry => entry.isDirectory())
    .filter(entry => {
      const problem = clusterNameProblem(
        entry.name,
        `a directory of mesh.snapshot.directory ${root}`,
      );
      if (problem) logger.error(problem);
      return !problem;
    })
    .map(entry => ({
      type: 'snapshot' as const,
      name: entry.name,
      directory: path.join(root, entry.name),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}
