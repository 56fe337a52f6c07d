import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  ClusterErrorReason,
  ClusterSyncStatus,
  Fleet,
} from '@meshport/backstage-plugin-mesh-common';
import { buildFleet } from '../aggregation/buildFleet';
import { deriveCluster, FleetMemo } from '../aggregation/FleetMemo';
import type {
  AggregationOptions,
  ClusterInput,
  ClusterInventory,
} from '../aggregation/inventory';
import type { ClusterOutcomeSink } from '../discovery/FleetDiscovery';
import { ServiceIndex } from '../service/ServiceIndex';
import type {
  ClusterStateRepository,
  StoredClusterState,
} from './ClusterStateRepository';
import type { FleetStore, FleetView } from './FleetStore';
import { inventoryDigest } from './inventoryDigest';
import {
  changedObjects,
  inventoryChange,
  inventoryObjects,
} from './inventoryChange';
import {
  derivationChange,
  derivationKey,
  derivationOf,
  derivationRecord,
  type DerivationRecord,
} from './storedDerivation';

/** Changes written on top of an inventory before it is written whole again (loads apply them all). */
const MAX_CHANGES = 100;
/** A change bringing more than this share of the inventory's objects is written whole. */
const MAX_CHANGE_SHARE = 0.25;

export interface LiveFleetStoreOptions {
  clusters: Array<Pick<ClusterInput, 'name' | 'source'>>;
  repository: ClusterStateRepository;
  aggregation: AggregationOptions;
  logger: LoggerService;
  /** How often a read may check the database for another replica's writes. */
  refreshIntervalMs?: number;
  /**
   * How often a watched cluster's inventory is written at most (`recordChange`); its
   * changes in between are served from memory. Default 10 seconds.
   */
  persistIntervalMs?: number;
  /**
   * Whether this replica discovers the cluster (holds its lease): it writes that cluster,
   * so the database never has anything newer for it and a refresh leaves it alone.
   */
  owns?: (cluster: string) => boolean;
  now?: () => Date;
}

/** Whether the stored state holds last-known-good data: an inventory, or its derivation. */
function hasStoredData(stored: StoredClusterState): boolean {
  return stored.inventory !== undefined || stored.derivation !== undefined;
}

/**
 * A stored cluster's inventory, with its digest when the repository gave one (another
 * replica's write, or the state a restart loads); its digest alone when the repository
 * gave its derivation instead, which the memo is seeded with (see `apply`).
 */
function storedInventory(
  stored: StoredClusterState,
): Pick<ClusterInput, 'inventory' | 'inventoryDigest'> {
  if (stored.derivation && stored.inventoryDigest)
    return { inventoryDigest: stored.inventoryDigest };
  if (!stored.inventory) return {};
  return stored.inventoryDigest
    ? { inventory: stored.inventory, inventoryDigest: stored.inventoryDigest }
    : { inventory: stored.inventory };
}

/**
 * Holds each configured cluster's last-known-good inventory in memory and the fleet built
 * from them. Discovery results land here and in the database; reads are served from memory.
 * Every replica serves the whole fleet: at most once per refresh interval it picks up the
 * clusters other replicas wrote (see refreshIfChanged).
 *
 * Each inventory is held with its content digest, and every build gets the store's memo:
 * a rebuild after a round of syncs recomputes only the clusters whose content changed. A
 * digested inventory (a full read's, or the database's) is held only until the memo has
 * derived it: from then on its digest stands for it (see `release`). A watched cluster's
 * inventory stays: the next change is derived against its objects.
 */
