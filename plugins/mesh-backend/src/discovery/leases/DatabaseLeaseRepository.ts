import type { DatabaseService } from '@backstage/backend-plugin-api';
import type { LeaseRow } from './planLeases';

type Knex = Awaited<ReturnType<DatabaseService['getClient']>>;

const REPLICAS = 'mesh_discovery_replica';
const LEASES = 'mesh_discovery_lease';

/** Rows are written in chunks: SQLite allows at most 999 bound parameters per statement. */
const CHUNK = 200;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK)
    out.push(items.slice(i, i + CHUNK));
  return out;
}

/**
 * The discovery leases in the plugin database (tables of the `discovery_leases`
 * migration). Every statement is one atomic conditional write: a claim is an UPDATE whose
 * WHERE says the lease is free or expired, and its row count says whether this replica won.
 * Under PostgreSQL's Read Committed, a second UPDATE of the same row waits for the first to
 * commit and then re-evaluates its WHERE on the row the first wrote, so of two replicas
 * claiming one cluster at once exactly one gets a row count of 1
 * (https://www.postgresql.org/docs/current/transaction-iso.html#XACT-READ-COMMITTED);
 * SQLite runs one writer at a time.
 */
export class DatabaseLeaseRepository {
  constructor(private readonly knex: Knex) {}

  /**
   * The database's clock in epoch milliseconds: every replica measures expiry against the
   * same clock, whatever its own says.
   */
  async now(): Promise<number> {
    const client = String(this.knex.client.config.client);
    let sql: string;
    if (client.includes('pg')) {
      sql =
        'SELECT CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT) AS now';
    } else if (client.includes('mysql')) {
      sql = 'SELECT CAST(UNIX_TIMESTAMP(NOW(3)) * 1000 AS UNSIGNED) AS now';
    } else {
      // SQLite: julianday counts days from noon UTC, 4714 BC; 2440587.5 is 1970-01-01
      sql =
        "SELECT CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) AS now";
    }
    const result = await this.knex.raw(sql);
    // pg answers { rows }, mysql [rows, fields], SQLite the rows
    const rows = (result?.rows ??
      (Array.isArray(result?.[0]) ? result[0] : result)) as Array<{
      now: number | string;
    }>;
    const now = Number(rows[0]?.now);
    if (!Number.isFinite(now))
      throw new Error(
        `the database did not tell its time (got ${JSON.stringify(rows)})`,
      );
    return now;
  }

  /** Marks the replica alive until `expiresAt`; forgets replicas dead for a while. */
  async heartbeat(replica: string, expiresAt: number, now: number) {
    await this.knex(REPLICAS)
      .insert({ replica, expires_at: expiresAt })
      .onConflict('replica')
      .merge(['expires_at']);
    await this.knex(REPLICAS).where('expires_at', '<', now).delete();
  }

  /** Replicas whose heartbeat has not expired. */
  async liveReplicas(now: number): Promise<number> {
    const result = await this.knex(REPLICAS)
      .where('expires_at', '>', now)
      .count({ live: '*' })
      .first();
    return Number(result?.live ?? 0);
  }

  /** Extends every unexpired lease the replica holds. */
  async renew(replica: string, expiresAt: number, now: number) {
    await this.knex(LEASES)
      .where({ holder: replica })
      .andWhere('expires_at', '>', now)
      .update({ expires_at: expiresAt });
  }

  async list(): Promise<LeaseRow[]> {
    const rows: Array<{
      cluster: string;
      holder: string | null;
      expires_at: number | string;
    }> = await this.knex(LEASES).select('cluster', 'holder', 'expires_at');
    return rows.map(row => ({
      cluster: row.cluster,
      ...(row.holder ? { holder: row.holder } : {}),
      expiresAt: Number(row.expires_at),
    }));
  }

  /**
   * Claims the lease if it is free or expired; true when this replica won it. The row is
   * created free first when the cluster is new, so the claim itself is always an UPDATE.
   */
  async claim(
    replica: string,
    cluster: string,
    expiresAt: number,
    now: number,
  ): Promise<boolean> {
    await this.knex(LEASES)
      .insert({ cluster, holder: null, expires_at: 0 })
      .onConflict('cluster')
      .ignore();
    const updated = await this.knex(LEASES)
      .where({ cluster })
      .andWhere(q => q.whereNull('holder').orWhere('expires_at', '<=', now))
      .update({ holder: replica, expires_at: expiresAt });
    return Number(updated) === 1;
  }

  /**
   * Gives up the replica's leases of these clusters: anyone may claim them at once. The
   * lease keeps when it was freed (see planLeases).
   */
  async release(replica: string, clusters: readonly string[], now: number) {
    for (const chunk of chunks(clusters))
      await this.knex(LEASES)
        .where({ holder: replica })
        .whereIn('cluster', chunk)
        .update({ holder: null, expires_at: now });
  }

  /** A replica stopping cleanly: its leases are free and it no longer counts as live. */
  async leave(replica: string) {
    await this.knex(LEASES)
      .where({ holder: replica })
      .update({ holder: null, expires_at: await this.now() });
    await this.knex(REPLICAS).where({ replica }).delete();
  }

  /** Forgets the leases of clusters no longer configured. */
  async retainOnly(clusters: readonly string[]) {
    const known = new Set(clusters);
    const gone = (await this.list())
      .map(row => row.cluster)
      .filter(c => !known.has(c));
    for (const chunk of chunks(gone))
      await this.knex(LEASES).whereIn('cluster', chunk).delete();
  }
}
