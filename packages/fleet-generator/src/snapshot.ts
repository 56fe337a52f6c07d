import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ClusterFiles, list } from './objects';

/**
 * Writes one cluster as `kubectl get <kind> -A -o json` would print its List documents, one
 * file per entry of `files`, into `directory` (emptied first, so a kind no longer generated
 * leaves no stale file). Items are sorted by namespace, kind and name: the output does not
 * depend on the order the builders ran in.
 */
export function writeClusterSnapshot(directory: string, files: ClusterFiles) {
  rmSync(directory, { recursive: true, force: true });
  mkdirSync(directory, { recursive: true });
  for (const [file, items] of Object.entries(files)) {
    if (items.length === 0) continue;
    const sorted = [...items].sort((a, b) =>
      `${a.metadata.namespace ?? ''}/${a.kind}/${
        a.metadata.name
      }`.localeCompare(
        `${b.metadata.namespace ?? ''}/${b.kind}/${b.metadata.name}`,
      ),
    );
    writeFileSync(
      join(directory, `${file}.json`),
      `${JSON.stringify(list(sorted), null, 2)}\n`,
    );
  }
}
