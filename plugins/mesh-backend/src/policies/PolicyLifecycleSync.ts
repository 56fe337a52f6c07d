import type { LoggerService } from '@backstage/backend-plugin-api';
import type {
  Fleet,
  PolicyRepositoryStatus,
} from '@meshport/backstage-plugin-mesh-common';
import type { PolicyRepositoryConfig } from '@meshport/backstage-plugin-mesh-node';
import type {
  BranchSnapshot,
  LifecycleInput,
  LifecycleMemory,
  LifecycleResult,
  PolicyPullRequestRecord,
} from '@meshport/backstage-plugin-mesh-policy';
import type { FleetStore } from '../store/FleetStore';
import type { CodeOwnersCheck, OwnersFile } from './codeOwnersCheck';
import type {
  PolicyLifecycleStore,
  RepositorySync,
  StoredRepository,
} from './PolicyLifecycleStore';
import {
  PolicyRepositoryReadError,
  type PolicyRepositoryScm,
} from './scm/PolicyRepositoryScm';
import { withoutCredentials } from './withoutCredentials';

const MAX_LOGGED_PROBLEMS = 20;

/** The lifecycle's states for one published fleet and one revision of the stored repositories. */
export interface PolicyLifecycleView {
  fleet: Fleet;
  repositories: PolicyRepositoryStatus[];
  result: LifecycleResult;
  /** Per repository URL, the owners its CODEOWNERS should name, once a sync computed them. */
  owners: Map<string, OwnersFile>;
}

export interface PolicyLifecycleSyncOptions {
  repositories: PolicyRepositoryConfig[];
  scm: PolicyRepositoryScm;
  store: PolicyLifecycleStore;
  fleetStore: FleetStore;
  /** The pure computation: mesh-policy's `computePolicyStates`. */
  compute: (input: LifecycleInput) => LifecycleResult;
  /**
   * Whether the branch's CODEOWNERS match the catalog's owners, asked after each successful
   * read (the catalog changes without the branch moving); `unknown` without it.
   */
  codeOwners?: (
    repository: PolicyRepositoryConfig,
    branch: BranchSnapshot,
    pullRequests: PolicyPullRequestRecord[],
  ) => Promise<CodeOwnersCheck>;
  logger: LoggerService;
  /** How often a read may check the database for another replica's writes. */
  refreshIntervalMs?: number;
  now?: () => Date;
}

/**
 * Keeps the policy lifecycle: reads each configured policy repository from its SCM (on the
 * scheduler, see `schedulePolicySync`) into the store, and computes every policy's state from
 * the stored repositories, the current fleet and the stored memory.
 *
 * States are computed once per published fleet (the fleet store publishes a new object on every
 * change and never edits one) and per revision of the stored rows, so a discovery run that
 * changes the fleet recomputes them without asking the SCM again, and a replica that did not
 * sync picks up another's writes. Only the latest view is kept.
 */
export class PolicyLifecycleSync {
  private latest?: {
    fleet: Fleet;
    revision: string;
    view: Promise<PolicyLifecycleView>;
  };
  private revision?: string;
  private lastRefresh = 0;
  private reportedProblems = '[]';
  private loaded?: {
    revision: string;
    repositories: StoredRepository[];
    memory: LifecycleMemory;
  };
  private readonly now: () => Date;

  constructor(private readonly options: PolicyLifecycleSyncOptions) {
    this.now = options.now ?? (() => new Date());
  }

  get configured(): boolean {
    return this.options.repositories.length > 0;
  }

  /**
   * Reads every configured repository: the branch (skipped when its etag says it has not
   * moved) and the pull requests. A repository the SCM refuses keeps what was last read, with
   * the refusal as its status; one repository failing never stops the others.
   */
  async syncRepositories(signal?: AbortSignal): Promise<void> {
    const { repositories, store } = this.options;
    // what this replica last read or wrote is still what the database holds: no need to read
    // every branch back (only the syncing replica writes repositories, a global task)
    const before = await store.revision();
    const rows =
      this.loaded?.revision === before
        ? this.loaded.repositories
        : await store.loadRepositories();
    const stored = new Map(rows.map(r => [r.url, r]));
    await store.retainOnly(repositories.map(r => r.url));
    const written: StoredRepository[] = [];
    for (const repository of repositories) {
      const row = stored.get(repository.url);
      if (signal?.aborted) {
        if (row) written.push(row);
        continue;
      }
      written.push(await this.syncRepository(repository, row));
    }
    this.revision = await store.revision();
    this.lastRefresh = Date.now();
    this.loaded = {
      revision: this.revision,
      repositories: written.sort((a, b) => a.url.localeCompare(b.url)),
      // small, and another replica's computation may have written it meanwhile
      memory: await store.loadMemory(),
    };
  }

