import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import type { ClusterSyncStatus } from '@meshport/backstage-plugin-mesh-common';
import type { ClusterInventory } from '../aggregation/inventory';
import { inventoryDigest } from './inventoryDigest';
import type {
  ClusterStateRepository,
  StoredClusterState,
} from './ClusterStateRepository';

type Knex = Awaited<ReturnType<DatabaseService['getClient']>>;

const TABLE = 'mesh_cluster_state';

interface Row {
  cluster: string;
  sync: string;
  inventory: string | null;
  updated_at: number | string;
}

function parseRow(row: Row): StoredClusterState {
  return {
    cluster: row.cluster,
    sync: JSON.parse(row.sync) as ClusterSyncStatus,
    updatedAt: Number(row.updated_at),
    ...(row.inventory
      ? {
          inventory: JSON.parse(row.inventory) as ClusterInventory,
          inventoryDigest: inventoryDigest(row.inventory),
        }
      : {}),
  };
}

/** The plugin database (SQLite or PostgreSQL) behind `coreServices.database`. */
export class DatabaseClusterStateRepository implements ClusterStateRepository {
  private lastWrite = 0;

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

  async load(clusters: readonly string[]): Promise<StoredClusterState[]> {
    const rows: Row[] = [];
    // SQLite allows at most 999 bound parameters per statement
    for (let i = 0; i < clusters.length; i += 500)
      rows.push(
        ...(await this.knex<Row>(TABLE)
          .select('*')
          .whereIn('cluster', clusters.slice(i, i + 500))),
      );
    return rows.map(parseRow);
  }

  async saveSuccess(
    cluster: string,
    inventory: ClusterInventory,
    sync: ClusterSyncStatus,
    serialized = JSON.stringify(inventory),
  ) {
    await this.knex<Row>(TABLE)
      .insert({
        cluster,
        sync: JSON.stringify(sync),
        inventory: serialized,
        updated_at: this.nextWriteTime(),
      })
      .onConflict('cluster')
      .merge();
  }

  async saveSync(cluster: string, sync: ClusterSyncStatus) {
    await this.knex<Row>(TABLE)
      .insert({
        cluster,
        sync: JSON.stringify(sync),
        inventory: null,
        updated_at: this.nextWriteTime(),
      })
      .onConflict('cluster')
      .merge(['sync', 'updated_at']);
  }

  async retainOnly(clusters: string[]) {
    await this.knex(TABLE).whereNotIn('cluster', clusters).delete();
  }

  /** Strictly increasing, so two writes in one millisecond still change the version. */
  private nextWriteTime(): number {
    this.lastWrite = Math.max(Date.now(), this.lastWrite + 1);
    return this.lastWrite;
  }
}
