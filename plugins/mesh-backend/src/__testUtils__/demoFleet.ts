import { DEFAULT_EXCLUDED_NAMESPACES } from '@meshport/backstage-plugin-mesh-common';
import { snapshotObjects } from '@meshport/fake-kubernetes';
import path from 'node:path';
import type { ClusterInput } from '../aggregation/inventory';
import { readClusterInventory } from '../discovery/readClusterInventory';
import { SnapshotReader } from '../readers/SnapshotReader';

/** The committed demo fleet, shared by tests that need realistic clusters. */
export const DEMO_FLEET_DIR = path.resolve(
  __dirname,
  '../../../../examples/demo-fleet',
);

export const DEMO_CLUSTERS = [
  'cluster-1',
  'cluster-2',
  'cluster-3',
  'cluster-4',
];

export const AGGREGATION = {
  excludeNamespaces: DEFAULT_EXCLUDED_NAMESPACES,
  subsetLabels: ['version'],
  ownerLabel: 'meshport.dev/owner',
};

/** Reads the demo snapshot of every cluster into aggregation inputs, all synced at `at`. */
export async function demoClusterInputs(at: string): Promise<ClusterInput[]> {
  return Promise.all(
    DEMO_CLUSTERS.map(async name => ({
      name,
      source: 'snapshot' as const,
      sync: { state: 'ok' as const, lastSuccessAt: at, lastAttemptAt: at },
      inventory: await readClusterInventory(
        new SnapshotReader({
          type: 'snapshot',
          name,
          directory: path.join(DEMO_FLEET_DIR, name),
        }),
        {
          signal: new AbortController().signal,
          excludeNamespaces: DEFAULT_EXCLUDED_NAMESPACES,
        },
      ),
    })),
  );
}

/** Every object of one demo cluster, as its API server would hold them. */
export function demoObjects(cluster: string) {
  return snapshotObjects(path.join(DEMO_FLEET_DIR, cluster));
}
