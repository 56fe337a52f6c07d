/**
 * A fleet in the hundreds: 200 clusters, a few of which never answer. The healthy ones are
 * all refreshed before the first hanging one even times out, a run costs about one
 * per-cluster timeout however many clusters hang, and repeated runs hold one inventory
 * per cluster — memory does not grow with the number of runs.
 */
import { mockServices } from '@backstage/backend-test-utils';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import type { KubernetesClusterSource } from '../clusters/ClusterSource';
import { kubernetesSource } from '../__testUtils__/kubernetesSource';
import {
  FleetDiscovery,
  FleetDiscoveryOptions,
} from '../discovery/FleetDiscovery';
import { orderForDiscovery } from '../discovery/orderClusters';
import type { ClusterReader } from '../readers/ClusterReader';
import { SnapshotReader } from '../readers/SnapshotReader';
import { LiveFleetStore } from '../store/LiveFleetStore';
import { AGGREGATION, DEMO_FLEET_DIR } from '../__testUtils__/demoFleet';
import { memoryRepository } from '../__testUtils__/memoryRepository';
import { storedStates } from '../__testUtils__/storedStates';

jest.setTimeout(120_000);

const CLUSTERS = 200;
const HANGING = 5;
const CONCURRENCY = 10;
// Long enough that reading 195 healthy clusters through the free slots fits in it with room
// to spare on a loaded 2-core runner (about 1.5 s alone, 3.4 s seen under load at 3 s).
const TIMEOUT_MS = 8000;

const names = Array.from(
  { length: CLUSTERS },
  (_, i) => `cluster-${String(i).padStart(3, '0')}`,
);
// the hanging clusters come first: they take their pool slots before anyone else
const HANGING_NAMES = new Set(names.slice(0, HANGING));

/** Never answers and ignores its abort signal: the worst a cluster can do. */
const hangingReader: ClusterReader = { list: () => new Promise(() => {}) };

function setup(hanging: Set<string>) {
  const logger = mockServices.logger.mock();
  const repository = memoryRepository();
  const store = new LiveFleetStore({
    clusters: names.map(name => ({ name, source: 'kubernetes' as const })),
    repository,
    aggregation: AGGREGATION,
    logger,
  });
  const outcomes: Array<{ cluster: string; ok: boolean; at: number }> = [];
  const sources = names.map(
    (name): KubernetesClusterSource =>
      kubernetesSource(name, `https://${name}.k8s.example.com`),
  );
  const options: FleetDiscoveryOptions = {
    sources,
    // every healthy cluster is a copy of the demo's cluster-1, read from its snapshot
    createReader: source =>
      hanging.has(source.name)
        ? hangingReader
        : new SnapshotReader({
            type: 'snapshot',
            name: source.name,
            directory: path.join(DEMO_FLEET_DIR, 'cluster-1'),
          }),
    sink: {
      recordSuccess: async (cluster, inventory, at) => {
        outcomes.push({ cluster, ok: true, at: Date.now() });
        await store.recordSuccess(cluster, inventory, at);
      },
      recordFailure: async (cluster, error, at) => {
        outcomes.push({ cluster, ok: false, at: Date.now() });
        await store.recordFailure(cluster, error, at);
      },
    },
    logger,
    timeoutMs: TIMEOUT_MS,
    concurrency: CONCURRENCY,
    excludeNamespaces: AGGREGATION.excludeNamespaces,
  };
  const discovery = new FleetDiscovery(options);
  // what the plugin does before each run: clusters that hung last time go last
  const ordered = () =>
    new FleetDiscovery({
      ...options,
      sources: orderForDiscovery(sources, name => store.lastFailure(name)),
    });
  return { discovery, ordered, store, repository, outcomes };
}

