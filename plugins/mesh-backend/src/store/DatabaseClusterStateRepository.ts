import { randomUUID } from 'node:crypto';
import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import type { ClusterSyncStatus } from '@meshport/backstage-plugin-mesh-common';
import type { ClusterInventory } from '../aggregation/inventory';
import { inventoryDigest } from './inventoryDigest';
import { applyInventoryChange, InventoryChange } from './inventoryChange';
import type {
  ClusterStateRepository,
  KeyedDerivation,
  StoredClusterState,
} from './ClusterStateRepository';
import {
  applyDerivationChange,
  type DerivationChange,
  type DerivationRecord,
} from './storedDerivation';

type Knex = Awaited<ReturnType<DatabaseService['getClient']>>;

const TABLE = 'mesh_cluster_state';
/** A watched cluster's changes since its inventory was written whole (see saveChange). */
const CHANGES = 'mesh_cluster_change';

interface Row {
  cluster: string;
  sync: string;
  inventory: string | null;
  updated_at: number | string;
  writer?: string | null;
  derivation?: string | null;
  derivation_key?: string | null;
  inventory_digest?: string | null;
}

/** A row as a load reads it first: without the inventory's text, which it may not need. */
type LoadedRow = Omit<Row, 'inventory'> & {
  has_inventory: boolean | number;
  inventory?: string | null;
};

interface ChangeRow {
  cluster: string;
  change: string;
  derivation_change?: string | null;
}

/**
 * The digest of a stored state: its inventory's when written whole (stored with it, or
 * found from its text), then chained with each change since, in order. The same rows, the
 * same digest on every replica; a state without changes has the digest the store gives
 * that inventory's JSON.
 */
function storedDigest(base: string, changes: ChangeRow[]): string {
  return changes.length === 0
    ? base
    : inventoryDigest([base, ...changes.map(c => c.change)].join('\n'));
}

/**
 * Whether a load may serve this row from its derivation alone: stored under the key asked
 * for, with the inventory's digest (so the inventory's text need not be read).
 */
function servedByDerivation(row: LoadedRow, derivationKey?: string): boolean {
  return (
    derivationKey !== undefined &&
    row.derivation_key === derivationKey &&
    !!row.inventory_digest &&
    !!row.derivation
  );
}

/**
 * A stored state: the inventory written whole with its changes since applied in order, and
 * its digest (`storedDigest`). With the key its derivation was stored under, the derivation
 * (with its changes) instead of the inventory, when the whole chain of it is stored. A
 * cluster whose stored inventory cannot be read (malformed JSON, a change that does not fit)
 * loads without one, saying why, and waits for its next sync: the other clusters load.
 */
function parseRow(
  row: LoadedRow,
  changes: ChangeRow[] = [],
  derivationKey?: string,
): StoredClusterState | undefined {
  const sync = JSON.parse(row.sync) as ClusterSyncStatus;
  const state: StoredClusterState = {
    cluster: row.cluster,
    sync,
    updatedAt: Number(row.updated_at),
  };
  if (!row.has_inventory) return state;
  if (servedByDerivation(row, derivationKey)) {
    const derivation = parseDerivation(row.derivation, changes);
    if (derivation)
      return {
        ...state,
        derivation,
        inventoryDigest: storedDigest(row.inventory_digest!, changes),
      };
  }
  // the inventory is needed: read it (the caller selects it for the rows that lack it)
  if (row.inventory === undefined) return undefined;
  if (!row.inventory) return state;
  try {
    let inventory = JSON.parse(row.inventory) as ClusterInventory;
    for (const { change } of changes)
      inventory = applyInventoryChange(
        inventory,
        JSON.parse(change) as InventoryChange,
      );
    return {
      ...state,
      inventory,
      inventoryDigest: storedDigest(
        row.inventory_digest || inventoryDigest(row.inventory),
        changes,
      ),
    };
  } catch (error) {
    return {
      ...state,
      sync: {
        state: 'never-synced',
        ...(sync.lastAttemptAt ? { lastAttemptAt: sync.lastAttemptAt } : {}),
        error: {
          reason: 'malformed-response',
          message: `the stored inventory of the cluster could not be read (${
            (error as Error).message
          }); it waits for the next sync`,
        },
      },
    };
  }
}

/**
 * The stored derivation with its changes applied, or undefined when part of it is missing
 * (a change written without one) or unreadable: the inventory is derived instead.
 */
function parseDerivation(
  text: string | null | undefined,
  changes: ChangeRow[],
): DerivationRecord | undefined {
  if (!text || changes.some(c => !c.derivation_change)) return undefined;
  try {
    let record = JSON.parse(text) as DerivationRecord;
    for (const { derivation_change } of changes)
      record = applyDerivationChange(
        record,
        JSON.parse(derivation_change!) as DerivationChange,
      );
    return record;
  } catch {
    return undefined;
  }
}

/** The plugin database (SQLite or PostgreSQL) behind `coreServices.database`. */
export class DatabaseClusterStateRepository implements ClusterStateRepository {
  private lastWrite = 0;
  /** The version this repository last wrote of each cluster: what a change applies to. */
  private readonly written = new Map<string, number>();
  /**
   * Marks this repository's writes: two replicas may write a cluster in the same
   * millisecond (a lease changing hands), so a version alone does not say whose write it is.
   */
  private readonly writer = randomUUID();

  private constructor(private readonly knex: Knex) {}

  static async create(
    database: DatabaseService,
  ): Promise<DatabaseClusterStateRepository> {
    const knex = await database.getClient();
    if (!database.migrations?.skip) {
      // replicas starting together: see serializeStartup, which plugin.ts wraps this in
      await knex.migrate.latest({
        directory: resolvePackagePath(
          '@meshport/backstage-plugin-mesh-backend',
          'migrations',
        ),
      });
    }
    return new DatabaseClusterStateRepository(knex);
  }

