import { storedStates } from '../__testUtils__/storedStates';
/**
 * Production shape, end to end: mesh backend replicas on one real PostgreSQL, with
 * Backstage's real database and scheduler services, discovering four clusters through their
 * (fake) API servers, in both discovery modes. Proves that replicas split the clusters
 * between them (each reads only those it holds a lease on), that a replica stopping cleanly
 * has its clusters taken over within one lease check and one that dies within one lease
 * period, that every replica serves the whole fleet, and that a restarted backend serves
 * the fleet from PostgreSQL before it has read any cluster.
 *
 * Each replica connects as its own PostgreSQL role, so a test can cut one off the database
 * (its role may no longer log in, its connections are ended): its heartbeat stops as a
 * crashed process's would, while the others keep going.
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
import { DatabaseLeaseRepository } from '../discovery/leases/DatabaseLeaseRepository';
import { DatabaseClusterStateRepository } from '../store/DatabaseClusterStateRepository';
import { DEMO_CLUSTERS, demoObjects } from '../__testUtils__/demoFleet';
import {
  PostgresHarness,
  startPostgres,
} from '../__testUtils__/postgresHarness';

jest.setTimeout(120_000);

const FREQUENCY_MS = 1000;
/** Checked every 500 ms. */
const LEASE_MS = 1500;
const CHECK_MS = LEASE_MS / 3;
const url = (cluster: string) => `https://${cluster}.k8s.example.com:6443`;

/** One API request as the fake clusters saw it; each replica has its own token. */
interface Call {
  at: number;
  cluster: string;
  replica: string;
  path: string;
  watch: boolean;
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
      const target = new URL(req.url);
      const call = {
        at: Date.now(),
        cluster,
        replica: (req.headers.get('authorization') ?? '').replace(
          'Bearer token-of-',
          '',
        ),
        path: target.pathname,
        watch: ['1', 'true'].includes(target.searchParams.get('watch') ?? ''),
      };
      calls.push(call);
      if (hold?.matches(call)) await hold.until;
    }),
    ...fakeApiServer(url(cluster), demoObjects(cluster), {
      bookmarkEveryMs: 200,
    }),
  ]),
);

let postgres: PostgresHarness;
let admin: Awaited<
  ReturnType<ReturnType<PostgresHarness['createDatabase']>['getClient']>
>;
beforeAll(async () => {
  server.listen({
    onUnhandledRequest: (req, print) => {
      // the tests' own calls to the backends go through; nothing leaves the machine
      if (!['127.0.0.1', 'localhost'].includes(new URL(req.url).hostname))
        print.error();
    },
  });
  postgres = await startPostgres();
  admin = await postgres.createDatabase('meshport_test_admin').getClient();
});
afterAll(async () => {
  server.close();
  await postgres?.stop();
});

/** A PostgreSQL role of the replica's own, created on first use. */
async function roleOf(replica: string) {
  const role = `replica_${replica}`;
  const password = `password-of-${replica}`;
  await admin.raw(
    `DO $$ BEGIN
       IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${role}') THEN
         CREATE ROLE ${role} LOGIN SUPERUSER PASSWORD '${password}';
       END IF;
     END $$`,
  );
  // a replica cut off in an earlier scenario starts again as a new process would
  await admin.raw(`ALTER ROLE ${role} LOGIN`);
  return { user: role, password };
}

/** What a crash does to the database: the replica's connections end and never come back. */
async function cutOff(replica: string) {
  const role = `replica_${replica}`;
  await admin.raw(`ALTER ROLE ${role} NOLOGIN`);
  await admin.raw(
    'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = ?',
    [role],
  );
}

async function startReplica(
  replica: string,
  options: { mode: 'poll' | 'watch'; database: string },
) {
  const base = postgres.backendDatabaseConfig();
  return startTestBackend({
    features: [
      meshPlugin,
      databaseServiceFactory,
      schedulerServiceFactory,
      mockServices.rootConfig.factory({
        data: {
          backend: {
            database: {
              ...base,
              connection: { ...base.connection, ...(await roleOf(replica)) },
              // each scenario on a database of its own
              prefix: `${options.database}_plugin_`,
            },
          },
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
              leaseDuration: { milliseconds: LEASE_MS },
              mode: options.mode,
              // msw answers this thread's HTTP client only, not a projection thread's
              projectionThreads: 0,
            },
          },
        },
      }),
    ],
  });
}
type Replica = Awaited<ReturnType<typeof startReplica>>;

async function waitFor<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 25));
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

/** A sync of a cluster starts with its namespace list (a watch's too, before it watches). */
const listStarts = (since: number, filter: (c: Call) => boolean = () => true) =>
  calls.filter(
    c =>
      c.at >= since && c.path === '/api/v1/namespaces' && !c.watch && filter(c),
  );

