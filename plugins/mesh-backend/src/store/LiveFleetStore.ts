import { createHash } from 'node:crypto';
import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  ClusterErrorReason,
  ClusterSyncStatus,
  Fleet,
  MeshService,
  serviceId,
} from '@meshport/backstage-plugin-mesh-common';
import { buildFleet } from '../aggregation/buildFleet';
import { prepareInstances } from '../aggregation/services';
import type {
  AggregationOptions,
  ClusterInput,
  ClusterInventory,
} from '../aggregation/inventory';
import type { ClusterOutcomeSink } from '../discovery/FleetDiscovery';
import type { ClusterStateRepository } from './ClusterStateRepository';
import type { FleetStore } from './FleetStore';

export interface LiveFleetStoreOptions {
  clusters: Array<Pick<ClusterInput, 'name' | 'source'>>;
  repository: ClusterStateRepository;
  aggregation: AggregationOptions;
  logger: LoggerService;
  /** How often a read may check the database for another replica's writes. */
  refreshIntervalMs?: number;
  now?: () => Date;
}

/**
 * Holds each configured cluster's last-known-good inventory in memory and the fleet built
 * from them. Discovery results land here and in the database; reads are served from memory.
 * Replicas that do not run discovery pick up the runner's writes by checking the database's
 * revision at most once per refresh interval.
 */
export class LiveFleetStore implements FleetStore, ClusterOutcomeSink {
  private readonly clusters = new Map<string, ClusterInput>();
  /** Digest of the content of each cluster's inventory as the last sync recorded it. */
  private readonly contentDigests = new Map<string, string>();
  private fleet?: Fleet;
  /** Bumped whenever the fleet goes out of date, so a build knows whether it still is. */
  private version = 0;
  private building?: { version: number; fleet: Promise<Fleet> };
  private readonly servicesById = new WeakMap<
    Fleet,
    Map<string, MeshService>
  >();
  private revision?: string;
  private lastRefresh = 0;
  private readonly now: () => Date;

  constructor(private readonly options: LiveFleetStoreOptions) {
    this.now = options.now ?? (() => new Date());
    for (const { name, source } of options.clusters) {
      this.clusters.set(name, {
        name,
        source,
        sync: { state: 'never-synced' },
      });
    }
  }

  /**
   * Loads the persisted state, so a restarted backend serves the fleet at once. Stored
   * clusters not in the constructor's list are kept too: locators such as the catalog's
   * list theirs only when discovery runs, and `setClusters` forgets those no longer listed.
   */
  async load(): Promise<void> {
    const { repository } = this.options;
    this.revision = await repository.revision();
    for (const stored of await repository.loadAll()) {
      const cluster = this.clusters.get(stored.cluster);
      this.clusters.set(stored.cluster, {
        name: stored.cluster,
        source: cluster?.source ?? 'kubernetes',
        sync: stored.sync,
        inventory: stored.inventory,
      });
    }
    this.lastRefresh = Date.now();
    this.invalidate();
  }

  /**
   * The clusters discovery found this run: new ones start never-synced, the state of the
   * others is kept. With `forget`, those no longer listed are forgotten here and in the
   * database; without it (a locator has not answered yet since startup) they are kept.
   */
  async setClusters(
    clusters: Array<Pick<ClusterInput, 'name' | 'source'>>,
    options: { forget: boolean },
  ) {
    const names = new Set(clusters.map(c => c.name));
    const gone = options.forget
      ? [...this.clusters.keys()].filter(name => !names.has(name))
      : [];
    const added = clusters.filter(c => !this.clusters.has(c.name));
    if (gone.length === 0 && added.length === 0) return;
    for (const name of gone) {
      this.clusters.delete(name);
      this.contentDigests.delete(name);
    }
    for (const { name, source } of added) {
      this.clusters.set(name, {
        name,
        source,
        sync: { state: 'never-synced' },
      });
    }
    this.invalidate();
    if (gone.length > 0)
      await this.persist(() => this.options.repository.retainOnly([...names]));
  }

  async recordSuccess(name: string, inventory: ClusterInventory, at: Date) {
    const cluster = this.clusters.get(name);
    if (!cluster) return;
    const sync: ClusterSyncStatus = {
      state: 'ok',
      lastSuccessAt: at.toISOString(),
      lastAttemptAt: at.toISOString(),
    };
    // A sync that read the same content keeps the inventory object it replaces: the fleet
    // build reuses what it computed from that object, so only changed clusters cost a rebuild.
    const serialized = JSON.stringify(inventory);
    const digest = createHash('sha256').update(serialized).digest('hex');
    const same =
      cluster.inventory !== undefined &&
      this.contentDigests.get(name) === digest;
    const problem = same ? undefined : this.unbuildable(cluster, inventory);
    if (problem) {
      // never accepted as last-known-good: the fleet, and every read, would fail with it
      await this.recordFailure(
        name,
        {
          reason: 'malformed-response',
          message: `the cluster's objects could not be assembled into the fleet (${problem}); its last good data is kept`,
        },
        at,
      );
      return;
    }
    this.contentDigests.set(name, digest);
    this.clusters.set(name, {
      ...cluster,
      sync,
      inventory: same ? cluster.inventory : inventory,
    });
    this.invalidate();
    await this.persist(() =>
      this.options.repository.saveSuccess(name, inventory, sync, serialized),
    );
  }

