import fs from 'node:fs';
import path from 'node:path';
import type { KubeObject } from './KubeObject';

/**
 * Every object of one cluster's snapshot directory (one `<kind>.json` list per kind, as
 * `examples/demo-fleet/<cluster>` holds them), to serve from a fake API server.
 */
export function snapshotObjects(directory: string): KubeObject[] {
  return fs
    .readdirSync(directory)
    .filter(f => f.endsWith('.json'))
    .flatMap(
      f => JSON.parse(fs.readFileSync(path.join(directory, f), 'utf8')).items,
    );
}
