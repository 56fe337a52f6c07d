import type {
  ClusterStateRepository,
  KeyedDerivation,
  StoredClusterState,
} from '../store/ClusterStateRepository';
import { inventoryDigest } from '../store/inventoryDigest';
import { applyInventoryChange } from '../store/inventoryChange';
import { applyDerivationChange } from '../store/storedDerivation';

/** As the database gives it back: every object a new one. */
const reread = <T>(value: T): T => JSON.parse(JSON.stringify(value));

type Row = Omit<StoredClusterState, 'derivation'> & {
  derivation?: KeyedDerivation;
};

/** A repository in memory, for tests that are not about persistence. */
export function memoryRepository(): ClusterStateRepository {
  const rows = new Map<string, Row>();
  let writes = 0;
  // digested as the database's repository does it, from the JSON it reads; with the key
  // its derivation was stored under, the derivation instead of the inventory
  const loaded = (
    { derivation, ...row }: Row,
    derivationKey?: string,
  ): StoredClusterState => {
    if (!row.inventory) return row;
    const digest = inventoryDigest(JSON.stringify(row.inventory));
    if (derivation && derivation.key === derivationKey) {
      const { inventory: _, ...rest } = row;
      return {
        ...rest,
        derivation: reread(derivation.record),
        inventoryDigest: digest,
      };
    }
    return { ...row, inventoryDigest: digest };
  };
  return {
    async versions() {
      return new Map([...rows].map(([name, row]) => [name, row.updatedAt!]));
    },
    async load(clusters, { derivationKey } = {}) {
      return clusters.flatMap(name => {
        const row = rows.get(name);
        return row ? [loaded(row, derivationKey)] : [];
      });
    },
    async saveSuccess(cluster, inventory, sync, { derivation } = {}) {
      rows.set(cluster, {
        cluster,
        inventory,
        sync,
        updatedAt: ++writes,
        ...(derivation ? { derivation: reread(derivation) } : {}),
      });
    },
    // a change applies to the stored inventory, as the database's does (read back as JSON)
    async saveChange(cluster, change, sync, derivationChange) {
      const row = rows.get(cluster);
      if (!row?.inventory) return false;
      rows.set(cluster, {
        cluster,
        sync,
        inventory: applyInventoryChange(row.inventory, reread(change)),
        updatedAt: ++writes,
        ...(row.derivation && derivationChange
          ? {
              derivation: {
                key: row.derivation.key,
                record: applyDerivationChange(
                  row.derivation.record,
                  reread(derivationChange),
                ),
              },
            }
          : {}),
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
