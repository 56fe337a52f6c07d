import type { ClusterSyncStatus } from '@meshport/backstage-plugin-mesh-common';
import type { ClusterInventory } from '../aggregation/inventory';
import type { InventoryChange } from './inventoryChange';

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
  /**
   * Records a watched cluster's change since the inventory this repository last wrote of
   * it (whole, or with changes since): at 10 pod changes a second over 100 clusters,
   * rewriting each changed cluster's inventory whole was most of a watching replica's CPU
   * and megabytes a second of database writes. False, writing nothing, when the stored
   * inventory is not that one (never written here, or written since by another replica, or
   * deleted): the caller then writes the inventory whole.
   */
  saveChange(
    cluster: string,
    change: InventoryChange,
    sync: ClusterSyncStatus,
  ): Promise<boolean>;
  /** Records a failed attempt; the stored inventory is left as it was. */
  saveSync(cluster: string, sync: ClusterSyncStatus): Promise<void>;
  /** Forgets clusters no longer configured. */
  retainOnly(clusters: string[]): Promise<void>;
}
