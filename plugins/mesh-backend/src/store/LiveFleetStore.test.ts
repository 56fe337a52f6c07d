import { mockServices } from '@backstage/backend-test-utils';
import type { Fleet } from '@meshport/backstage-plugin-mesh-common';
import { AGGREGATION, demoClusterInputs } from '../__testUtils__/demoFleet';
import { memoryRepository } from '../__testUtils__/memoryRepository';
import { storedStates } from '../__testUtils__/storedStates';
import type { ClusterInventory } from '../aggregation/inventory';
import { queryServices } from '../service/queryServices';
import type { ClusterStateRepository } from './ClusterStateRepository';
import { inventoryDigest } from './inventoryDigest';
import { LiveFleetStore } from './LiveFleetStore';
import { changedObjects } from './inventoryChange';
import { deriveCluster, FleetMemo } from '../aggregation/FleetMemo';
import { derivationKey, derivationRecord } from './storedDerivation';

const AT = '2025-04-01T00:00:00.000Z';

/** A cluster's status once a sync's content at `at` was refused: its last good data kept. */
const refusedAt = (at: Date) => ({
  state: 'stale',
  lastSuccessAt: AT,
  lastAttemptAt: at.toISOString(),
  error: {
    reason: 'malformed-response',
    message: expect.stringMatching(
      /^the cluster's objects could not be assembled into the fleet \(.+\); its last good data is kept$/,
    ),
  },
});