describe.each(['poll', 'watch'] as const)(
  'mesh backend replicas on PostgreSQL in %s mode',
  mode => {
    const database = `mesh_${mode}`;
    const replicas = new Map<string, Replica>();
    let leases: DatabaseLeaseRepository;
    let states: DatabaseClusterStateRepository;
    let knex: Awaited<
      ReturnType<ReturnType<PostgresHarness['createDatabase']>['getClient']>
    >;
    /** The test's name of each replica id (host, pid and a random part) seen in the leases. */
    const names = new Map<string, string>();

    beforeAll(async () => {
      const db = postgres.createDatabase(`${database}_plugin_mesh`);
      states = await DatabaseClusterStateRepository.create(db);
      knex = await db.getClient();
      leases = new DatabaseLeaseRepository(knex);
    });
    afterAll(async () => {
      await Promise.allSettled([...replicas.values()].map(r => r.stop()));
    });

    /** The id of the replica just started: the one heartbeat not seen before. */
    const learnId = (name: string) =>
      waitFor(`replica ${name}'s heartbeat`, async () => {
        const ids: Array<{ replica: string }> = await knex(
          'mesh_discovery_replica',
        ).select('replica');
        const id = ids.map(r => r.replica).find(r => !names.has(r));
        if (id) names.set(id, name);
        return id;
      });
    /** Starts replicas one after the other, to learn each one's id from its heartbeat. */
    const start = async (...started: string[]) => {
      for (const name of started) {
        replicas.set(name, await startReplica(name, { mode, database }));
        await learnId(name);
      }
    };
    const stop = async (name: string) => {
      await replicas.get(name)!.stop();
      replicas.delete(name);
    };
    /** Who holds each cluster's live lease, per PostgreSQL. */
    const holders = async () => {
      const now = await leases.now();
      return new Map(
        (await leases.list()).flatMap(row =>
          row.holder && row.expiresAt > now
            ? [[row.cluster, names.get(row.holder) ?? row.holder] as const]
            : [],
        ),
      );
    };
    /** Resolves once every cluster is held and the split is even (at most `share` each). */
    const split = (expected: string[], share: number) =>
      waitFor(`the clusters split between ${expected.join(', ')}`, async () => {
        const held = await holders();
        const counts = expected.map(
          n => [...held.values()].filter(h => h === n).length,
        );
        return held.size === DEMO_CLUSTERS.length &&
          counts.every(c => c >= 1 && c <= share) &&
          [...held.values()].every(h => expected.includes(h))
          ? held
          : undefined;
      });
    /**
     * Each cluster is read by its holder alone: polling, every list since `since` came from
     * the holder; watching, the holder started the cluster's watch last.
     */
    const readByHolders = (held: Map<string, string>, since: number) => {
      for (const cluster of DEMO_CLUSTERS) {
        const reads = listStarts(since, c => c.cluster === cluster);
        if (mode === 'poll') {
          expect(reads.length).toBeGreaterThan(0);
          expect(new Set(reads.map(r => r.replica))).toEqual(
            new Set([held.get(cluster)]),
          );
        } else {
          const all = listStarts(0, c => c.cluster === cluster);
          expect(all[all.length - 1].replica).toBe(held.get(cluster));
        }
      }
    };
    const perReplica = (held: Map<string, string>) =>
      [...held].map(([c, r]) => `${c}:${r}`).join(' ');

    it('splits the clusters between two replicas, and both serve the whole fleet', async () => {
      const t0 = Date.now();
      await start('a', 'b');
      const held = await split(['a', 'b'], 2);
      const settled = Date.now();
      // the split holds: it does not flap, and nobody else reads a held cluster
      await new Promise(r => setTimeout(r, 3 * FREQUENCY_MS));
      expect(await holders()).toEqual(held);
      readByHolders(held, settled + CHECK_MS);

      await waitFor('both replicas to serve every cluster ok', async () => {
        const fleets = await Promise.all([...replicas.values()].map(fleetOf));
        return fleets.every(f => f.clusters.every(c => c.sync.state === 'ok'));
      });
      const [fromA, fromB] = await Promise.all(
        [...replicas.values()].map(fleetOf),
      );
      expect(fromA.services.length).toBeGreaterThan(0);
      expect(content(fromB)).toEqual(content(fromA));
      // eslint-disable-next-line no-console
      console.info(
        `[replicas:${mode}] two replicas split the clusters ${
          settled - t0
        } ms after starting: ${perReplica(held)}`,
      );
    });

    it('gives a third replica its share', async () => {
      const t0 = Date.now();
      await start('c');
      const held = await split(['a', 'b', 'c'], 2);
      const settled = Date.now();
      await new Promise(r => setTimeout(r, 3 * FREQUENCY_MS));
      expect(await holders()).toEqual(held);
      readByHolders(held, settled + CHECK_MS);
      // eslint-disable-next-line no-console
      console.info(
        `[replicas:${mode}] a third replica got its share ${
          settled - t0
        } ms after starting: ${perReplica(held)}`,
      );
    });

    it('takes over the clusters of a replica that stops cleanly within one check, losing nothing', async () => {
      const before = await holders();
      const leaving = [...before].filter(([, r]) => r === 'c').map(([c]) => c);
      expect(leaving.length).toBeGreaterThan(0);
      // polling, one of its clusters answers nothing until released: c stops mid-read
      const release =
        mode === 'poll'
          ? holdRequests(x => x.replica === 'c' && x.cluster === leaving[0])
          : () => {};
      if (mode === 'poll')
        await waitFor('c to read a held cluster', () =>
          calls.some(
            x =>
              x.replica === 'c' &&
              x.cluster === leaving[0] &&
              x.at > Date.now() - 2000,
          ),
        );
      const stopAt = Date.now();
      await stop('c');
      const stoppedAt = Date.now();
      release();
      // a cancelled read (polling) or a stopped watch is not a failed cluster
      const cutShort = (await storedStates(states)).find(
        r => r.cluster === leaving[0],
      )!;
      expect(cutShort.sync.state).toBe('ok');
      expect(cutShort.inventory).toBeDefined();
      const held = await split(['a', 'b'], 2);
      const takenAt = Date.now();
      // c releases its leases while it shuts down, so on a loaded machine the new holders
      // may read before stop() returns: their reads count from the moment c began to stop
      const firstReads = await waitFor(
        `${leaving.join(', ')} to be read by their new holders`,
        () => {
          const reads = leaving.map(
            cluster =>
              listStarts(
                stopAt,
                x => x.cluster === cluster && x.replica !== 'c',
              )[0],
          );
          return reads.every(Boolean) ? reads : undefined;
        },
      );
      for (const read of firstReads)
        expect(read.replica).toBe(held.get(read.cluster));
      expect(takenAt - stoppedAt).toBeLessThanOrEqual(CHECK_MS + 1500);
      const readIn = Math.max(...firstReads.map(r => r.at)) - stopAt;
      // eslint-disable-next-line no-console
      console.info(
        `[replicas:${mode}] replica c stopped in ${
          stoppedAt - stopAt
        } ms; its ${leaving.length} cluster(s) leased again ${
          takenAt - stoppedAt
        } ms after and read ${readIn} ms after it began to stop (check every ${CHECK_MS} ms)`,
      );
    });

    it('takes over the clusters of a replica that dies within one lease period, never reading one twice at once', async () => {
      const before = await holders();
      const orphaned = [...before].filter(([, r]) => r === 'b').map(([c]) => c);
      expect(orphaned.length).toBeGreaterThan(0);
      const cutAt = Date.now();
      await cutOff('b');
      const firstReads = await waitFor(
        `${orphaned.join(', ')} to be read by a`,
        () => {
          const reads = orphaned.map(
            cluster =>
              listStarts(
                cutAt,
                x => x.cluster === cluster && x.replica === 'a',
              )[0],
          );
          return reads.every(Boolean) ? reads : undefined;
        },
        LEASE_MS * 6,
      );
      const takeover = Math.max(...firstReads.map(r => r.at)) - cutAt;
      // b's last renewal came at most one check before the cut; a claims at its first check
      // after expiry, then reads (polling, at its next run)
      expect(takeover).toBeLessThanOrEqual(
        LEASE_MS + CHECK_MS + (mode === 'poll' ? FREQUENCY_MS : 0) + 2000,
      );
      // b stopped reading before a started: its reads of each cluster end before a's begin
      for (const read of firstReads) {
        const lastByB = calls
          .filter(x => x.replica === 'b' && x.cluster === read.cluster)
          .map(x => x.at);
        expect(Math.max(...lastByB)).toBeLessThan(read.at);
      }
      expect([...(await holders()).values()].every(h => h === 'a')).toBe(true);
      // eslint-disable-next-line no-console
      console.info(
        `[replicas:${mode}] replica b cut off the database; its ${orphaned.length} cluster(s) read by a ${takeover} ms later (lease ${LEASE_MS} ms)`,
      );
      await stop('b');
    });

    it('serves the fleet from PostgreSQL at once after a full restart, before reading any cluster', async () => {
      const lastFleet = await fleetOf(replicas.get('a')!);
      await stop('a');
      const stored = await storedStates(states);
      const name = `${mode}-restarted`.replace('-', '_');
      const release = holdRequests(c => c.replica === name);
      const t0 = Date.now();
      await start(name);
      const fleet = await fleetOf(replicas.get(name)!);
      const servedIn = Date.now() - t0;
      const sent = calls.filter(c => c.replica === name).length;
      expect(content(fleet)).toEqual(content(lastFleet));
      expect(
        fleet.clusters.map(c => [c.name, c.sync.lastSuccessAt]).sort(),
      ).toEqual(stored.map(r => [r.cluster, r.sync.lastSuccessAt]).sort());
      // eslint-disable-next-line no-console
      console.info(
        `[replicas:${mode}] restarted backend served ${fleet.services.length} services on ${fleet.clusters.length} clusters ${servedIn} ms after start, while its ${sent} cluster request(s) had no answer yet`,
      );
      release();
      await waitFor(
        'the restarted replica to hold every cluster',
        async () =>
          [...(await holders()).values()].filter(h => h === name).length ===
          DEMO_CLUSTERS.length,
      );
    });
  },
);
