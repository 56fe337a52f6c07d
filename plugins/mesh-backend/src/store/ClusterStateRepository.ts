import type { ClusterSyncStatus } from '@meshport/backstage-plugin-mesh-common';
import type { ClusterInventory } from '../aggregation/inventory';

export interface StoredClusterState {
  cluster: string;
  sync: ClusterSyncStatus;
  inventory?: ClusterInventory;
  /**
   * `inventoryDigest` of the inventory's stored JSON, when the repository reads that JSON
   * anyway: the store need not serialise the inventory again to find it.
   */
  inventoryDigest?: string;
}

/** Persists each cluster's last-known-good inventory and sync status. */
export interface ClusterStateRepository {
  loadAll(): Promise<StoredClusterState[]>;
  /** A value that changes whenever any cluster's state is written. */
  revision(): Promise<string>;
  /**
   * Records a successful sync. `serialized` is `JSON.stringify(inventory)` when the caller
   * already has it (the store digests it), so a large inventory is serialised once.
   */
  saveSuccess(
    cluster: string,
    inventory: ClusterInventory,
    sync: ClusterSyncStatus,
    serialized?: string,
  ): Promise<void>;
  /** Records a failed attempt; the stored inventory is left as it was. */
  saveSync(cluster: string, sync: ClusterSyncStatus): Promise<void>;
  /** Forgets clusters no longer configured. */
  retainOnly(clusters: string[]): Promise<void>;
}