describe('LiveFleetStore', () => {
  async function setup() {
    const inputs = await demoClusterInputs(AT);
    const store = new LiveFleetStore({
      clusters: inputs.map(({ name, source }) => ({ name, source })),
      repository: memoryRepository(),
      aggregation: AGGREGATION,
      logger: mockServices.logger.mock(),
    });
    await store.load();
    const inventory = (name: string) =>
      inputs.find(c => c.name === name)!.inventory!;
    for (const c of inputs)
      await store.recordSuccess(c.name, c.inventory!, new Date(AT));
    return { store, inventory };
  }
  // what a fresh sync hands over: equal content, new objects
  const reread = (inventory: ClusterInventory): ClusterInventory =>
    JSON.parse(JSON.stringify(inventory));
  /** Each service of the cluster with its endpoint counts there. */
  const servicesAt = (fleet: Fleet, cluster: string) =>
    fleet.services.flatMap(s =>
      s.instances
        .filter(i => i.cluster === cluster)
        .map(i => `${s.id} ${i.endpoints.ready}/${i.endpoints.total}`),
    );
  /** cluster-3's stored data was dropped, logged, and the others are served. */
  async function expectOnlyCluster3Dropped(
    store: LiveFleetStore,
    logger: ReturnType<typeof mockServices.logger.mock>,
  ) {
    const fleet = await store.getFleet();
    expect(fleet.clusters.map(c => [c.name, c.sync.state])).toEqual([
      ['cluster-1', 'ok'],
      ['cluster-2', 'ok'],
      ['cluster-3', 'never-synced'],
      ['cluster-4', 'ok'],
    ]);
    expect(logger.error).toHaveBeenCalledWith(
      expect.stringMatching(/^Ignoring the inventory of cluster cluster-3: /),
    );
  }
  const workloadsOf = async (
    store: LiveFleetStore,
    id: string,
    cluster: string,
  ) =>
    (await store.getFleet()).services
      .find(s => s.id === id)!
      .instances.find(i => i.cluster === cluster)!.workloads;

  it('keeps what it built from a cluster whose sync read the same content', async () => {
    const { store, inventory } = await setup();
    const before = await workloadsOf(store, 'bookinfo/reviews', 'cluster-2');
    const next = new Date('2025-04-01T00:01:00.000Z');
    await store.recordSuccess(
      'cluster-2',
      reread(inventory('cluster-2')),
      next,
    );
    const fleet = await store.getFleet();
    expect(
      fleet.clusters.find(c => c.name === 'cluster-2')?.sync,
    ).toMatchObject({
      lastSuccessAt: next.toISOString(),
    });
    expect(await workloadsOf(store, 'bookinfo/reviews', 'cluster-2')).toBe(
      before,
    );
  });

  it('rebuilds a cluster whose sync read something new', async () => {
    const { store, inventory } = await setup();
    const before = await workloadsOf(store, 'bookinfo/reviews', 'cluster-2');
    const changed = reread(inventory('cluster-2'));
    const reviewsPods = changed.pods.filter(p => p.labels.app === 'reviews');
    expect(reviewsPods.length).toBeGreaterThan(0);
    for (const pod of reviewsPods) pod.ready = false;
    await store.recordSuccess('cluster-2', changed, new Date(AT));
    const after = await workloadsOf(store, 'bookinfo/reviews', 'cluster-2');
    expect(after).not.toBe(before);
    expect(after.every(w => w.pods.ready === 0)).toBe(true);
    expect(before.some(w => w.pods.ready > 0)).toBe(true);
  });

  it('loads one cluster at a time, yielding, and gives readers that arrive during a build the same fleet', async () => {
    // a restarting store derives every stored cluster: not in one turn of the event loop
    const inputs = await demoClusterInputs(AT);
    const repository = memoryRepository();
    const sync = { state: 'ok' as const, lastSuccessAt: AT, lastAttemptAt: AT };
    for (const c of inputs)
      await repository.saveSuccess(c.name, c.inventory!, sync);
    const load = jest.spyOn(repository, 'load');
    const store = new LiveFleetStore({
      clusters: inputs.map(({ name, source }) => ({ name, source })),
      repository,
      aggregation: AGGREGATION,
      logger: mockServices.logger.mock(),
    });
    let turns = 0;
    let loading = true;
    const count = () => {
      if (!loading) return;
      turns++;
      setImmediate(count);
    };
    setImmediate(count);
    await store.load();
    loading = false;
    expect(load.mock.calls.map(([names]) => names)).toEqual(
      inputs.map(c => [c.name]).sort(),
    );
    expect(turns).toBeGreaterThanOrEqual(inputs.length);
    const [a, b] = await Promise.all([store.getFleet(), store.getFleet()]);
    expect(a).toBe(b);
    // the same fleet a store that never restarted builds
    const fresh = new LiveFleetStore({
      clusters: inputs.map(({ name, source }) => ({ name, source })),
      repository: memoryRepository(),
      aggregation: AGGREGATION,
      logger: mockServices.logger.mock(),
    });
    for (const c of inputs)
      await fresh.recordSuccess(c.name, c.inventory!, new Date(AT));
    expect((await fresh.getFleet()).services).toEqual(a.services);
  });

  it('answers a read after a change with the change, even while an older build runs', async () => {
    const { store, inventory } = await setup();
    const changed = reread(inventory('cluster-2'));
    changed.pods.forEach(p => (p.ready = false));
    await store.recordSuccess(
      'cluster-2',
      reread(inventory('cluster-2')),
      new Date(AT),
    );
    const older = store.getFleet();
    // let that build start (it yields between clusters), then change cluster-2 under it
    await new Promise(resolve => setImmediate(resolve));
    await store.recordSuccess('cluster-2', changed, new Date(AT));
    const newer = await store.getFleet();
    await older;
    const reviews = newer.services
      .find(s => s.id === 'bookinfo/reviews')!
      .instances.find(i => i.cluster === 'cluster-2')!;
    expect(reviews.workloads.every(w => w.pods.ready === 0)).toBe(true);
    expect(await store.getFleet()).toBe(newer);
    expect(
      (await store.getService('bookinfo', 'reviews'))?.instances.find(
        i => i.cluster === 'cluster-2',
      )?.workloads,
    ).toBe(reviews.workloads);
  });

  it('publishes each fleet with the index its services are looked up and searched by', async () => {
    const { store, inventory } = await setup();
    const view = await store.getFleetView();
    expect(await store.getFleet()).toBe(view.fleet);
    expect(view.serviceIndex.services).toBe(view.fleet.services);
    const reviews = view.fleet.services.find(s => s.id === 'bookinfo/reviews');
    expect(await store.getService('bookinfo', 'reviews')).toBe(reviews);
    expect(await store.getService('bookinfo', 'nothing-like-this')).toBe(
      undefined,
    );
    expect(
      queryServices(view.serviceIndex, { q: 'REVIEWS', offset: 0, limit: 10 })
        .items,
    ).toEqual([reviews]);

    // a change publishes a new fleet with a new index: never one fleet's index with another's
    const changed = reread(inventory('cluster-2'));
    changed.services = changed.services.filter(s => s.name !== 'reviews');
    await store.recordSuccess('cluster-2', changed, new Date(AT));
    const next = await store.getFleetView();
    expect(next.serviceIndex).not.toBe(view.serviceIndex);
    expect(next.serviceIndex.services).toBe(next.fleet.services);
    expect(
      (await store.getService('bookinfo', 'reviews'))?.instances.map(
        i => i.cluster,
      ),
    ).toEqual(['cluster-1']);
  });

  it("reuses what it derived when another replica's write brings the same content", async () => {
    const repository = memoryRepository();
    const inputs = await demoClusterInputs(AT);
    const sync = { state: 'ok' as const, lastSuccessAt: AT, lastAttemptAt: AT };
    for (const c of inputs)
      await repository.saveSuccess(c.name, c.inventory!, sync);
    // a replica that does not run discovery: it reads what the runner wrote
    const store = new LiveFleetStore({
      clusters: inputs.map(({ name, source }) => ({ name, source })),
      repository,
      aggregation: AGGREGATION,
      logger: mockServices.logger.mock(),
      refreshIntervalMs: 0,
    });
    await store.load();
    const before = await workloadsOf(store, 'bookinfo/reviews', 'cluster-2');
    const fromDb = (name: string) =>
      reread(inputs.find(c => c.name === name)!.inventory!);

    for (const c of inputs)
      await repository.saveSuccess(c.name, fromDb(c.name), sync);
    expect(await workloadsOf(store, 'bookinfo/reviews', 'cluster-2')).toBe(
      before,
    );

    const changed = fromDb('cluster-2');
    changed.pods.forEach(p => (p.ready = false));
    await repository.saveSuccess('cluster-2', changed, sync);
    const after = await workloadsOf(store, 'bookinfo/reviews', 'cluster-2');
    expect(after).not.toBe(before);
    expect(after.every(w => w.pods.ready === 0)).toBe(true);
  });

  describe("picking up other replicas' writes", () => {
    async function replicas(owned: string[] = []) {
      const repository = memoryRepository();
      const inputs = await demoClusterInputs(AT);
      const sync = {
        state: 'ok' as const,
        lastSuccessAt: AT,
        lastAttemptAt: AT,
      };
      for (const c of inputs)
        await repository.saveSuccess(c.name, c.inventory!, sync);
      const load = jest.spyOn(repository, 'load');
      const logger = mockServices.logger.mock();
      const store = new LiveFleetStore({
        clusters: inputs.map(({ name, source }) => ({ name, source })),
        repository,
        aggregation: AGGREGATION,
        logger,
        refreshIntervalMs: 0,
        owns: name => owned.includes(name),
      });
      await store.load();
      await store.getFleet();
      // what the start read (one cluster at a time) is not what these tests count
      load.mockClear();
      return { repository, inputs, sync, load, store, logger };
    }
    const servicesOf = async (store: LiveFleetStore, cluster: string) =>
      (await store.getFleet()).services.filter(s =>
        s.instances.some(i => i.cluster === cluster),
      ).length;

    it('reads only the clusters written since it last looked', async () => {
      const { repository, inputs, sync, load, store } = await replicas();
      // loaded at start, and nothing written since: nothing read
      expect(load).not.toHaveBeenCalled();
      const changed = reread(
        inputs.find(c => c.name === 'cluster-2')!.inventory!,
      );
      changed.pods.forEach(p => (p.ready = false));
      await repository.saveSuccess('cluster-2', changed, sync);
      const workloads = await workloadsOf(
        store,
        'bookinfo/reviews',
        'cluster-2',
      );
      expect(workloads.every(w => w.pods.ready === 0)).toBe(true);
      expect(load.mock.calls.map(([names]) => names)).toEqual([['cluster-2']]);
      // nothing written since: nothing read
      await store.getFleet();
      expect(load).toHaveBeenCalledTimes(1);
    });

    it('forgets a cluster another replica deleted, and adds one it found', async () => {
      const { repository, inputs, sync, store } = await replicas();
      const names = inputs.map(c => c.name);
      await repository.retainOnly(names.filter(n => n !== 'cluster-2'));
      await repository.saveSuccess('cluster-9', inputs[0].inventory!, sync);
      const clusters = (await store.getFleet()).clusters.map(c => c.name);
      expect(clusters).not.toContain('cluster-2');
      expect(clusters).toContain('cluster-9');
    });

    it('never replaces a cluster it holds with what the database has', async () => {
      const { repository, inputs, sync, load, store } = await replicas([
        'cluster-2',
      ]);
      const before = await servicesOf(store, 'cluster-2');
      // an older write landing late, e.g. from the replica that held it before
      await repository.saveSuccess(
        'cluster-2',
        { ...reread(inputs[0].inventory!), services: [] },
        sync,
      );
      load.mockClear();
      expect(await servicesOf(store, 'cluster-2')).toBe(before);
      expect(load).not.toHaveBeenCalled();
    });

    it('keeps serving what it has when the database cannot be read, and says so', async () => {
      const { repository, store, logger } = await replicas();
      const before = await store.getFleet();
      jest
        .spyOn(repository, 'versions')
        .mockRejectedValue(new Error('connection refused'));
      expect((await store.getFleet()).services).toEqual(before.services);
      expect(logger.warn).toHaveBeenCalledWith(
        'Could not check the database for fleet updates: connection refused',
      );
    });
  });

  it('does not rebuild a cluster whose first sync after a restart brings the content it loaded', async () => {
    const inputs = await demoClusterInputs(AT);
    const saved = memoryRepository();
    const sync = { state: 'ok' as const, lastSuccessAt: AT, lastAttemptAt: AT };
    for (const c of inputs) await saved.saveSuccess(c.name, c.inventory!, sync);
    // as the database does it: new objects, digested from the JSON it read
    const repository: ClusterStateRepository = {
      ...saved,
      load: async clusters =>
        (await saved.load(clusters)).map(row => ({
          ...row,
          inventory: reread(row.inventory!),
          inventoryDigest: inventoryDigest(JSON.stringify(row.inventory)),
        })),
    };
    const store = new LiveFleetStore({
      clusters: inputs.map(({ name, source }) => ({ name, source })),
      repository,
      aggregation: AGGREGATION,
      logger: mockServices.logger.mock(),
    });
    await store.load();
    const before = await workloadsOf(store, 'bookinfo/reviews', 'cluster-2');
    const cluster2 = inputs.find(c => c.name === 'cluster-2')!.inventory!;
    await store.recordSuccess('cluster-2', reread(cluster2), new Date(AT));
    expect(await workloadsOf(store, 'bookinfo/reviews', 'cluster-2')).toBe(
      before,
    );
  });

  /** An inventory whose Service name is a number: `buildFleet` throws on it. */
  function unbuildable(inventory: ClusterInventory): ClusterInventory {
    const bad = reread(inventory);
    bad.services.push({ ...bad.services[0], name: 7 as unknown as string });
    return bad;
  }

  describe('a watched change', () => {
    async function watched(persistIntervalMs = 60_000) {
      const inputs = await demoClusterInputs(AT);
      const saved = memoryRepository();
      const writes: string[] = [];
      /** Each write as whole or change, in order. */
      const how: string[] = [];
      let failWrites = false;
      let refuseChanges = false;
      const repository: ClusterStateRepository = {
        ...saved,
        saveSuccess: async (cluster, inventory, sync, stored) => {
          if (failWrites) throw new Error('the database is down');
          writes.push(cluster);
          how.push(`${cluster} whole`);
          await saved.saveSuccess(cluster, inventory, sync, stored);
        },
        saveChange: async (cluster, change, sync, derivation) => {
          if (failWrites) throw new Error('the database is down');
          if (refuseChanges) return false;
          writes.push(cluster);
          how.push(`${cluster} change of ${changedObjects(change)}`);
          return saved.saveChange(cluster, change, sync, derivation);
        },
      };
      const store = new LiveFleetStore({
        clusters: inputs.map(({ name, source }) => ({ name, source })),
        repository,
        aggregation: AGGREGATION,
        logger: mockServices.logger.mock(),
        persistIntervalMs,
      });
      await store.load();
      // a watch's first list arrives as a change too (undigested): what the next change reuses
      for (const c of inputs)
        await store.recordChange(c.name, c.inventory!, new Date(AT));
      await store.flush();
      writes.length = 0;
      how.length = 0;
      const inventory = (name: string) =>
        inputs.find(c => c.name === name)!.inventory!;
      const failing = (fail: boolean) => {
        failWrites = fail;
      };
      const refusing = (refuse: boolean) => {
        refuseChanges = refuse;
      };
      return { store, saved, writes, how, inventory, failing, refusing };
    }
    // what a watch hands over: the objects that did not change are the same
    const withReviewsUnready = (inventory: ClusterInventory) => ({
      ...inventory,
      pods: inventory.pods.map(p =>
        p.labels.app === 'reviews' ? { ...p, ready: false } : p,
      ),
    });
    const storedPods = async (saved: ClusterStateRepository, cluster: string) =>
      (await storedStates(saved)).find(r => r.cluster === cluster)!.inventory!
        .pods;

    it('is served at once, written at most once per interval, and the last change lands', async () => {
      const { store, saved, writes, inventory } = await watched(50);
      const before = await workloadsOf(store, 'bookinfo/ratings', 'cluster-2');
      const first = withReviewsUnready(inventory('cluster-2'));
      await store.recordChange('cluster-2', first, new Date(AT));
      const gone = first.pods.find(p => p.labels.app === 'reviews');
      const second = { ...first, pods: first.pods.filter(p => p !== gone) };
      await store.recordChange('cluster-2', second, new Date(AT));
      const reviews = await workloadsOf(store, 'bookinfo/reviews', 'cluster-2');
      expect(reviews.every(w => w.pods.ready === 0)).toBe(true);
      // a service the change did not touch keeps what was derived for it
      expect(await workloadsOf(store, 'bookinfo/ratings', 'cluster-2')).toBe(
        before,
      );
      expect(writes).toEqual([]);
      await new Promise(resolve => setTimeout(resolve, 200));
      expect(writes).toEqual(['cluster-2']);
      expect(await storedPods(saved, 'cluster-2')).toEqual(second.pods);
    });

    it('is written by flush, and before a failure that follows it', async () => {
      const { store, saved, writes, inventory } = await watched();
      const changed = withReviewsUnready(inventory('cluster-2'));
      await store.recordChange('cluster-2', changed, new Date(AT));
      await store.flush();
      expect(writes).toEqual(['cluster-2']);
      await store.flush();
      expect(writes).toEqual(['cluster-2']);

      const again = withReviewsUnready(inventory('cluster-3'));
      await store.recordChange('cluster-3', again, new Date(AT));
      const later = new Date('2025-04-01T00:05:00.000Z');
      await store.recordFailure(
        'cluster-3',
        { reason: 'timeout', message: 'slow' },
        later,
      );
      expect(writes).toEqual(['cluster-2', 'cluster-3']);
      const row = (await storedStates(saved)).find(
        r => r.cluster === 'cluster-3',
      )!;
      expect(row.inventory!.pods).toEqual(again.pods);
      expect(row.sync).toMatchObject({ state: 'stale', lastSuccessAt: AT });
    });

    it('is written again later when the database refused it', async () => {
      const { store, saved, writes, inventory, failing } = await watched(50);
      const changed = withReviewsUnready(inventory('cluster-2'));
      failing(true);
      await store.recordChange('cluster-2', changed, new Date(AT));
      await new Promise(resolve => setTimeout(resolve, 120));
      expect(writes).toEqual([]);
      failing(false);
      await new Promise(resolve => setTimeout(resolve, 200));
      expect(writes).toEqual(['cluster-2']);
      expect(await storedPods(saved, 'cluster-2')).toEqual(changed.pods);
    });

    it('is written as the change from the inventory last written, which a restart applies', async () => {
      const { store, saved, how, inventory } = await watched();
      const changed = withReviewsUnready(inventory('cluster-2'));
      const reviews = changed.pods.filter(p => p.labels.app === 'reviews');
      await store.recordChange('cluster-2', changed, new Date(AT));
      await store.flush();
      // the pods between the first and the last reviews pod, not the cluster's inventory
      expect(how).toEqual([expect.stringMatching(/^cluster-2 change of \d+$/)]);
      const objects = Number(how[0].split(' ').pop());
      expect(objects).toBeGreaterThanOrEqual(reviews.length);
      expect(objects).toBeLessThan(changed.pods.length);
      expect(await storedPods(saved, 'cluster-2')).toEqual(changed.pods);
      // a restarted replica serves the changed pods from what was written: the derivation
      // and its change, the inventory not even read
      const loaded = jest.spyOn(saved, 'load');
      const restarted = new LiveFleetStore({
        clusters: (await store.getFleet()).clusters.map(c => ({
          name: c.name,
          source: c.source ?? 'kubernetes',
        })),
        repository: saved,
        aggregation: AGGREGATION,
        logger: mockServices.logger.mock(),
      });
      await restarted.load();
      const states = await Promise.all(loaded.mock.results.map(r => r.value));
      expect(
        states.flat().map(st => [st.cluster, !!st.derivation, !!st.inventory]),
      ).toEqual(
        ['cluster-1', 'cluster-2', 'cluster-3', 'cluster-4'].map(c => [
          c,
          true,
          false,
        ]),
      );
      expect(await restarted.getFleet()).toEqual({
        ...(await store.getFleet()),
        generatedAt: expect.any(String),
      });
      const reviewsThere = await workloadsOf(
        restarted,
        'bookinfo/reviews',
        'cluster-2',
      );
      expect(reviewsThere.length).toBeGreaterThan(0);
      expect(reviewsThere.every(w => w.pods.ready === 0)).toBe(true);
    });

    it('is written whole when the repository no longer holds what the store last wrote', async () => {
      const { store, saved, how, inventory, refusing } = await watched();
      const changed = withReviewsUnready(inventory('cluster-2'));
      refusing(true);
      await store.recordChange('cluster-2', changed, new Date(AT));
      await store.flush();
      expect(how).toEqual(['cluster-2 whole']);
      expect(await storedPods(saved, 'cluster-2')).toEqual(changed.pods);
    });

    it('is written whole again after a hundred changes, so a load applies at most that many', async () => {
      const { store, how, inventory } = await watched();
      let current = inventory('cluster-2');
      for (let i = 0; i < 101; i++) {
        current = {
          ...current,
          pods: current.pods.map((p, j) =>
            j === 0 ? { ...p, labels: { ...p.labels, round: String(i) } } : p,
          ),
        };
        await store.recordChange('cluster-2', current, new Date(AT));
        await store.flush();
      }
      expect(how.slice(0, 100)).toEqual(
        Array(100).fill('cluster-2 change of 1'),
      );
      expect(how[100]).toBe('cluster-2 whole');
    });

    it('is checked alone before it is written when no fleet was built with it, and refused', async () => {
      const { store, writes, inventory } = await watched(20);
      const good = inventory('cluster-2');
      const before = await store.getFleet();
      // derives, but no fleet can be built with it (label values are strings)
      const bad = {
        ...good,
        services: good.services.map((s, i) =>
          i === 0
            ? {
                ...s,
                labels: {
                  ...s.labels,
                  [AGGREGATION.ownerLabel]: 7 as unknown as string,
                },
              }
            : s,
        ),
      };
      const later = new Date('2025-04-01T00:05:00.000Z');
      await store.recordChange('cluster-2', bad, later);
      // no read: the write interval passes, and the check happens there
      await new Promise(resolve => setTimeout(resolve, 150));
      expect(writes).toEqual([]);
      const fleet = await store.getFleet();
      expect(fleet.clusters.find(c => c.name === 'cluster-2')!.sync).toEqual(
        refusedAt(later),
      );
      expect(servicesAt(fleet, 'cluster-2')).toEqual(
        servicesAt(before, 'cluster-2'),
      );
    });

    it('is refused at the next build when only the whole fleet cannot be built with it', async () => {
      const { store, writes, inventory } = await watched();
      const good = inventory('cluster-2');
      const before = await store.getFleet();
      // a Linkerd mirror of cluster-1, which only the whole fleet resolves: alone, cluster-2
      // builds; with the others, the mirror's malformed name fails the build
      const mirror = {
        ...good.services[0],
        name: 7 as unknown as string,
        labels: {
          'mirror.linkerd.io/mirrored-service': 'true',
          'mirror.linkerd.io/cluster-name': 'cluster-1',
        },
      };
      const later = new Date('2025-04-01T00:05:00.000Z');
      await store.recordChange(
        'cluster-2',
        { ...good, services: [...good.services, mirror] },
        later,
      );
      const fleet = await store.getFleet();
      expect(fleet.clusters.find(c => c.name === 'cluster-2')!.sync).toEqual(
        expect.objectContaining({
          state: 'stale',
          lastSuccessAt: AT,
          error: expect.objectContaining({
            reason: 'malformed-response',
            message: expect.stringMatching(/with the changes of cluster-2\)/),
          }),
        }),
      );
      expect(servicesAt(fleet, 'cluster-2')).toEqual(
        servicesAt(before, 'cluster-2'),
      );
      await store.flush();
      expect(writes).toEqual([]);
      // the next good change is taken as usual
      const next = withReviewsUnready(good);
      await store.recordChange('cluster-2', next, later);
      expect(
        (await store.getFleet()).clusters.find(c => c.name === 'cluster-2')!
          .sync.state,
      ).toBe('ok');
      await store.flush();
      expect(writes).toEqual(['cluster-2']);
    });

    it('is refused when the fleet cannot be built from it: the cluster keeps its last good data', async () => {
      const { store, writes, inventory } = await watched();
      const good = inventory('cluster-2');
      const later = new Date('2025-04-01T00:05:00.000Z');
      await store.recordChange('cluster-2', unbuildable(good), later);
      const fleet = await store.getFleet();
      expect(fleet.clusters.find(c => c.name === 'cluster-2')!.sync).toEqual(
        expect.objectContaining({
          state: 'stale',
          error: expect.objectContaining({ reason: 'malformed-response' }),
        }),
      );
      await store.flush();
      expect(writes).toEqual([]);
      expect(
        (await store.getService('bookinfo', 'reviews'))!.instances.map(
          i => i.cluster,
        ),
      ).toContain('cluster-2');
    });
  });

  it('never accepts an inventory the fleet cannot be built from: the cluster keeps its last good data', async () => {
    const repository = memoryRepository();
    const inputs = await demoClusterInputs(AT);
    const store = new LiveFleetStore({
      clusters: inputs.map(({ name, source }) => ({ name, source })),
      repository,
      aggregation: AGGREGATION,
      logger: mockServices.logger.mock(),
    });
    await store.load();
    for (const c of inputs)
      await store.recordSuccess(c.name, c.inventory!, new Date(AT));
    const before = await store.getFleet();
    const good = inputs.find(c => c.name === 'cluster-2')!.inventory!;

    const later = new Date('2025-04-01T00:05:00.000Z');
    await store.recordSuccess('cluster-2', unbuildable(good), later);

    const fleet = await store.getFleet();
    const cluster = fleet.clusters.find(c => c.name === 'cluster-2')!;
    expect(cluster.sync).toEqual(refusedAt(later));
    // every instance is still served from the good data (marked stale): the store held
    // cluster-2 by its digest alone, so the refused content's derivation must not replace it
    const instances = (services: typeof fleet.services) =>
      services.flatMap(s =>
        s.instances.map(
          i => `${s.id}@${i.cluster} ${i.endpoints.ready}/${i.endpoints.total}`,
        ),
      );
    expect(instances(fleet.services)).toEqual(instances(before.services));
    expect(
      fleet.services
        .flatMap(s => s.instances)
        .filter(i => i.cluster === 'cluster-2')
        .every(i => i.stale),
    ).toBe(true);
    // what is persisted as last-known-good is still the good inventory
    const stored = (await storedStates(repository)).find(
      r => r.cluster === 'cluster-2',
    )!;
    expect(stored.inventory).toBe(good);
  });

  describe('a restart', () => {
    /** A store of the demo fleet's clusters on the repository, nothing recorded yet. */
    async function demoStore(
      repository: ClusterStateRepository,
      aggregation: typeof AGGREGATION,
      logger = mockServices.logger.mock(),
    ) {
      return new LiveFleetStore({
        clusters: (await demoClusterInputs(AT)).map(({ name, source }) => ({
          name,
          source,
        })),
        repository,
        aggregation,
        logger,
      });
    }
    /** A store on the repository, loaded: what a restarted replica serves. */
    async function restartOn(
      repository: ClusterStateRepository,
      aggregation = AGGREGATION,
    ) {
      const load = jest.spyOn(repository, 'load');
      const logger = mockServices.logger.mock();
      const store = await demoStore(repository, aggregation, logger);
      await store.load();
      const states = (
        await Promise.all(load.mock.results.map(r => r.value))
      ).flat() as Awaited<ReturnType<ClusterStateRepository['load']>>;
      load.mockRestore();
      return { store, states, logger };
    }
    const withoutTime = (fleet: Fleet) => ({ ...fleet, generatedAt: '' });
    /** A store on the repository that synced every demo cluster: what a restart follows. */
    async function syncedStore(
      repository: ClusterStateRepository,
      aggregation = AGGREGATION,
    ) {
      const store = await demoStore(repository, aggregation);
      for (const c of await demoClusterInputs(AT))
        await store.recordSuccess(c.name, c.inventory!, new Date(AT));
      return store;
    }

    it('serves the fleet from the stored derivations, reading no inventory', async () => {
      const repository = memoryRepository();
      const inputs = await demoClusterInputs(AT);
      const serving = await syncedStore(repository);
      const { store, states } = await restartOn(repository);
      expect(
        states.map(st => [st.cluster, !!st.derivation, !!st.inventory]),
      ).toEqual(inputs.map(c => [c.name, true, false]).sort());
      expect(withoutTime(await store.getFleet())).toEqual(
        withoutTime(await serving.getFleet()),
      );
      // a sync of the same content after the restart keeps what was loaded
      const before = await workloadsOf(store, 'bookinfo/reviews', 'cluster-2');
      await store.recordSuccess(
        'cluster-2',
        reread(inputs.find(c => c.name === 'cluster-2')!.inventory!),
        new Date(AT),
      );
      expect(await workloadsOf(store, 'bookinfo/reviews', 'cluster-2')).toBe(
        before,
      );
    });

    it('derives from the inventories when the options changed since they were stored', async () => {
      const repository = memoryRepository();
      await syncedStore(repository);
      const options = { ...AGGREGATION, subsetLabels: [] };
      const { store, states } = await restartOn(repository, options);
      expect(states.every(st => st.inventory && !st.derivation)).toBe(true);
      const fresh = await syncedStore(memoryRepository(), options);
      const fleet = await store.getFleet();
      expect(
        fleet.services.some(s =>
          s.instances.some(i => Object.keys(i.subsets).length > 0),
        ),
      ).toBe(false);
      expect(withoutTime(fleet)).toEqual(withoutTime(await fresh.getFleet()));
    });

    it('drops a stored derivation the fleet cannot be built from, and serves the other clusters', async () => {
      const repository = memoryRepository();
      const inputs = await demoClusterInputs(AT);
      const sync = {
        state: 'ok' as const,
        lastSuccessAt: AT,
        lastAttemptAt: AT,
      };
      const memo = new FleetMemo();
      for (const c of inputs) {
        const record = derivationRecord(deriveCluster(c, AGGREGATION, memo)!);
        await repository.saveSuccess(c.name, c.inventory!, sync, {
          derivation: {
            key: derivationKey(AGGREGATION),
            // a service without its Service object: the services' assembly fails on it
            record:
              c.name === 'cluster-3'
                ? {
                    ...record,
                    lists: {
                      ...record.lists,
                      services: [
                        { ...record.lists.services[0], service: null as any },
                      ],
                    },
                  }
                : record,
          },
        });
      }
      const { store, logger } = await restartOn(repository);
      await expectOnlyCluster3Dropped(store, logger);
      // its next sync, of the very content stored, is derived afresh and accepted
      const cluster3 = inputs.find(c => c.name === 'cluster-3')!;
      await store.recordSuccess(
        'cluster-3',
        reread(cluster3.inventory!),
        new Date(AT),
      );
      const healed = await store.getFleet();
      expect(
        healed.clusters.find(c => c.name === 'cluster-3')!.sync.state,
      ).toBe('ok');
      expect(servicesAt(healed, 'cluster-3').length).toBeGreaterThan(0);
    });
  });

  it('ignores a stored inventory the fleet cannot be built from instead of failing every read', async () => {
    const repository = memoryRepository();
    const inputs = await demoClusterInputs(AT);
    const sync = { state: 'ok' as const, lastSuccessAt: AT, lastAttemptAt: AT };
    for (const c of inputs) {
      const inventory =
        c.name === 'cluster-3' ? unbuildable(c.inventory!) : c.inventory!;
      await repository.saveSuccess(c.name, inventory, sync);
    }
    const logger = mockServices.logger.mock();
    const store = new LiveFleetStore({
      clusters: inputs.map(({ name, source }) => ({ name, source })),
      repository,
      aggregation: AGGREGATION,
      logger,
    });
    await store.load();
    await expectOnlyCluster3Dropped(store, logger);
  });
});
