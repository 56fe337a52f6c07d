/**
 * Production shape, end to end: two backend replicas on one real PostgreSQL, with
 * Backstage's real database and scheduler services, discovering three clusters through
 * their (fake) API servers. Proves the scheduler's lock shares discovery, that both
 * replicas serve the same fleet, that stopping a replica mid-run loses nothing, and that a
 * restarted backend serves the fleet from PostgreSQL before it has read any cluster.
 */
import { databaseServiceFactory } from '@backstage/backend-defaults/database';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { Fleet } from '@meshport/backstage-plugin-mesh-common';
import { http } from 'msw';
import { setupServer } from 'msw/node';
import request from 'supertest';
import { fakeApiServer } from '@meshport/fake-kubernetes';
import { meshPlugin } from '../plugin';
import { DatabaseClusterStateRepository } from '../store/DatabaseClusterStateRepository';
import { DEMO_CLUSTERS, demoObjects } from '../__testUtils__/demoFleet';
import {
  PostgresHarness,
  startPostgres,
} from '../__testUtils__/postgresHarness';

jest.setTimeout(60_000);

const FREQUENCY_MS = 2000;
const url = (cluster: string) => `https://${cluster}.k8s.example.com:6443`;

/** One API request as the fake clusters saw it; each replica has its own token. */
interface Call {
  at: number;
  cluster: string;
  replica: string;
  path: string;
}
const calls: Call[] = [];
/** While set, requests matching it wait: a slow cluster, or a replica kept from its clusters. */
let hold: { matches: (c: Call) => boolean; until: Promise<void> } | undefined;

function holdRequests(matches: (c: Call) => boolean) {
  let release = () => {};
  const until = new Promise<void>(resolve => {
    release = resolve;
  });
  hold = { matches, until };
  return () => {
    hold = undefined;
    release();
  };
}

const server = setupServer(
  ...DEMO_CLUSTERS.flatMap(cluster => [
    // records, maybe holds, then falls through to the cluster's fake API server
    http.get(`${url(cluster)}/*`, async ({ request: req }) => {
      const call = {
        at: Date.now(),
        cluster,
        replica: (req.headers.get('authorization') ?? '').replace(
          'Bearer token-of-',
          '',
        ),
        path: new URL(req.url).pathname,
      };
      calls.push(call);
      if (hold?.matches(call)) await hold.until;
    }),
    ...fakeApiServer(url(cluster), demoObjects(cluster)),
  ]),
);

let postgres: PostgresHarness;
beforeAll(async () => {
  server.listen({
    onUnhandledRequest: (req, print) => {
      // the tests' own calls to the backends go through; nothing leaves the machine
      if (!['127.0.0.1', 'localhost'].includes(new URL(req.url).hostname))
        print.error();
    },
  });
  postgres = await startPostgres();
});
afterAll(async () => {
  server.close();
  await postgres?.stop();
});

function startReplica(replica: string) {
  return startTestBackend({
    features: [
      meshPlugin,
      databaseServiceFactory,
      schedulerServiceFactory,
      mockServices.rootConfig.factory({
        data: {
          backend: { database: postgres.backendDatabaseConfig() },
          kubernetes: {
            clusterLocatorMethods: [
              {
                type: 'config',
                clusters: DEMO_CLUSTERS.map(name => ({
                  name,
                  url: url(name),
                  authProvider: 'serviceAccount',
                  serviceAccountToken: `token-of-${replica}`,
                })),
              },
            ],
          },
          mesh: {
            discovery: {
              frequency: { milliseconds: FREQUENCY_MS },
              timeout: { seconds: 5 },
              // the lock shares full reads; watches are not split between replicas yet
              mode: 'poll',
            },
          },
        },
      }),
    ],
  });
}
type Replica = Awaited<ReturnType<typeof startReplica>>;

/** A sync of a cluster starts with its namespace list: one per cluster per run. */
const syncStarts = (since: number, cluster?: string) =>
  calls.filter(
    c =>
      c.at >= since &&
      c.path === '/api/v1/namespaces' &&
      (!cluster || c.cluster === cluster),
  );

