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
    .flatMap(f => listItems(path.join(directory, f)));
}

function listItems(file: string): KubeObject[] {
  let list: unknown;
  try {
    list = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(
      `${file} is not JSON (${
        (error as Error).message
      }); a snapshot file holds one Kubernetes list, as kubectl get -o json writes it`,
    );
  }
  const items = (list as { items?: unknown })?.items;
  if (!Array.isArray(items)) {
    throw new Error(
      `${file} has no "items" array; a snapshot file holds one Kubernetes list, as kubectl get -o json writes it`,
    );
  }
  return items;
}