  /** The states for the current fleet, computed now if the fleet or the stored rows changed. */
  async current(): Promise<PolicyLifecycleView> {
    const fleet = await this.options.fleetStore.getFleet();
    if (!this.configured) {
      // with no repository, every object Meshport labelled would be an orphan: say nothing
      return {
        fleet,
        repositories: [],
        result: { policies: [], orphans: [], memory: {} },
        owners: new Map(),
      };
    }
    const revision = await this.storedRevision();
    if (this.latest?.fleet !== fleet || this.latest.revision !== revision) {
      const latest = { fleet, revision, view: this.compute(fleet, revision) };
      this.latest = latest;
      latest.view.catch(() => {
        // the next read tries again instead of serving the failure forever
        if (this.latest === latest) this.latest = undefined;
      });
    }
    return this.latest.view;
  }

  /** Starts computing the states for a newly published fleet, so that a request finds them. */
  prepare(): void {
    this.current().catch(error =>
      this.options.logger.warn(
        `Could not compute the policy lifecycle: ${(error as Error).message}`,
      ),
    );
  }

  private async syncRepository(
    repository: PolicyRepositoryConfig,
    stored: StoredRepository | undefined,
  ): Promise<StoredRepository> {
    const { scm, store, logger } = this.options;
    const at = this.now().toISOString();
    try {
      // without a stored branch there is nothing an "unchanged" answer could reuse
      const etag = stored?.branch ? stored.sync.etag : undefined;
      const read = await scm.readBranch(repository, etag);
      const pullRequests = await scm.listPullRequests(repository);
      let branch: BranchSnapshot;
      let nextEtag: string | undefined;
      if (read === 'unchanged') {
        if (!stored?.branch)
          throw new Error('the SCM answered "unchanged" to a first read');
        branch = stored.branch;
        nextEtag = etag;
      } else {
        branch = read.snapshot;
        nextEtag = read.etag;
      }
      const sync: RepositorySync = {
        status: 'ok',
        lastSyncAt: at,
        lastAttemptAt: at,
        ...(branch.commit ? { commit: branch.commit } : {}),
        ...(nextEtag ? { etag: nextEtag } : {}),
        codeOwners: await this.checkCodeOwners(
          repository,
          branch,
          pullRequests,
        ),
      };
      const row = { url: repository.url, sync, branch, pullRequests };
      await store.saveRepository(row);
      return row;
    } catch (error) {
      const refused =
        error instanceof PolicyRepositoryReadError ||
        (error as Error)?.name === 'PolicyRepositoryReadError';
      const status = refused
        ? (error as PolicyRepositoryReadError).status
        : 'error';
      const message = withoutCredentials(
        refused
          ? (error as Error).message
          : `Could not read policy repository ${repository.webUrl}: ${
              (error as Error)?.message ?? String(error)
            }; the last known states are kept`,
      );
      logger.warn(`Policy repository ${repository.url}: ${message}`);
      // the stored branch, pull requests, commit and etag stay: only the status changes
      const {
        status: _s,
        message: _m,
        ...kept
      } = stored?.sync ?? {
        status: 'never-synced' as const,
      };
      const sync: RepositorySync = {
        ...kept,
        status,
        message,
        lastAttemptAt: at,
      };
      await store.saveSyncStatus(repository.url, sync);
      return {
        url: repository.url,
        sync,
        ...(stored?.branch ? { branch: stored.branch } : {}),
        pullRequests: stored?.pullRequests ?? [],
      };
    }
  }