/** Groups the syncs since `since` into runs: a run begins when cluster-1's sync starts. */
function runsSince(since: number) {
  const runs: Array<{ at: number; syncs: Call[] }> = [];
  for (const call of syncStarts(since)) {
    if (call.cluster === DEMO_CLUSTERS[0] || runs.length === 0)
      runs.push({ at: call.at, syncs: [] });
    runs[runs.length - 1].syncs.push(call);
  }
  return runs;
}

async function waitFor<T>(
  what: string,
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 50));
  }
}

async function fleetOf(replica: Replica): Promise<Fleet> {
  return (await request(replica.server).get('/api/mesh/fleet').expect(200))
    .body;
}

/** What must be identical across replicas: everything but the times syncs happened. */
const content = (fleet: Fleet) => ({
  clusters: fleet.clusters.map(c => [c.name, c.sync.state]),
  meshes: fleet.meshes,
  services: fleet.services,
});

let reader: Promise<DatabaseClusterStateRepository> | undefined;
/** What PostgreSQL holds for each cluster, read through a connection of the test's own. */
async function storedState() {
  reader ??= DatabaseClusterStateRepository.create(
    postgres.createDatabase('backstage_plugin_mesh'),
  );
  return (await reader).loadAll();
}

const lastSuccess = (
  rows: Awaited<ReturnType<typeof storedState>>,
  cluster: string,
) => rows.find(r => r.cluster === cluster)?.sync.lastSuccessAt ?? '';