export class LiveFleetStore implements FleetStore, ClusterOutcomeSink {
  private readonly clusters = new Map<string, ClusterInput>();
  private readonly memo = new FleetMemo();
  /** The last index built: the next one reuses what it holds of unchanged services. */
  private lastIndex?: ServiceIndex;
  private view?: FleetView;
  /** Bumped whenever the fleet goes out of date, so a build knows whether it still is. */
  private version = 0;
  private building?: { version: number; view: Promise<FleetView> };
  /** Each stored cluster's version as this replica last read or skipped it. */
  private readonly seen = new Map<string, number>();
  private lastRefresh = 0;
  private readonly now: () => Date;
  /** Watched clusters changed since their inventory was last written. */
  private readonly unsaved = new Map<
    string,
    { inventory: ClusterInventory; sync: ClusterSyncStatus }
  >();
  private saveTimer?: NodeJS.Timeout;
  private saving: Promise<void> = Promise.resolve();
  /**
   * The inventory last written of each watched cluster, and how many changes were written
   * on top of the last whole one: the next write is the change from it (see `write`).
   */
  private readonly written = new Map<
    string,
    {
      inventory: ClusterInventory;
      changes: number;
      /** Its derivation as written, while the stored one is whole (see `write`). */
      derivation?: DerivationRecord;
    }
  >();
  /**
   * Watched clusters changed since the last fleet built: what each was before (the fleet
   * was built with it), the memo's entry to go back to, and the write that was pending.
   */
  private readonly unchecked = new Map<
    string,
    {
      cluster: ClusterInput;
      restore: () => void;
      unsaved?: { inventory: ClusterInventory; sync: ClusterSyncStatus };
    }
  >();

  /** Which stored derivations this store may seed its memo with. */
  private readonly derivationKey: string;

