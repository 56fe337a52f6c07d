import type { DatabaseService } from '@backstage/backend-plugin-api';
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { DatabaseClusterStateRepository } from '../../store/DatabaseClusterStateRepository';
import {
  PostgresHarness,
  startPostgres,
} from '../../__testUtils__/postgresHarness';
import { DatabaseLeaseRepository } from './DatabaseLeaseRepository';
import { DiscoveryLeases } from './DiscoveryLeases';

jest.setTimeout(60_000);

const sqlite = TestDatabases.create({ ids: ['SQLITE_3'] });
let postgres: PostgresHarness;
beforeAll(async () => {
  postgres = await startPostgres();
});
afterAll(async () => {
  await postgres?.stop();
});

let counter = 0;
const databases: Array<[string, () => Promise<DatabaseService>]> = [
  [
    'SQLite',
    async () => mockServices.database({ knex: await sqlite.init('SQLITE_3') }),
  ],
  [
    'PostgreSQL',
    async () => postgres.createDatabase(`mesh_leases_${++counter}`),
  ],
];

const CLUSTERS = Array.from({ length: 10 }, (_, i) => `cluster-${i + 1}`);
// Long enough that a check on a loaded CI machine (a dozen PostgreSQL round trips) ends well
// within the lease it renews: a check that eats into it keeps nothing, rightly (dropUnsure)
const LEASE_MS = 3000;

describe.each(databases)('discovery leases on %s', (_name, init) => {
  let repository: DatabaseLeaseRepository;
  beforeEach(async () => {
    const database = await init();
    // the migrations run with the cluster state's
    await DatabaseClusterStateRepository.create(database);
    repository = new DatabaseLeaseRepository(await database.getClient());
  });

  /** A replica; what it was told to stop is recorded with who held the lease then. */
  function replica(
    name: string,
    repo: DatabaseLeaseRepository = repository,
    now?: () => number,
  ) {
    const stopped: Array<{ cluster: string; holderThen?: string }> = [];
    const logger = mockServices.logger.mock();
    const leases = new DiscoveryLeases({
      repository: repo,
      replica: name,
      leaseDurationMs: LEASE_MS,
      now,
      stopClusters: async clusters => {
        const rows = await repository.list();
        for (const cluster of clusters)
          stopped.push({
            cluster,
            holderThen: rows.find(r => r.cluster === cluster)?.holder,
          });
      },
      logger,
    });
    return { leases, stopped, logger };
  }
  const holders = async () => {
    const count = new Map<string, number>();
    for (const row of await repository.list())
      if (row.holder) count.set(row.holder, (count.get(row.holder) ?? 0) + 1);
    return count;
  };

  it('gives one replica every cluster', async () => {
    const { leases } = replica('a');
    expect((await leases.check(CLUSTERS)).sort()).toEqual([...CLUSTERS].sort());
    expect(leases.checkIntervalMs).toBe(LEASE_MS / 3);
  });

  it('splits the clusters between two replicas within two checks, never both holding one', async () => {
    const a = replica('a');
    const b = replica('b');
    await a.leases.check(CLUSTERS);
    await Promise.all([b.leases.check(CLUSTERS), a.leases.check(CLUSTERS)]);
    await Promise.all([b.leases.check(CLUSTERS), a.leases.check(CLUSTERS)]);
    const [heldA, heldB] = [a.leases.clusters(), b.leases.clusters()];
    expect(heldA).toHaveLength(5);
    expect(heldB).toHaveLength(5);
    expect(heldA.filter(c => heldB.includes(c))).toEqual([]);
    expect(await holders()).toEqual(
      new Map([
        ['a', 5],
        ['b', 5],
      ]),
    );
    // what a gave up it stopped while still holding it
    expect(a.stopped.map(s => s.holderThen)).toEqual(a.stopped.map(() => 'a'));
  });

  it('has three replicas claiming at once never hold one cluster twice, and settle on an even split', async () => {
    const all = ['a', 'b', 'c'].map(name => replica(name));
    let held: string[][] = [];
    // checks race each other: what one releases another claims at its next check
    for (let round = 0; round < 8; round++) {
      await Promise.all(all.map(r => r.leases.check(CLUSTERS)));
      held = all.map(r => r.leases.clusters());
      expect(new Set(held.flat()).size).toBe(held.flat().length);
      if (held.flat().length === CLUSTERS.length) break;
    }
    expect(held.flat().sort()).toEqual([...CLUSTERS].sort());
    for (const h of held) expect(h.length).toBeLessThanOrEqual(4);
  });

  it('frees a replica’s clusters at once when it leaves, stopping them first', async () => {
    const a = replica('a');
    const b = replica('b');
    await a.leases.check(CLUSTERS);
    await b.leases.check(CLUSTERS);
    await a.leases.check(CLUSTERS);
    await b.leases.check(CLUSTERS);
    await a.leases.leave();
    expect(a.stopped.every(s => s.holderThen === 'a')).toBe(true);
    expect(a.leases.clusters()).toEqual([]);
    // gone from the live replicas too: b's share is every cluster, on its very next check
    expect((await b.leases.check(CLUSTERS)).sort()).toEqual(
      [...CLUSTERS].sort(),
    );
    // and a left replica claims nothing
    expect(await a.leases.check(CLUSTERS)).toEqual([]);
  });

  it('hands a crashed replica’s clusters over once its leases expire', async () => {
    const a = replica('a');
    const b = replica('b');
    await a.leases.check(CLUSTERS);
    await b.leases.check(CLUSTERS);
    // a never checks again (no shutdown hook): b gets nothing while a's leases live
    expect(await b.leases.check(CLUSTERS)).toEqual([]);
    await new Promise(r => setTimeout(r, LEASE_MS + 50));
    expect((await b.leases.check(CLUSTERS)).sort()).toEqual(
      [...CLUSTERS].sort(),
    );
  });

  it('forgets the leases of clusters no longer listed when the list is complete', async () => {
    const a = replica('a');
    await a.leases.check(CLUSTERS);
    const kept = CLUSTERS.slice(0, 3);
    expect((await a.leases.check(kept, { forget: true })).sort()).toEqual(kept);
    expect(a.stopped.map(s => s.cluster).sort()).toEqual(
      CLUSTERS.slice(3).sort(),
    );
    expect((await repository.list()).map(r => r.cluster).sort()).toEqual(kept);
  });

  it('stops its clusters before their leases could expire when the database fails', async () => {
    let now = 0;
    const failing = Object.create(repository) as DatabaseLeaseRepository;
    const { leases, stopped, logger } = replica('a', failing, () => now);
    await leases.check(CLUSTERS);
    failing.now = async () => {
      throw new Error('connection refused');
    };
    // one failed check: still held until the next
    now = LEASE_MS * 0.2;
    expect(await leases.check(CLUSTERS)).toHaveLength(10);
    expect(stopped).toEqual([]);
    // the lease would end before the check after this one: stopped now
    now = LEASE_MS * 0.7;
    expect(await leases.check(CLUSTERS)).toEqual([]);
    expect(stopped.map(s => s.cluster).sort()).toEqual([...CLUSTERS].sort());
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('connection refused'),
    );
  });
});