  async versions(): Promise<Map<string, number>> {
    const rows: Array<Pick<Row, 'cluster' | 'updated_at'>> =
      await this.knex<Row>(TABLE).select('cluster', 'updated_at');
    return new Map(rows.map(row => [row.cluster, Number(row.updated_at)]));
  }

  async load(
    clusters: readonly string[],
    { derivationKey }: { derivationKey?: string } = {},
  ): Promise<StoredClusterState[]> {
    // the states and their changes as of one moment: a writer between the two reads would
    // otherwise pair an inventory with another one's changes
    return this.knex.transaction(async trx => {
      if (trx.client.dialect === 'postgresql')
        await trx.raw('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
      const rows: LoadedRow[] = [];
      const changes = new Map<string, ChangeRow[]>();
      // SQLite allows at most 999 bound parameters per statement
      for (let i = 0; i < clusters.length; i += 500) {
        const slice = clusters.slice(i, i + 500);
        rows.push(
          ...((await trx(TABLE)
            .select(
              'cluster',
              'sync',
              'updated_at',
              'derivation',
              'derivation_key',
              'inventory_digest',
              trx.raw('inventory is not null as has_inventory'),
            )
            .whereIn('cluster', slice)) as LoadedRow[]),
        );
        const changeRows: ChangeRow[] = await trx<ChangeRow>(CHANGES)
          .select('cluster', 'change', 'derivation_change')
          .whereIn('cluster', slice)
          .orderBy('id');
        for (const row of changeRows) {
          const list = changes.get(row.cluster);
          if (list) list.push(row);
          else changes.set(row.cluster, [row]);
        }
      }
      const states = rows.map(row =>
        parseRow(row, changes.get(row.cluster), derivationKey),
      );
      // the inventories the derivations did not stand for, read now (in the same snapshot)
      const needed = rows.filter((_, i) => states[i] === undefined);
      for (let i = 0; i < needed.length; i += 500) {
        const texts = new Map(
          (
            await trx<Row>(TABLE)
              .select('cluster', 'inventory')
              .whereIn(
                'cluster',
                needed.slice(i, i + 500).map(r => r.cluster),
              )
          ).map(r => [r.cluster, r.inventory]),
        );
        for (const row of needed.slice(i, i + 500))
          row.inventory = texts.get(row.cluster) ?? null;
      }
      return rows.map(
        (row, i) =>
          states[i] ?? parseRow(row, changes.get(row.cluster), derivationKey)!,
      );
    });
  }

  async saveSuccess(
    cluster: string,
    inventory: ClusterInventory,
    sync: ClusterSyncStatus,
    {
      serialized = JSON.stringify(inventory),
      digest = inventoryDigest(serialized),
      derivation,
    }: {
      serialized?: string;
      digest?: string;
      derivation?: KeyedDerivation;
    } = {},
  ) {
    const version = this.nextWriteTime();
    await this.knex.transaction(async trx => {
      await trx<Row>(TABLE)
        .insert({
          cluster,
          sync: JSON.stringify(sync),
          inventory: serialized,
          updated_at: version,
          writer: this.writer,
          inventory_digest: digest,
          derivation: derivation ? JSON.stringify(derivation.record) : null,
          derivation_key: derivation?.key ?? null,
        })
        .onConflict('cluster')
        .merge();
      // written whole: the changes to what it replaces are void
      await trx(CHANGES).where({ cluster }).delete();
    });
    this.written.set(cluster, version);
  }

  async saveChange(
    cluster: string,
    change: InventoryChange,
    sync: ClusterSyncStatus,
    derivation?: DerivationChange,
  ): Promise<boolean> {
    const since = this.written.get(cluster);
    if (since === undefined) return false;
    const version = this.nextWriteTime();
    const applied = await this.knex.transaction(async trx => {
      // only onto what this repository wrote: another writer's inventory is not its base
      const updated = await trx<Row>(TABLE)
        .where({ cluster, updated_at: since, writer: this.writer })
        .whereNotNull('inventory')
        .update({
          sync: JSON.stringify(sync),
          updated_at: version,
          // a change without the derivation's breaks its chain until the next whole write
          ...(derivation ? {} : { derivation: null, derivation_key: null }),
        });
      if (updated !== 1) return false;
      await trx(CHANGES).insert({
        cluster,
        change: JSON.stringify(change),
        derivation_change: derivation ? JSON.stringify(derivation) : null,
      });
      return true;
    });
    if (applied) this.written.set(cluster, version);
    else this.written.delete(cluster);
    return applied;
  }

  async saveSync(cluster: string, sync: ClusterSyncStatus) {
    const version = this.nextWriteTime();
    await this.knex<Row>(TABLE)
      .insert({
        cluster,
        sync: JSON.stringify(sync),
        inventory: null,
        updated_at: version,
        writer: this.writer,
      })
      .onConflict('cluster')
      .merge(['sync', 'updated_at', 'writer']);
    // the inventory stays, so the next change still applies to it
    if (this.written.has(cluster)) this.written.set(cluster, version);
  }

  async retainOnly(clusters: string[]) {
    await this.knex.transaction(async trx => {
      await trx(TABLE).whereNotIn('cluster', clusters).delete();
      await trx(CHANGES).whereNotIn('cluster', clusters).delete();
    });
    for (const cluster of this.written.keys())
      if (!clusters.includes(cluster)) this.written.delete(cluster);
  }

  /** Strictly increasing, so two writes in one millisecond still change the version. */
  private nextWriteTime(): number {
    this.lastWrite = Math.max(Date.now(), this.lastWrite + 1);
    return this.lastWrite;
  }
}
