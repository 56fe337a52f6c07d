import type {
  ClusterStateRepository,
  StoredClusterState,
} from '../store/ClusterStateRepository';
import { inventoryDigest } from '../store/inventoryDigest';
import { applyInventoryChange } from '../store/inventoryChange';

/** A repository in memory, for tests that are not about persistence. */
export function memoryRepository(): ClusterStateRepository {
  const rows = new Map<string, StoredClusterState>();
  let writes = 0;
  // digested as the database's repository does it, from the JSON it reads
  const digested = (row: StoredClusterState): StoredClusterState =>
    row.inventory
      ? {
          ...row,
          inventoryDigest: inventoryDigest(JSON.stringify(row.inventory)),
        }
      : row;
  return {
    async versions() {
      return new Map([...rows].map(([name, row]) => [name, row.updatedAt!]));
    },
    async load(clusters) {
      return clusters.flatMap(name => {
        const row = rows.get(name);
        return row ? [digested(row)] : [];
      });
    },
    async saveSuccess(cluster, inventory, sync) {
      rows.set(cluster, { cluster, inventory, sync, updatedAt: ++writes });
    },
    // a change applies to the stored inventory, as the database's does (read back as JSON)
    async saveChange(cluster, change, sync) {
      const row = rows.get(cluster);
      if (!row?.inventory) return false;
      rows.set(cluster, {
        cluster,
        sync,
        inventory: applyInventoryChange(
          row.inventory,
          JSON.parse(JSON.stringify(change)),
        ),
        updatedAt: ++writes,
      });
      return true;
    },
    async saveSync(cluster, sync) {
      rows.set(cluster, {
        ...rows.get(cluster),
        cluster,
        sync,
        updatedAt: ++writes,
      });
    },
    async retainOnly(clusters) {
      for (const name of rows.keys())
        if (!clusters.includes(name)) rows.delete(name);
    },
  };
}