describe(`discovery over ${CLUSTERS} clusters, ${HANGING} of them hanging`, () => {
  it('refreshes every healthy cluster before the first hanging one times out', async () => {
    const hanging = HANGING_NAMES;
    const { discovery, store, outcomes } = setup(hanging);
    const started = Date.now();
    await discovery.runOnce();
    const took = Date.now() - started;

    const healthy = outcomes.filter(o => o.ok);
    const failed = outcomes.filter(o => !o.ok);
    expect(healthy).toHaveLength(CLUSTERS - HANGING);
    expect(failed.map(o => o.cluster).sort()).toEqual([...hanging].sort());
    const lastHealthy = Math.max(...healthy.map(o => o.at));
    const firstTimeout = Math.min(...failed.map(o => o.at));
    expect(lastHealthy).toBeLessThan(firstTimeout);
    // the hanging clusters cost their own slots for one timeout, in parallel
    expect(took).toBeLessThan(2 * TIMEOUT_MS);
    // eslint-disable-next-line no-console
    console.info(
      `[many clusters] ${healthy.length} healthy clusters refreshed within ${
        lastHealthy - started
      } ms; ${failed.length} hanging ones timed out at ${
        firstTimeout - started
      } ms; run took ${took} ms`,
    );

    const fleet = await store.getFleet();
    expect(fleet.clusters).toHaveLength(CLUSTERS);
    expect(
      fleet.clusters.filter(c => c.sync.state === 'never-synced'),
    ).toHaveLength(HANGING);
    expect(
      fleet.clusters.find(c => hanging.has(c.name))?.sync.error?.reason,
    ).toBe('timeout');
  });

  it('reads clusters that hung last time after the others, even when they fill every slot', async () => {
    // as many hanging clusters as the pool has slots, all at the head of the config
    const hanging = new Set(names.slice(0, CONCURRENCY));
    const { ordered, outcomes } = setup(hanging);
    const firstRun = Date.now();
    await ordered().runOnce();
    const healthyFirst = outcomes.filter(o => o.ok);
    // nothing was known yet: every healthy cluster waited one timeout for a slot
    expect(
      Math.min(...healthyFirst.map(o => o.at)) - firstRun,
    ).toBeGreaterThanOrEqual(TIMEOUT_MS - 100);

    outcomes.length = 0;
    const secondRun = Date.now();
    await ordered().runOnce();
    const healthy = outcomes.filter(o => o.ok);
    const failed = outcomes.filter(o => !o.ok);
    expect(healthy).toHaveLength(CLUSTERS - CONCURRENCY);
    const lastHealthy = Math.max(...healthy.map(o => o.at));
    expect(lastHealthy).toBeLessThan(Math.min(...failed.map(o => o.at)));
    expect(lastHealthy - secondRun).toBeLessThan(TIMEOUT_MS);
    // eslint-disable-next-line no-console
    console.info(
      `[many clusters] ${CONCURRENCY} hanging at the head: healthy clusters waited ${
        Math.min(...healthyFirst.map(o => o.at)) - firstRun
      } ms on the first run, all refreshed within ${
        lastHealthy - secondRun
      } ms on the next`,
    );
  });

  it('holds one inventory per cluster however many runs: memory does not grow', async () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const heapAfterGc = () => {
      gc();
      gc();
      return process.memoryUsage().heapUsed;
    };

    // only the steady state matters here: every cluster answers
    const { discovery, store, repository } = setup(new Set());
    await discovery.runOnce();
    await store.getFleet();
    const afterFirst = heapAfterGc();
    for (let run = 0; run < 4; run++) {
      await discovery.runOnce();
      await store.getFleet();
    }
    const afterFifth = heapAfterGc();

    expect(await storedStates(repository)).toHaveLength(CLUSTERS);
    expect((await store.getFleet()).clusters).toHaveLength(CLUSTERS);
    const growth = afterFifth - afterFirst;
    // eslint-disable-next-line no-console
    console.info(
      `[many clusters] heap after run 1: ${Math.round(
        afterFirst / 2 ** 20,
      )} MiB, after run 5: ${Math.round(
        afterFifth / 2 ** 20,
      )} MiB (growth ${Math.round(growth / 2 ** 10)} KiB)`,
    );
    // four more full runs over 200 clusters keep (nearly) nothing more than the first did
    expect(growth).toBeLessThan(10 * 2 ** 20);
  });
});
