import type { LoggerService } from '@backstage/backend-plugin-api';
import type { DatabaseLeaseRepository } from './DatabaseLeaseRepository';
import { planLeases } from './planLeases';

export interface DiscoveryLeasesOptions {
  repository: Pick<
    DatabaseLeaseRepository,
    | 'now'
    | 'heartbeat'
    | 'liveReplicas'
    | 'renew'
    | 'list'
    | 'claim'
    | 'release'
    | 'leave'
    | 'retainOnly'
  >;
  /** This process's id, unique among the replicas sharing the database. */
  replica: string;
  leaseDurationMs: number;
  /**
   * Stops discovering these clusters. Called, and awaited, before their leases are
   * released and whenever they are lost, so two replicas never read one cluster at once.
   */
  stopClusters: (clusters: string[]) => Promise<void>;
  logger: LoggerService;
  /** This process's clock, for how long a lease it could not renew stays its own. */
  now?: () => number;
}

/**
 * The clusters this replica discovers. Every check (a third of the lease duration) it
 * heartbeats, renews its leases, keeps its fair share of the listed clusters, releases the
 * surplus and claims free or expired leases. A replica that stops cleanly releases all of
 * them at once (`leave`); a crashed one's expire after `leaseDurationMs`.
 *
 * A check that fails (the database unreachable) keeps a lease only while it is sure to be
 * valid until the next check, measured on this process's clock from when it was last
 * renewed: a replica cut off from the database stops reading a cluster before another
 * replica may claim it.
 */
export class DiscoveryLeases {
  /** Held clusters, and until when (this process's clock) they are surely still held. */
  private readonly held = new Map<string, number>();
  private checking: Promise<unknown> = Promise.resolve();
  private left = false;
  private readonly now: () => number;

  constructor(private readonly options: DiscoveryLeasesOptions) {
    this.now = options.now ?? Date.now;
  }

  get replica() {
    return this.options.replica;
  }

  /** How often to check: three renewals per lease, so one failed check loses nothing. */
  get checkIntervalMs() {
    return Math.max(1, Math.floor(this.options.leaseDurationMs / 3));
  }

  holds(cluster: string): boolean {
    return this.held.has(cluster);
  }

  /** The clusters held after the last check. */
  clusters(): string[] {
    return [...this.held.keys()];
  }

  /**
   * One check against the clusters listed now; resolves to the clusters this replica holds
   * after it. Checks run one at a time. With `forget` (the locators' list is complete),
   * the leases of clusters no longer listed are deleted.
   */
  check(
    listed: readonly string[],
    options: { forget: boolean } = { forget: false },
  ): Promise<string[]> {
    const next = this.checking.then(async () => {
      // a database that hangs rather than fails: leases stop being ours all the same
      const watchdog = setInterval(
        () => void this.dropUnsure(),
        Math.max(1, Math.floor(this.checkIntervalMs / 2)),
      );
      try {
        return await this.checkNow(listed, options);
      } finally {
        clearInterval(watchdog);
      }
    });
    this.checking = next.catch(() => {});
    return next;
  }

  /** Stops discovering everything and frees every lease: the replica is shutting down. */
  async leave(): Promise<void> {
    this.left = true;
    // a check stuck on the database is not waited for longer than a check lasts
    await Promise.race([
      this.checking,
      new Promise(resolve => setTimeout(resolve, this.checkIntervalMs).unref()),
    ]);
    const all = this.clusters();
    this.held.clear();
    await this.options.stopClusters(all);
    try {
      await this.options.repository.leave(this.options.replica);
    } catch (error) {
      // they expire instead: other replicas take them over a lease period later
      this.options.logger.warn(
        `Could not release the mesh discovery leases of ${
          all.length
        } cluster(s); other replicas take them over once they expire: ${
          (error as Error).message
        }`,
      );
    }
  }

  /**
   * Stops the clusters whose lease may expire before the next check could renew it: only
   * what is surely still ours by then stays ours.
   */
  private async dropUnsure(): Promise<string[]> {
    const deadline = this.now() + this.checkIntervalMs;
    const expiring = [...this.held]
      .filter(([, validUntil]) => validUntil <= deadline)
      .map(([cluster]) => cluster);
    for (const cluster of expiring) this.held.delete(cluster);
    if (expiring.length > 0) await this.options.stopClusters(expiring);
    return expiring;
  }

  private async checkNow(
    listed: readonly string[],
    options: { forget: boolean },
  ): Promise<string[]> {
    if (this.left) return [];
    const { repository, replica, leaseDurationMs, logger } = this.options;
    const startedAt = this.now();
    try {
      if (options.forget) await repository.retainOnly(listed);
      const now = await repository.now();
      const expiresAt = now + leaseDurationMs;
      await repository.heartbeat(replica, expiresAt, now);
      await repository.renew(replica, expiresAt, now);
      const [leases, liveReplicas] = await Promise.all([
        repository.list(),
        repository.liveReplicas(now),
      ]);
      const plan = planLeases({
        replica,
        clusters: listed,
        leases,
        liveReplicas,
        now,
        leaseDurationMs,
      });
      const keep = new Set(plan.keep);
      // lost (expired and taken, or deleted) or released: stopped before anyone else starts
      const dropped = [...this.held.keys()].filter(c => !keep.has(c));
      for (const cluster of dropped) this.held.delete(cluster);
      const validUntil = startedAt + leaseDurationMs;
      for (const cluster of keep) this.held.set(cluster, validUntil);
      if (dropped.length > 0) await this.options.stopClusters(dropped);
      if (plan.release.length > 0)
        await repository.release(replica, plan.release, now);
      const claimed: string[] = [];
      for (const cluster of plan.claim) {
        if (this.left) break;
        if (await repository.claim(replica, cluster, expiresAt, now)) {
          this.held.set(cluster, validUntil);
          claimed.push(cluster);
        }
      }
      // a check slow enough to eat into the leases it renewed keeps only what is sure
      await this.dropUnsure();
      if (claimed.length > 0 || dropped.length > 0) {
        const changes = [
          ...(claimed.length ? [`claimed ${claimed.join(', ')}`] : []),
          ...(dropped.length ? [`gave up ${dropped.join(', ')}`] : []),
        ];
        logger.info(
          `Mesh discovery leases of replica ${replica}: holds ${
            this.held.size
          } of ${
            listed.length
          } cluster(s) with ${liveReplicas} live replica(s); ${changes.join(
            '; ',
          )}`,
        );
      }
    } catch (error) {
      const stopped = await this.dropUnsure();
      logger.warn(
        `Could not check the mesh discovery leases in the database; replica ${replica} keeps ${
          this.held.size
        } cluster(s) until their leases would expire and stopped ${
          stopped.length
        }: ${(error as Error).message}`,
      );
    }
    return this.clusters();
  }
}
