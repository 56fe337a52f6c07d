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
  /** The row's version: it changes with every write of the cluster, whoever writes it. */
  updatedAt?: number;
}

/** Persists each cluster's last-known-good inventory and sync status. */
export interface ClusterStateRepository {
  /**
   * Each stored cluster's `updatedAt`, without its state: what a replica compares with
   * what it holds to find the clusters other replicas wrote or deleted.
   */
  versions(): Promise<Map<string, number>>;
  /** The stored state of these clusters (those still stored). */
  load(clusters: readonly string[]): Promise<StoredClusterState[]>;
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
