import type { ClusterSyncStatus } from '@meshport/backstage-plugin-mesh-common';
import type { ClusterInventory } from '../aggregation/inventory';
import type { InventoryChange } from './inventoryChange';
import type { DerivationChange, DerivationRecord } from './storedDerivation';

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
  /**
   * What the fleet derived from the stored inventory, when the load asked for this key and
   * the whole of it is stored: the inventory is then not read (absent), only digested.
   */
  derivation?: DerivationRecord;
}

/** A derivation to store beside the inventory it was derived from (see `derivationKey`). */
export interface KeyedDerivation {
  key: string;
  record: DerivationRecord;
}

/** Persists each cluster's last-known-good inventory and sync status. */
export interface ClusterStateRepository {
  /**
   * Each stored cluster's `updatedAt`, without its state: what a replica compares with
   * what it holds to find the clusters other replicas wrote or deleted.
   */
  versions(): Promise<Map<string, number>>;
  /**
   * The stored state of these clusters (those still stored). With `derivationKey`, a
   * cluster whose derivation is stored under that key comes with it instead of its
   * inventory.
   */
  load(
    clusters: readonly string[],
    options?: { derivationKey?: string },
  ): Promise<StoredClusterState[]>;
  /**
   * Records a successful sync. `serialized` is `JSON.stringify(inventory)` and `digest`
   * its `inventoryDigest` when the caller already has them (the store digests a sync), so
   * a large inventory is serialised and hashed once; `derivation` is what the fleet derived
   * from it, stored beside it.
   */
  saveSuccess(
    cluster: string,
    inventory: ClusterInventory,
    sync: ClusterSyncStatus,
    stored?: {
      serialized?: string;
      digest?: string;
      derivation?: KeyedDerivation;
    },
  ): Promise<void>;
  /**
   * Records a watched cluster's change since the inventory this repository last wrote of
   * it (whole, or with changes since): at 10 pod changes a second over 100 clusters,
   * rewriting each changed cluster's inventory whole was most of a watching replica's CPU
   * and megabytes a second of database writes. False, writing nothing, when the stored
   * inventory is not that one (never written here, or written since by another replica, or
   * deleted): the caller then writes the inventory whole. `derivation` is the change of
   * the stored derivation with it; without one, the stored derivation is void until the
   * next whole write.
   */
  saveChange(
    cluster: string,
    change: InventoryChange,
    sync: ClusterSyncStatus,
    derivation?: DerivationChange,
  ): Promise<boolean>;
  /** Records a failed attempt; the stored inventory is left as it was. */
  saveSync(cluster: string, sync: ClusterSyncStatus): Promise<void>;
  /** Forgets clusters no longer configured. */
  retainOnly(clusters: string[]): Promise<void>;
}