  constructor(private readonly options: LiveFleetStoreOptions) {
    this.now = options.now ?? (() => new Date());
    this.derivationKey = derivationKey(options.aggregation);
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
   *
   * A cluster whose derivation is stored (under this store's key) is not derived again:
   * the memo is seeded with it, and its inventory is not even parsed (at 50,000 services,
   * ~0.5 s of parsing and deriving per cluster against ~0.06 s of parsing the derivation).
   * The others are read, derived and released (see `release`) one at a time, yielding in
   * between, so a restart holds one cluster's stored JSON and objects at a time instead of
   * every cluster's.
   */
  async load(): Promise<void> {
    const { repository } = this.options;
    const stored = [...(await repository.versions()).keys()].sort();
    for (const name of stored) {
      for (const state of await repository.load([name], {
        derivationKey: this.derivationKey,
      })) {
        this.apply(state);
        const cluster = this.clusters.get(state.cluster);
        // checked as a sync's content is: one the fleet cannot be built from stays held,
        // and the first build drops it with the reason (withoutUnbuildable). A stored
        // derivation was checked by the replica that wrote it; should the fleet still fail
        // on it, the build finds and drops it the same way.
        if (cluster?.inventory && !this.unbuildable(cluster))
          this.release(state.cluster);
      }
      await new Promise(resolve => setImmediate(resolve));
    }
    this.lastRefresh = Date.now();
    this.invalidate();
  }

  /** A stored cluster state as this replica's own, and its version as seen. */
  private apply(stored: StoredClusterState) {
    const cluster = this.clusters.get(stored.cluster);
    // The same content as held (this replica's own write, or another's of an unchanged
    // cluster) keeps the held inventory object: what the memo derived refers to its parts,
    // so memory holds one copy of them.
    const same =
      hasStoredData(stored) &&
      cluster !== undefined &&
      hasData(cluster) &&
      stored.inventoryDigest !== undefined &&
      cluster.inventoryDigest === stored.inventoryDigest;
    if (!same && stored.derivation && stored.inventoryDigest)
      this.memo.seed(
        stored.cluster,
        this.options.aggregation,
        stored.inventoryDigest,
        derivationOf(stored.derivation),
      );
    // another replica's write replaces the inventory; a failed sync keeps the one held
    this.clusters.set(
      stored.cluster,
      hasStoredData(stored)
        ? {
            name: stored.cluster,
            source: cluster?.source ?? 'kubernetes',
            sync: stored.sync,
            ...(same
              ? {
                  ...(cluster.inventory
                    ? { inventory: cluster.inventory }
                    : {}),
                  inventoryDigest: cluster.inventoryDigest,
                }
              : storedInventory(stored)),
          }
        : {
            ...(cluster ?? { name: stored.cluster, source: 'kubernetes' }),
            sync: stored.sync,
          },
    );
    if (stored.updatedAt !== undefined)
      this.seen.set(stored.cluster, stored.updatedAt);
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
      this.memo.forget(name);
      this.unsaved.delete(name);
      this.written.delete(name);
      this.unchecked.delete(name);
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
    // A sync that read the same content keeps the inventory object it replaces: what the
    // memo derived from it refers to that object's parts, so memory holds one copy of them.
    const serialized = JSON.stringify(inventory);
    const digest = inventoryDigest(serialized);
    const same = hasData(cluster) && cluster.inventoryDigest === digest;
    const problem = same
      ? undefined
      : this.unbuildable({
          ...cluster,
          inventory,
          inventoryDigest: digest,
        });
    if (problem) {
      // never accepted as last-known-good: the fleet, and every read, would fail with it
      await this.refuse(name, problem, at);
      return;
    }
    this.clusters.set(name, {
      ...cluster,
      sync,
      ...(same ? {} : { inventory }),
      inventoryDigest: digest,
    });
    // checked, so derived: its digest stands for it from now on
    this.release(name);
    this.invalidate();
    // this write holds the newest inventory: a watched change before it has nothing to add
    this.unsaved.delete(name);
    // a full read's inventory is not held, so no change is written on top of it
    this.written.delete(name);
    // checked as it came: no watched change of it is left to go back from
    this.unchecked.delete(name);
    const derivation = this.storedDerivation(name, { inventoryDigest: digest });
    await this.persist(() =>
      this.options.repository.saveSuccess(name, inventory, sync, {
        serialized,
        digest,
        ...(derivation ? { derivation } : {}),
      }),
    );
  }

  /**
   * Records a watched cluster's inventory after a change. A watch's inventory keeps the
   * objects of everything that did not change, so what it costs is what changed: no
   * serialising or digesting of the whole inventory (the memo knows it by its objects),
   * a derivation of only the services the change touched — checked by the next fleet
   * build, or alone before it is written if none came first — and a write to the database
   * at most once per `persistIntervalMs`, of what changed since the last write (see
   * `write`) — the last change always lands, and `flush` (at
   * shutdown) writes what is pending. Reads are served from memory meanwhile; what a crash
   * loses is at most one interval of changes, which the restart's first list reads again.
   */
  async recordChange(name: string, inventory: ClusterInventory, at: Date) {
    const cluster = this.clusters.get(name);
    if (!cluster) return;
    const sync: ClusterSyncStatus = {
      state: 'ok',
      lastSuccessAt: at.toISOString(),
      lastAttemptAt: at.toISOString(),
    };
    if (cluster.inventory !== inventory) {
      const next: ClusterInput = {
        ...cluster,
        inventory,
        inventoryDigest: undefined,
      };
      // Derived now, the one part of the check that is this cluster's alone; the rest of
      // the check is the next fleet build (see `build`), which reverts this change if the
      // fleet cannot be built with it. Building this cluster's fleet alone on every change
      // cost more than the derivation, and keeping what it built, per cluster, held a
      // second copy of every service.
      const restore = this.memo.checkpoint(name);
      try {
        deriveCluster(next, this.options.aggregation, this.memo);
      } catch (error) {
        restore();
        await this.refuse(name, error, at);
        return;
      }
      // the last content the fleet was built with, which a failed build goes back to
      if (!this.unchecked.has(name))
        this.unchecked.set(name, {
          cluster,
          restore,
          unsaved: this.unsaved.get(name),
        });
    }
    const { inventoryDigest: _, ...rest } = cluster;
    this.clusters.set(name, { ...rest, sync, inventory });
    this.invalidate();
    this.unsaved.set(name, { inventory, sync });
    this.scheduleSave();
  }

  /** Refuses a sync's content: the cluster keeps its last good data, marked stale with why. */
  private async refuse(name: string, problem: unknown, at: Date) {
    await this.recordFailure(name, refusal(problem), at);
  }

  /** Writes every watched change not written yet: at shutdown, so a restart loses none. */
  async flush(): Promise<void> {
    clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    this.saving = this.saving.then(() => this.saveUnsaved());
    await this.saving;
    // what could not be written now is not retried: the process is stopping
    clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
  }

  private async saveUnsaved(names = [...this.unsaved.keys()]) {
    for (const name of names) {
      // never written before it is checked: no fleet may have been built with it yet
      const refused = this.checkAlone(name);
      const pending = this.unsaved.get(name);
      if (pending) {
        this.unsaved.delete(name);
        const saved = await this.persist(() => this.write(name, pending));
        // written at the next interval, unless a newer change is already waiting
        if (!saved && !this.unsaved.has(name)) this.unsaved.set(name, pending);
      }
      if (refused)
        await this.persist(() =>
          this.options.repository.saveSync(name, refused),
        );
    }
    if (this.unsaved.size > 0) this.scheduleSave();
  }

  /**
   * Writes a watched cluster's inventory: as the change from the one last written (one
   * pod's change is one pod's JSON), or whole — the first time, after `MAX_CHANGES`
   * changes, for a change of more than `MAX_CHANGE_SHARE` of its objects, and whenever the
   * repository no longer holds what this store last wrote.
   */
  private async write(
    name: string,
    {
      inventory,
      sync,
    }: { inventory: ClusterInventory; sync: ClusterSyncStatus },
  ) {
    // derived when the change was recorded; a change refused since has none to write
    const derivation = this.storedDerivation(name, { inventory });
    const last = this.written.get(name);
    if (last && last.changes < MAX_CHANGES) {
      const change = inventoryChange(last.inventory, inventory);
      const record =
        last.derivation && derivation ? derivation.record : undefined;
      if (
        changedObjects(change) <=
          MAX_CHANGE_SHARE * inventoryObjects(inventory) &&
        (await this.options.repository.saveChange(
          name,
          change,
          sync,
          record && derivationChange(last.derivation!, record),
        ))
      ) {
        this.written.set(name, {
          inventory,
          changes: last.changes + 1,
          ...(record ? { derivation: record } : {}),
        });
        return;
      }
    }
    this.written.delete(name);
    await this.options.repository.saveSuccess(
      name,
      inventory,
      sync,
      derivation ? { derivation } : {},
    );
    this.written.set(name, {
      inventory,
      changes: 0,
      ...(derivation ? { derivation: derivation.record } : {}),
    });
  }

  /**
   * What the memo derived from this content of the cluster (its inventory object, or its
   * digest), to store beside it; undefined when the memo holds another content's.
   */
  private storedDerivation(
    name: string,
    content: Pick<ClusterInput, 'inventory' | 'inventoryDigest'>,
  ) {
    const derivation = this.memo.get(
      { name, ...content },
      this.options.aggregation,
    );
    return derivation
      ? { key: this.derivationKey, record: derivationRecord(derivation) }
      : undefined;
  }

  private scheduleSave() {
    this.saveTimer ??= setTimeout(() => {
      this.saveTimer = undefined;
      this.saving = this.saving.then(() => this.saveUnsaved());
    }, this.options.persistIntervalMs ?? 10_000);
    // a pending write never holds the process open: stopping flushes it
    this.saveTimer.unref?.();
  }

  async recordFailure(
    name: string,
    error: { reason: ClusterErrorReason; message: string },
    at: Date,
  ) {
    // the last good inventory lands before the failure's status, which keeps it
    if (this.unsaved.has(name)) {
      this.saving = this.saving.then(() => this.saveUnsaved([name]));
      await this.saving;
    }
    const cluster = this.clusters.get(name);
    if (!cluster) return;
    // the inventory is deliberately kept: a failed sync never empties a cluster
    const sync = failedSync(cluster, error, at);
    this.clusters.set(name, { ...cluster, sync });
    this.invalidate();
    await this.persist(() => this.options.repository.saveSync(name, sync));
  }

  /** Why the cluster's last sync failed, if it did: discovery reads hanging clusters last. */
  lastFailure(name: string): ClusterErrorReason | undefined {
    return this.clusters.get(name)?.sync.error?.reason;
  }

  async getFleet(): Promise<Fleet> {
    return (await this.getFleetView()).fleet;
  }

  async getFleetView(): Promise<FleetView> {
    await this.refreshIfChanged();
    if (this.view) return this.view;
    // readers arriving during a build share it, unless the fleet changed since it started
    if (this.building?.version !== this.version) {
      const building = { version: this.version, view: this.build() };
      this.building = building;
      building.view
        .finally(() => {
          if (this.building === building) this.building = undefined;
        })
        .catch(() => {}); // the callers awaiting it see the error
    }
    return this.building!.view;
  }

  async getService(namespace: string, name: string) {
    return (await this.getFleetView()).serviceIndex.get(namespace, name);
  }

  private async build(): Promise<FleetView> {
    const version = this.version;
    const { aggregation } = this.options;
    // What each inventory contributes is derived one cluster at a time, yielding in between:
    // a first build at 50,000 services takes seconds and must not hold the event loop (and
    // every other plugin's requests) for all of it. Later builds find most of it in the memo.
    let clusters = [...this.clusters.values()];
    for (const cluster of clusters) {
      if (!cluster.inventory || this.memo.get(cluster, aggregation)) continue;
      try {
        deriveCluster(cluster, aggregation, this.memo);
      } catch {
        // buildFleet fails on it too, and the fallback below finds why
      }
      await new Promise(resolve => setImmediate(resolve));
    }
    let fleet: Fleet;
    for (;;) {
      // as they are now: watched changes arrived while the build yielded
      clusters = [...this.clusters.values()];
      try {
        fleet = buildFleet(clusters, aggregation, this.now(), this.memo);
        // the fleet is built with every watched change so far: they are checked
        this.unchecked.clear();
        break;
      } catch (error) {
        if (this.revertUnbuildableChanges(error)) continue;
        fleet = buildFleet(
          this.withoutUnbuildable(clusters, error),
          aggregation,
          this.now(),
          this.memo,
        );
        break;
      }
    }
    for (const cluster of clusters) this.release(cluster.name);
    await new Promise(resolve => setImmediate(resolve));
    // built with the fleet, so no reader's request pays for it
    const view = {
      fleet,
      serviceIndex: new ServiceIndex(fleet.services, this.lastIndex),
    };
    this.lastIndex = view.serviceIndex;
    if (version === this.version) this.view = view;
    return view;
  }

  /**
   * Checks a watched change the fleet was not built with yet, alone, as a full read's
   * content is checked when it arrives; with `refusedFor`, refuses it without a check. A
   * refused change goes back to what the cluster held (its memo entry, its pending write),
   * marked stale with the reason, as if it had been refused when it came: the status to
   * persist is returned.
   */
  private checkAlone(
    name: string,
    refusedFor?: string,
  ): ClusterSyncStatus | undefined {
    const before = this.unchecked.get(name);
    if (!before) return undefined;
    this.unchecked.delete(name);
    const cluster = this.clusters.get(name);
    const problem =
      refusedFor ??
      (cluster?.inventory ? this.unbuildable(cluster) : undefined);
    if (!cluster || !problem) return undefined;
    before.restore();
    const sync = failedSync(
      before.cluster,
      refusal(problem),
      new Date(cluster.sync.lastAttemptAt ?? this.now().toISOString()),
    );
    this.clusters.set(name, { ...before.cluster, sync });
    if (before.unsaved) this.unsaved.set(name, before.unsaved);
    else this.unsaved.delete(name);
    this.invalidate();
    return sync;
  }

  /**
   * After a failed build, the watched changes since the last good one: each checked alone
   * (`checkAlone`), and when none fails alone, the fleet failed on them together (a Linkerd
   * mirror names a cluster only the whole fleet resolves): all of them are refused, which
   * leaves the fleet the last build had. True when one was refused.
   */
  private revertUnbuildableChanges(error: unknown): boolean {
    const entries = [...this.unchecked];
    const refuse = (problem?: string) =>
      entries.flatMap(([name]) => {
        const sync = this.checkAlone(name, problem);
        return sync ? [{ name, sync }] : [];
      });
    let refused = refuse();
    if (refused.length === 0 && entries.length > 0) {
      for (const [name, before] of entries) this.unchecked.set(name, before);
      refused = refuse(
        `${messageOf(error)}, with the changes of ${entries
          .map(([name]) => name)
          .join(', ')}`,
      );
    }
    if (refused.length === 0) return false;
    // not awaited: a read must not wait for the database; the good content lands first
    const names = refused.map(r => r.name);
    this.saving = this.saving
      .then(() => this.saveUnsaved(names))
      .then(async () => {
        for (const { name, sync } of refused)
          await this.persist(() =>
            this.options.repository.saveSync(name, sync),
          );
      });
    return true;
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
      // a released cluster too: its stored derivation may be what fails
      const problem = hasData(cluster) && this.unbuildable(cluster);
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
      if (this.clusters.get(cluster.name) === cluster) {
        this.clusters.set(cluster.name, dropped);
        // a stored derivation may be what failed: the same content synced again is derived
        this.memo.forget(cluster.name);
      }
      return dropped;
    });
    // not one cluster's data: the build itself is broken, and says so
    if (!found) throw error;
    return kept;
  }

