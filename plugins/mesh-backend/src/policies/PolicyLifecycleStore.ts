import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import type { PolicyRepositorySyncStatus } from '@meshport/backstage-plugin-mesh-common';
import type { CodeOwnersCheck } from './codeOwnersCheck';
import type {
  BranchSnapshot,
  LifecycleMemory,
  PolicyPullRequestRecord,
} from '@meshport/backstage-plugin-mesh-policy';

type Knex = Awaited<ReturnType<DatabaseService['getClient']>>;

const REPOSITORIES = 'mesh_policy_repository';
const MEMORY = 'mesh_policy_lifecycle_memory';
const MEMORY_ID = 'lifecycle';

/** How the last sync of one repository went. */
export interface RepositorySync {
  status: PolicyRepositorySyncStatus;
  /** What went wrong and how to fix it, when `status` is not `ok`. */
  message?: string;
  /** ISO 8601 of the last successful sync. */
  lastSyncAt?: string;
  /** ISO 8601 of the last attempt, successful or not. */
  lastAttemptAt?: string;
  /** The commit of the stored branch. */
  commit?: string;
  /** The SCM's tag for the stored branch: an unchanged branch is not read again. */
  etag?: string;
  /** The branch's CODEOWNERS against the catalog's owners, as the last successful sync found. */
  codeOwners?: CodeOwnersCheck;
}

/** One repository as its last sync left it. */
export interface StoredRepository {
  url: string;
  sync: RepositorySync;
  /** Absent until the branch is first read. */
  branch?: BranchSnapshot;
  pullRequests: PolicyPullRequestRecord[];
}

interface RepositoryRow {
  url: string;
  sync: string;
  branch: string | null;
  pull_requests: string;
  updated_at: number | string;
}

/**
 * The policy lifecycle's state in the plugin database (SQLite or PostgreSQL): what each
 * repository's last sync read and the lifecycle memory. Every replica reads the same rows, so
 * every replica computes the same states; a failed read of the SCM writes only its status, so
 * the last known branch and pull requests survive an outage and a restart alike.
 */
export class PolicyLifecycleStore {
  private lastWrite = 0;

  private constructor(private readonly knex: Knex) {}

  /** Call inside `serializeStartup`: it runs the plugin's migrations. */
  static async create(
    database: DatabaseService,
  ): Promise<PolicyLifecycleStore> {
    const knex = await database.getClient();
    if (!database.migrations?.skip) {
      await knex.migrate.latest({
        directory: resolvePackagePath(
          '@meshport/backstage-plugin-mesh-backend',
          'migrations',
        ),
      });
    }
    return new PolicyLifecycleStore(knex);
  }

  async loadRepositories(): Promise<StoredRepository[]> {
    const rows: RepositoryRow[] = await this.knex<RepositoryRow>(
      REPOSITORIES,
    ).select('*');
    return rows
      .map(row => ({
        url: row.url,
        sync: JSON.parse(row.sync) as RepositorySync,
        ...(row.branch
          ? { branch: JSON.parse(row.branch) as BranchSnapshot }
          : {}),
        pullRequests: JSON.parse(
          row.pull_requests,
        ) as PolicyPullRequestRecord[],
      }))
      .sort((a, b) => a.url.localeCompare(b.url));
  }

  /** Changes whenever any replica writes a repository or the memory. */
  async revision(): Promise<string> {
    const [repositories, memory] = await Promise.all([
      this.knex(REPOSITORIES)
        .max({ latest: 'updated_at' })
        .count({ rows: '*' })
        .first(),
      this.knex(MEMORY).max({ latest: 'updated_at' }).first(),
    ]);
    // the row count catches a forgotten repository, which leaves the latest write unchanged
    return `${Number(repositories?.latest ?? 0)}:${Number(
      repositories?.rows ?? 0,
    )}:${Number(memory?.latest ?? 0)}`;
  }

  /** A successful sync: everything it read replaces what was stored. */
  async saveRepository(repository: StoredRepository): Promise<void> {
    await this.knex<RepositoryRow>(REPOSITORIES)
      .insert({
        url: repository.url,
        sync: JSON.stringify(repository.sync),
        branch: repository.branch ? JSON.stringify(repository.branch) : null,
        pull_requests: JSON.stringify(repository.pullRequests),
        updated_at: this.nextWriteTime(),
      })
      .onConflict('url')
      .merge();
  }

  /** A failed sync: only its status; the branch and pull requests last read are kept. */
  async saveSyncStatus(url: string, sync: RepositorySync): Promise<void> {
    await this.knex<RepositoryRow>(REPOSITORIES)
      .insert({
        url,
        sync: JSON.stringify(sync),
        branch: null,
        pull_requests: '[]',
        updated_at: this.nextWriteTime(),
      })
      .onConflict('url')
      .merge(['sync', 'updated_at']);
  }

  /** Forgets repositories no longer configured. */
  async retainOnly(urls: string[]): Promise<void> {
    await this.knex(REPOSITORIES).whereNotIn('url', urls).delete();
  }

  async loadMemory(): Promise<LifecycleMemory> {
    const row = await this.knex(MEMORY).where({ id: MEMORY_ID }).first();
    return row ? (JSON.parse(row.memory) as LifecycleMemory) : {};
  }

  async saveMemory(memory: LifecycleMemory): Promise<void> {
    await this.knex(MEMORY)
      .insert({
        id: MEMORY_ID,
        memory: JSON.stringify(memory),
        updated_at: this.nextWriteTime(),
      })
      .onConflict('id')
      .merge();
  }

  /** Strictly increasing, so two writes in one millisecond still change the revision. */
  private nextWriteTime(): number {
    this.lastWrite = Math.max(Date.now(), this.lastWrite + 1);
    return this.lastWrite;
  }
}
