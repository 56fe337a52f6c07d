import { mockServices } from '@backstage/backend-test-utils';
import { setupServer } from 'msw/node';
import { fakeApiServer, FakeCluster } from '@meshport/fake-kubernetes';
import type { ClusterInventory } from '../aggregation/inventory';
import { AGGREGATION, demoObjects } from '../__testUtils__/demoFleet';
import {
  kubernetesSource,
  serviceAccountAuth,
} from '../__testUtils__/kubernetesSource';
import { createWatchingReader } from '../readers/createReader';
import type { ClusterOutcomeSink } from './FleetDiscovery';
import { FleetWatch } from './FleetWatch';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const url = (name: string) => `https://${name}.k8s.example.com:6443`;
const source = (name: string, token = `token-of-${name}`) =>
  kubernetesSource(name, url(name), { token });

type Outcome =
  | { cluster: string; ok: true; inventory: ClusterInventory }
  | { cluster: string; ok: false; reason: string; message: string };

function setup(debounceMs = 20) {
  const outcomes: Outcome[] = [];
  const sink: ClusterOutcomeSink = {
    recordSuccess: async (cluster, inventory) => {
      outcomes.push({ cluster, ok: true, inventory });
    },
    recordFailure: async (cluster, error) => {
      outcomes.push({ cluster, ok: false, ...error });
    },
  };
  const watch = new FleetWatch({
    createReader: s =>
      createWatchingReader(s, {
        pageSize: 50,
        maxObjectsPerKind: 10_000,
        authenticator: serviceAccountAuth,
      }),
    sink,
    logger: mockServices.logger.mock(),
    excludeNamespaces: AGGREGATION.excludeNamespaces,
    timing: {
      timeoutMs: 2000,
      watchTimeoutSeconds: 30,
      relistIntervalMs: 600_000,
      backoffInitialMs: 50,
      backoffMaxMs: 200,
      random: () => 0.5,
    },
    debounceMs,
    readerLifetimeMs: 60_000,
    concurrency: 1,
  });
  return { watch, outcomes };
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/** The demo's cluster-1 and cluster-2, each behind a fake API server. */
function serveTwoClusters() {
  const one = new FakeCluster(demoObjects('cluster-1'));
  const two = new FakeCluster(demoObjects('cluster-2'));
  server.use(
    ...fakeApiServer(url('cluster-1'), one, { token: 'token-of-cluster-1' }),
    ...fakeApiServer(url('cluster-2'), two, { token: 'token-of-cluster-2' }),
  );
  return { one, two };
}

describe('FleetWatch', () => {
  it('starts a watch per cluster, one first sync at a time, and stops those no longer listed', async () => {
    const { one } = serveTwoClusters();
    const { watch, outcomes } = setup();
    await watch.reconcile([source('cluster-1'), source('cluster-2')], 20_000);
    expect(outcomes.map(o => [o.cluster, o.ok])).toEqual([
      ['cluster-1', true],
      ['cluster-2', true],
    ]);
    expect(watch.size).toBe(2);
    // the same list again changes nothing: no new lists, no new outcomes
    await watch.reconcile([source('cluster-1'), source('cluster-2')], 20_000);
    expect(outcomes).toHaveLength(2);

    await watch.reconcile([source('cluster-2')], 20_000);
    expect(watch.size).toBe(1);
    const pod = one.objects.find(o => o.kind === 'Pod')!;
    one.remove(pod);
    await sleep(200);
    expect(outcomes.map(o => o.cluster)).toEqual(['cluster-1', 'cluster-2']);
    await watch.stop();
    expect(watch.size).toBe(0);
  });

  it('records a first sync as soon as its kinds are listed, without waiting for more changes', async () => {
    const { one } = serveTwoClusters();
    // a first sync that waited for the debounce (twice: the kinds, then the control
    // plane's config maps) would take 12 s for the two, one at a time
    const { watch, outcomes } = setup(3_000);
    await watch.reconcile([source('cluster-1'), source('cluster-2')], 2_500);
    expect(outcomes.map(o => [o.cluster, o.ok])).toEqual([
      ['cluster-1', true],
      ['cluster-2', true],
    ]);
    // a change after the first sync still waits for the debounce, gathering what follows
    one.remove(one.objects.find(o => o.kind === 'Pod')!);
    await sleep(500);
    expect(outcomes).toHaveLength(2);
    await watch.stop();
  });

  it('restarts a cluster whose connection details changed, and reports one that refuses it', async () => {
    const one = new FakeCluster(demoObjects('cluster-1'));
    server.use(
      ...fakeApiServer(url('cluster-1'), one, { token: 'token-of-cluster-1' }),
    );
    const { watch, outcomes } = setup();
    await watch.reconcile([source('cluster-1')], 20_000);
    await watch.reconcile([source('cluster-1', 'a rotated token')], 20_000);
    expect(outcomes.map(o => [o.cluster, o.ok])).toEqual([
      ['cluster-1', true],
      ['cluster-1', false],
    ]);
    expect(outcomes[1]).toMatchObject({ reason: 'unauthorized' });
    // reported once, not at every retry of its backoff
    await sleep(300);
    expect(outcomes).toHaveLength(2);
    await watch.stop();
  });
});