  /**
   * Why the fleet could not be built with the cluster's inventory, or undefined when it can:
   * it is built alone first, so one cluster's bad data fails only that cluster. What the
   * build derives from the inventory stays in the memo, so the next fleet build reuses it;
   * the services of that one-cluster fleet are dropped (nothing builds it again soon).
   */
  private unbuildable(cluster: ClusterInput): string | undefined {
    // refused content must not replace what was derived from the content kept, which a
    // released cluster holds by its digest alone
    const restore = this.memo.checkpoint(cluster.name);
    try {
      buildFleet(
        [cluster],
        this.options.aggregation,
        this.now(),
        this.memo.forCluster(cluster.name),
      );
      return undefined;
    } catch (error) {
      restore();
      return messageOf(error);
    } finally {
      this.memo.forgetCheck(cluster.name);
    }
  }

  /**
   * Drops the cluster's inventory when its digest stands for it: a digested inventory comes
   * from a full read, which the next one shares no object with, so once the memo derived it
   * nothing reads it again — a changed cluster brings a new inventory, and the same content
   * is known by its digest. A watched cluster's (undigested) inventory stays.
   */
  private release(name: string) {
    const cluster = this.clusters.get(name);
    if (!cluster?.inventory || cluster.inventoryDigest === undefined) return;
    if (!this.memo.get(cluster, this.options.aggregation)) return;
    const { inventory: _, ...released } = cluster;
    this.clusters.set(name, released);
  }