  /** A catalog that cannot be read leaves the check `unknown`, never the sync failed. */
  private async checkCodeOwners(
    repository: PolicyRepositoryConfig,
    branch: BranchSnapshot,
    pullRequests: PolicyPullRequestRecord[],
  ): Promise<CodeOwnersCheck> {
    const { codeOwners, logger } = this.options;
    if (!codeOwners) return { status: 'unknown' };
    try {
      return await codeOwners(repository, branch, pullRequests);
    } catch (error) {
      const message = `Could not compare CODEOWNERS of ${
        repository.webUrl
      } with the catalog's owners: ${
        (error as Error)?.message ?? String(error)
      }; the next sync tries again`;
      logger.warn(message);
      return { status: 'unknown', message };
    }
  }

  private async compute(
    fleet: Fleet,
    revision: string,
  ): Promise<PolicyLifecycleView> {
    const { store, compute } = this.options;
    // The stored rows are read again only when they changed: a new fleet alone (after each
    // discovery pass) reuses them, and the branch's files then keep their identity, so the
    // computation's cache of parsed files and branches holds.
    if (this.loaded?.revision !== revision) {
      const [repositories, memory] = await Promise.all([
        store.loadRepositories(),
        store.loadMemory(),
      ]);
      this.loaded = { revision, repositories, memory };
    }
    const { repositories: stored, memory } = this.loaded;
    const byUrl = new Map(stored.map(r => [r.url, r]));
    const allClusters = fleet.clusters.map(c => c.name).sort();
    const inputs = this.options.repositories.map(repository => {
      const row = byUrl.get(repository.url);
      const status: PolicyRepositoryStatus = {
        url: repository.url,
        webUrl: repository.webUrl,
        provider: repository.provider,
        branch: repository.branch,
        clusters: repository.clusters ?? allClusters,
        status: row?.sync.status ?? 'never-synced',
        ...(row?.sync.message
          ? { message: withoutCredentials(row.sync.message) }
          : {}),
        ...(row?.sync.lastSyncAt ? { lastSyncAt: row.sync.lastSyncAt } : {}),
        ...(row?.sync.commit ? { commit: row.sync.commit } : {}),
        codeOwners: row?.sync.codeOwners?.status ?? 'unknown',
        ...(row?.sync.codeOwners?.message
          ? { codeOwnersMessage: row.sync.codeOwners.message }
          : {}),
      };
      return {
        status,
        ...(row?.branch ? { branch: row.branch } : {}),
        pullRequests: row?.pullRequests ?? [],
      };
    });
    const result = compute({
      repositories: inputs,
      fleet,
      memory,
      now: this.now().toISOString(),
    });
    this.reportProblems(result);
    if (JSON.stringify(result.memory) !== JSON.stringify(memory)) {
      await store.saveMemory(result.memory);
      // this replica's own write: no reason to read or compute again
      this.revision = await store.revision();
      this.lastRefresh = Date.now();
      this.loaded = {
        revision: this.revision,
        repositories: stored,
        memory: result.memory,
      };
      if (this.latest?.fleet === fleet) this.latest.revision = this.revision;
    }
    const owners = new Map<string, OwnersFile>();
    for (const row of stored)
      if (row.sync.codeOwners?.owners)
        owners.set(row.url, row.sync.codeOwners.owners);
    return {
      fleet,
      repositories: inputs.map(i => i.status),
      result,
      owners,
    };
  }

  /**
   * Files of a branch the computation left out (a policy that does not parse, malformed
   * rendered YAML): logged when they change, not at every computation.
   */
  private reportProblems(result: LifecycleResult) {
    const problems = result.problems ?? [];
    const key = JSON.stringify(problems);
    if (key === this.reportedProblems) return;
    this.reportedProblems = key;
    for (const p of problems.slice(0, MAX_LOGGED_PROBLEMS))
      this.options.logger.warn(
        `Policy repository ${p.repository}${p.path ? `, ${p.path}` : ''}: ${
          p.message
        }`,
      );
    if (problems.length > MAX_LOGGED_PROBLEMS)
      this.options.logger.warn(
        `…and ${
          problems.length - MAX_LOGGED_PROBLEMS
        } more files of the policy repositories left out`,
      );
  }

  /** The stored rows' revision, asked of the database at most once per refresh interval. */
  private async storedRevision(): Promise<string> {
    const interval = this.options.refreshIntervalMs ?? 5_000;
    if (
      this.revision === undefined ||
      Date.now() - this.lastRefresh >= interval
    ) {
      this.revision = await this.options.store.revision();
      this.lastRefresh = Date.now();
    }
    return this.revision;
  }
}