describe('two mesh backend replicas on PostgreSQL', () => {
  let a: Replica | undefined;
  let b: Replica | undefined;
  let restarted: Replica | undefined;
  let lastFleet: Fleet;

  afterAll(async () => {
    await Promise.allSettled([a?.stop(), b?.stop(), restarted?.stop()]);
  });

  it('runs discovery once per interval across both replicas, and both serve the same fleet', async () => {
    const t0 = Date.now();
    [a, b] = await Promise.all([startReplica('a'), startReplica('b')]);
    const started = Date.now();
    const intervals = 6;
    await new Promise(r => setTimeout(r, intervals * FREQUENCY_MS));
    const runs = runsSince(t0);

    // every run read every cluster exactly once, all through one replica (the last run
    // may have been caught starting)
    for (const run of runs.slice(0, -1))
      expect(run.syncs.map(s => s.cluster).sort()).toEqual(
        [...DEMO_CLUSTERS].sort(),
      );
    for (const run of runs)
      expect(new Set(run.syncs.map(s => s.replica)).size).toBe(1);
    // one run per interval: without the lock each replica would run its own (twice as many).
    // Counted over the whole time since t0, startup included: a slow start under load leaves
    // room for more intervals than the wait alone
    const elapsedIntervals = Math.ceil((Date.now() - t0) / FREQUENCY_MS);
    expect(runs.length).toBeGreaterThanOrEqual(intervals - 2);
    expect(runs.length).toBeLessThanOrEqual(elapsedIntervals + 1);
    const byReplica = runs.map(r => r.syncs[0].replica).join('');
    // eslint-disable-next-line no-console
    console.info(
      `[replicas] started both in ${started - t0} ms; ${
        runs.length
      } discovery runs in ${
        Date.now() - t0
      } ms at a ${FREQUENCY_MS} ms frequency, run by replica ${byReplica}, starts at +${runs
        .map(r => r.at - t0)
        .join(' +')} ms`,
    );

    // both serve the same fleet: the non-running replica has read the runner's writes
    const [fromA, fromB] = await Promise.all([fleetOf(a), fleetOf(b)]);
    expect(fromA.clusters.map(c => c.sync.state)).toEqual(
      DEMO_CLUSTERS.map(() => 'ok'),
    );
    expect(fromA.services.length).toBeGreaterThan(0);
    expect(content(fromB)).toEqual(content(fromA));
  });

  it('loses nothing when the replica running discovery stops mid-run; the other takes over on the next tick', async () => {
    const before = await storedState();
    // one cluster answers nothing until released: the next run stays in progress
    const held = DEMO_CLUSTERS[DEMO_CLUSTERS.length - 1];
    const others = DEMO_CLUSTERS.filter(c => c !== held);
    const release = holdRequests(c => c.cluster === held);
    const heldSince = Date.now();
    const runStart = await waitFor(
      'a discovery run to start',
      () => syncStarts(heldSince, 'cluster-1')[0],
    );
    const runner = runStart.replica === 'a' ? a! : b!;
    const other = runStart.replica === 'a' ? b! : a!;
    const otherName = runStart.replica === 'a' ? 'b' : 'a';

    // the other clusters are done and saved, the held one is still being read
    await waitFor('the other clusters to be saved mid-run', async () => {
      const rows = await storedState();
      return others.every(c => lastSuccess(rows, c) > lastSuccess(before, c));
    });
    const stopAt = Date.now();
    await runner.stop();
    const stoppedAt = Date.now();
    if (runner === a) a = undefined;
    else b = undefined;
    release();

    // nothing lost: the finished clusters' results are stored, and the held one keeps its
    // last-known-good state — a cancelled read is not a failed cluster
    const afterStop = await storedState();
    for (const cluster of others)
      expect(
        lastSuccess(afterStop, cluster) > lastSuccess(before, cluster),
      ).toBe(true);
    const cutShort = afterStop.find(r => r.cluster === held)!;
    expect(cutShort.sync).toEqual(before.find(r => r.cluster === held)!.sync);
    expect(cutShort.inventory).toBeDefined();

    // the lock was released on the way out: the other replica runs the very next tick
    const takeover = await waitFor(
      'the other replica to run discovery',
      () => syncStarts(stoppedAt, held)[0],
      4 * FREQUENCY_MS,
    );
    expect(takeover.replica).toBe(otherName);
    expect(syncStarts(stoppedAt).every(c => c.replica === otherName)).toBe(
      true,
    );
    const afterTakeover = await waitFor(
      `${held} to be read again`,
      async () => {
        const rows = await storedState();
        return lastSuccess(rows, held) > lastSuccess(before, held)
          ? rows
          : undefined;
      },
    );
    expect(afterTakeover.every(r => r.sync.state === 'ok')).toBe(true);
    // eslint-disable-next-line no-console
    console.info(
      `[replicas] stopped replica ${runStart.replica} mid-run in ${
        stoppedAt - stopAt
      } ms; replica ${otherName} started the next run ${
        takeover.at - stoppedAt
      } ms later`,
    );

    lastFleet = await fleetOf(other);
    expect(lastFleet.clusters.map(c => c.sync.state)).toEqual(
      DEMO_CLUSTERS.map(() => 'ok'),
    );
  });

  it('serves the fleet from PostgreSQL at once after a full restart, before reading any cluster', async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    a = b = undefined;
    const stored = await storedState();

    // the restarted replica's requests to the clusters get no answer until released
    const release = holdRequests(c => c.replica === 'c');
    const t0 = Date.now();
    restarted = await startReplica('c');
    const fleet = await fleetOf(restarted);
    const servedIn = Date.now() - t0;
    const sent = calls.filter(c => c.replica === 'c').length;

    expect(content(fleet)).toEqual(content(lastFleet));
    // exactly what PostgreSQL holds, sync times included
    expect(
      fleet.clusters.map(c => [c.name, c.sync.lastSuccessAt]).sort(),
    ).toEqual(stored.map(r => [r.cluster, r.sync.lastSuccessAt]).sort());
    // eslint-disable-next-line no-console
    console.info(
      `[replicas] restarted backend served ${fleet.services.length} services on ${fleet.clusters.length} clusters ${servedIn} ms after start, while its ${sent} cluster request(s) had no answer yet`,
    );

    release();
    // and once its clusters answer, it discovers as usual
    await waitFor('the restarted replica to discover', async () => {
      const rows = await storedState();
      return rows.every(r => Date.parse(r.sync.lastSuccessAt ?? '') >= t0);
    });
  });
});