  private invalidate() {
    this.view = undefined;
    this.version++;
  }

  /** Whether the write landed. */
  private async persist(write: () => Promise<void>): Promise<boolean> {
    try {
      await write();
      return true;
    } catch (error) {
      // memory stays authoritative for this replica; the next sync writes again
      this.options.logger.error(
        `Could not persist mesh cluster state: ${(error as Error).message}`,
      );
      return false;
    }
  }

  /**
   * Picks up other replicas' writes, one cluster at a time: the stored versions are
   * compared with those seen, and only clusters written since (by another replica: this one
   * skips those it holds) are read and parsed; clusters deleted since are forgotten.
   */
  private async refreshIfChanged() {
    const interval = this.options.refreshIntervalMs ?? 10_000;
    if (Date.now() - this.lastRefresh < interval) return;
    this.lastRefresh = Date.now();
    const owns = this.options.owns ?? (() => false);
    try {
      const versions = await this.options.repository.versions();
      const changed: string[] = [];
      for (const [cluster, version] of versions) {
        if (this.seen.get(cluster) === version) continue;
        if (owns(cluster)) this.seen.set(cluster, version);
        else changed.push(cluster);
      }
      const deleted = [...this.seen.keys()].filter(c => !versions.has(c));
      if (changed.length === 0 && deleted.length === 0) return;
      for (const cluster of deleted) {
        this.seen.delete(cluster);
        // a cluster held here stays: this replica's locators still list it
        if (owns(cluster)) continue;
        this.clusters.delete(cluster);
        this.memo.forget(cluster);
        this.written.delete(cluster);
        this.unchecked.delete(cluster);
      }
      for (const stored of await this.options.repository.load(changed, {
        derivationKey: this.derivationKey,
      })) {
        // a lease claimed meanwhile: this replica's own reads are what count now
        if (owns(stored.cluster)) continue;
        this.apply(stored);
        // another replica's write: what this one wrote is no longer what is stored
        this.written.delete(stored.cluster);
        this.unchecked.delete(stored.cluster);
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

/** Whether the cluster has last-known-good data: held, or released with its digest. */
function hasData(cluster: ClusterInput): boolean {
  return (
    cluster.inventory !== undefined || cluster.inventoryDigest !== undefined
  );
}

/** A sync that failed: the data held is kept, marked stale, with when and why. */
function failedSync(
  cluster: ClusterInput,
  error: { reason: ClusterErrorReason; message: string },
  at: Date,
): ClusterSyncStatus {
  return {
    state: hasData(cluster) ? 'stale' : 'never-synced',
    ...(cluster.sync.lastSuccessAt
      ? { lastSuccessAt: cluster.sync.lastSuccessAt }
      : {}),
    lastAttemptAt: at.toISOString(),
    error,
  };
}

/** Why a sync's content was refused. */
function refusal(problem: unknown): {
  reason: ClusterErrorReason;
  message: string;
} {
  return {
    reason: 'malformed-response',
    message: `the cluster's objects could not be assembled into the fleet (${messageOf(
      problem,
    )}); its last good data is kept`,
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