  async recordFailure(
    name: string,
    error: { reason: ClusterErrorReason; message: string },
    at: Date,
  ) {
    const cluster = this.clusters.get(name);
    if (!cluster) return;
    // the inventory is deliberately kept: a failed sync never empties a cluster
    const sync: ClusterSyncStatus = {
      state: cluster.inventory ? 'stale' : 'never-synced',
      ...(cluster.sync.lastSuccessAt
        ? { lastSuccessAt: cluster.sync.lastSuccessAt }
        : {}),
      lastAttemptAt: at.toISOString(),
      error,
    };
    this.clusters.set(name, { ...cluster, sync });
    this.invalidate();
    await this.persist(() => this.options.repository.saveSync(name, sync));
  }

  /** Why the cluster's last sync failed, if it did: discovery reads hanging clusters last. */
  lastFailure(name: string): ClusterErrorReason | undefined {
    return this.clusters.get(name)?.sync.error?.reason;
  }

  async getFleet(): Promise<Fleet> {
    await this.refreshIfChanged();
    if (this.fleet) return this.fleet;
    // readers arriving during a build share it, unless the fleet changed since it started
    if (this.building?.version !== this.version) {
      const building = { version: this.version, fleet: this.build() };
      this.building = building;
      building.fleet
        .finally(() => {
          if (this.building === building) this.building = undefined;
        })
        .catch(() => {}); // the callers awaiting it see the error
    }
    return this.building!.fleet;
  }

  async getService(namespace: string, name: string) {
    const fleet = await this.getFleet();
    return this.servicesById.get(fleet)?.get(serviceId(namespace, name));
  }

  private async build(): Promise<Fleet> {
    const version = this.version;
    const clusters = [...this.clusters.values()];
    const { aggregation } = this.options;
    // What each inventory contributes is computed one cluster at a time, yielding in between:
    // a first build at 50,000 services takes seconds and must not hold the event loop (and
    // every other plugin's requests) for all of it. Later builds find most of it done.
    for (const cluster of clusters) {
      if (!cluster.inventory) continue;
      try {
        prepareInstances(cluster.inventory, aggregation);
      } catch {
        // buildFleet fails on it too, and the fallback below finds why
      }
      await new Promise(resolve => setImmediate(resolve));
    }
    let fleet: Fleet;
    try {
      fleet = buildFleet(clusters, aggregation, this.now());
    } catch (error) {
      fleet = buildFleet(
        this.withoutUnbuildable(clusters, error),
        aggregation,
        this.now(),
      );
    }
    this.servicesById.set(fleet, new Map(fleet.services.map(s => [s.id, s])));
    if (version === this.version) this.fleet = fleet;
    return fleet;
  }

  /**
   * The clusters without the inventories the fleet cannot be built from. Discovery never
   * stores one, but the database may hold one saved before it checked: such an inventory is
   * dropped (logged, and the cluster's status says so) instead of failing every read.
   */
  private withoutUnbuildable(
    clusters: ClusterInput[],
    error: unknown,
  ): ClusterInput[] {
    let found = false;
    const kept = clusters.map(cluster => {
      const problem =
        cluster.inventory && this.unbuildable(cluster, cluster.inventory);
      if (!problem) return cluster;
      found = true;
      this.options.logger.error(
        `Ignoring the inventory of cluster ${cluster.name}: ${problem}`,
      );
      const dropped: ClusterInput = {
        name: cluster.name,
        source: cluster.source,
        sync: {
          state: 'never-synced',
          ...(cluster.sync.lastAttemptAt
            ? { lastAttemptAt: cluster.sync.lastAttemptAt }
            : {}),
          error: {
            reason: 'malformed-response',
            message: `the cluster's stored objects could not be assembled into the fleet (${problem}); they wait for its next sync`,
          },
        },
      };
      // the next sync of that cluster replaces it; until then it is served without data
      if (this.clusters.get(cluster.name) === cluster)
        this.clusters.set(cluster.name, dropped);
      return dropped;
    });
    // not one cluster's data: the build itself is broken, and says so
    if (!found) throw error;
    return kept;
  }

  /**
   * Why the fleet could not be built with this inventory, or undefined when it can: it is
   * built alone first, so one cluster's bad data fails only that cluster. What the build
   * computes from the inventory is cached, so the next fleet build does not repeat it.
   */
  private unbuildable(
    cluster: ClusterInput,
    inventory: ClusterInventory,
  ): string | undefined {
    try {
      buildFleet(
        [
          {
            name: cluster.name,
            source: cluster.source,
            sync: cluster.sync,
            inventory,
          },
        ],
        this.options.aggregation,
        this.now(),
      );
      return undefined;
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  }

  private invalidate() {
    this.fleet = undefined;
    this.version++;
  }

  private async persist(write: () => Promise<void>) {
    try {
      await write();
      this.revision = await this.options.repository.revision();
    } catch (error) {
      // memory stays authoritative for this replica; the next sync writes again
      this.options.logger.error(
        `Could not persist mesh cluster state: ${(error as Error).message}`,
      );
    }
  }

  private async refreshIfChanged() {
    const interval = this.options.refreshIntervalMs ?? 10_000;
    if (Date.now() - this.lastRefresh < interval) return;
    this.lastRefresh = Date.now();
    try {
      const revision = await this.options.repository.revision();
      if (revision === this.revision) return;
      this.revision = revision;
      for (const stored of await this.options.repository.loadAll()) {
        // a cluster the discovering replica's locators found since this one started
        const cluster = this.clusters.get(stored.cluster) ?? {
          name: stored.cluster,
          source: 'kubernetes' as const,
          sync: stored.sync,
        };
        if (stored.inventory) this.contentDigests.delete(stored.cluster);
        this.clusters.set(stored.cluster, {
          ...cluster,
          sync: stored.sync,
          inventory: stored.inventory ?? cluster.inventory,
        });
      }
      this.invalidate();
    } catch (error) {
      this.options.logger.warn(
        `Could not check the database for fleet updates: ${
          (error as Error).message
        }`,
      );
    }
  }
}
