import { EMPTY_INVENTORY } from '../__testUtils__/emptyInventory';
import { storedStates } from '../__testUtils__/storedStates';
import { readdirSync } from 'node:fs';
import type { DatabaseService } from '@backstage/backend-plugin-api';
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import type { ClusterInventory } from '../aggregation/inventory';
import {
  PostgresHarness,
  startPostgres,
} from '../__testUtils__/postgresHarness';
import { DatabaseClusterStateRepository } from './DatabaseClusterStateRepository';
import { inventoryDigest } from './inventoryDigest';
import { inventoryChange } from './inventoryChange';
import { derivationChange, type DerivationRecord } from './storedDerivation';
import { serializeStartup } from './serializeStartup';

jest.setTimeout(60_000);

const sqlite = TestDatabases.create({ ids: ['SQLITE_3'] });
let postgres: PostgresHarness;

beforeAll(async () => {
  postgres = await startPostgres();
});
afterAll(async () => {
  await postgres?.stop();
});

const inventory = (marker: string) =>
  ({ marker } as unknown as ClusterInventory);
const ok = (at: string) => ({
  state: 'ok' as const,
  lastSuccessAt: at,
  lastAttemptAt: at,
});

let counter = 0;
const databases: Array<[string, () => Promise<DatabaseService>]> = [
  [
    'SQLite',
    async () => {
      const knex = await sqlite.init('SQLITE_3');
      return mockServices.database({ knex });
    },
  ],
  [
    'PostgreSQL',
    async () => postgres.createDatabase(`mesh_repository_${++counter}`),
  ],
];

describe.each(databases)('the cluster state table on %s', (_name, init) => {
  it('migrates up and down, and up again', async () => {
    const database = await init();
    await DatabaseClusterStateRepository.create(database);
    const knex = await database.getClient();
    const columns = await knex('mesh_cluster_state').columnInfo();
    expect(Object.keys(columns).sort()).toEqual([
      'cluster',
      'derivation',
      'derivation_key',
      'inventory',
      'inventory_digest',
      'sync',
      'updated_at',
      'writer',
    ]);
    expect(
      Object.keys(await knex('mesh_cluster_change').columnInfo()).sort(),
    ).toEqual(['change', 'cluster', 'derivation_change', 'id']);
    await knex.migrate.rollback(
      { directory: `${__dirname}/../../migrations` },
      true,
    );
    expect(await knex.schema.hasTable('mesh_cluster_state')).toBe(false);
    // a second start re-applies the migration from scratch
    await DatabaseClusterStateRepository.create(database);
    expect(await knex.schema.hasTable('mesh_cluster_state')).toBe(true);
  });

  it('keeps the last-known-good inventory through failed syncs, each write a new version', async () => {
    const repository = await DatabaseClusterStateRepository.create(
      await init(),
    );
    expect(await repository.versions()).toEqual(new Map());

    await repository.saveSuccess(
      'a',
      inventory('a1'),
      ok('2026-01-01T00:00:00Z'),
    );
    await repository.saveSuccess(
      'b',
      inventory('b1'),
      ok('2026-01-01T00:00:00Z'),
    );
    const afterSuccess = await repository.versions();
    expect([...afterSuccess.keys()].sort()).toEqual(['a', 'b']);

    const stale = {
      state: 'stale' as const,
      lastSuccessAt: '2026-01-01T00:00:00Z',
      lastAttemptAt: '2026-01-01T00:01:00Z',
      error: { reason: 'timeout' as const, message: 'slow' },
    };
    await repository.saveSync('a', stale);
    const afterFailure = await repository.versions();
    // only the cluster written has a new version
    expect(afterFailure.get('a')).toBeGreaterThan(afterSuccess.get('a')!);
    expect(afterFailure.get('b')).toBe(afterSuccess.get('b'));

    const rows = await storedStates(repository);
    expect(
      rows
        .map(r => [r.cluster, r.sync.state, (r.inventory as any)?.marker])
        .sort(),
    ).toEqual([
      ['a', 'stale', 'a1'],
      ['b', 'ok', 'b1'],
    ]);

    // a cluster seen only through failures has no inventory
    await repository.saveSync('c', { state: 'never-synced' });
    expect(
      (await storedStates(repository)).find(r => r.cluster === 'c'),
    ).toEqual({
      cluster: 'c',
      sync: { state: 'never-synced' },
      updatedAt: expect.any(Number),
    });

    // one cluster read alone, as a replica picking up another's write does; unknown ones are skipped
    const [a] = await repository.load(['a', 'unknown']);
    expect(a).toMatchObject({
      cluster: 'a',
      sync: stale,
      inventory: inventory('a1'),
      updatedAt: afterFailure.get('a'),
    });
    expect(await repository.load([])).toEqual([]);

    // a forgotten cluster has no version left
    await repository.retainOnly(['a', 'b']);
    expect([...(await repository.versions()).keys()].sort()).toEqual([
      'a',
      'b',
    ]);
    expect((await storedStates(repository)).map(r => r.cluster).sort()).toEqual(
      ['a', 'b'],
    );
  });

  it("writes a watched cluster's changes on top of the inventory it wrote, and only there", async () => {
    const database = await init();
    const repository = await DatabaseClusterStateRepository.create(database);
    const pods = (...names: string[]) =>
      ({
        ...EMPTY_INVENTORY,
        pods: names.map(name => ({ namespace: 'ns', name })),
      } as unknown as ClusterInventory);
    const first = pods('p1', 'p2', 'p3');
    await repository.saveSuccess('a', first, ok('2026-01-01T00:00:00Z'));
    const [whole] = await storedStates(repository);

    const second = {
      ...first,
      pods: [first.pods[0], { ...first.pods[1], ready: true }, first.pods[2]],
    };
    expect(
      await repository.saveChange(
        'a',
        inventoryChange(first, second),
        ok('2026-01-01T00:00:10Z'),
      ),
    ).toBe(true);
    const third = { ...second, pods: second.pods.slice(1) };
    expect(
      await repository.saveChange(
        'a',
        inventoryChange(second, third),
        ok('2026-01-01T00:00:20Z'),
      ),
    ).toBe(true);
    const [changed] = await storedStates(repository);
    expect(changed.inventory).toEqual(JSON.parse(JSON.stringify(third)));
    expect(changed.sync).toEqual(ok('2026-01-01T00:00:20Z'));
    expect(changed.updatedAt).toBeGreaterThan(whole.updatedAt!);
    // another content, another digest; the same rows, the same digest
    expect(changed.inventoryDigest).not.toBe(whole.inventoryDigest);
    expect((await storedStates(repository))[0].inventoryDigest).toBe(
      changed.inventoryDigest,
    );

    // another replica never wrote it: no change of its own applies
    const other = await DatabaseClusterStateRepository.create(database);
    expect(
      await other.saveChange(
        'a',
        inventoryChange(third, first),
        ok('2026-01-01T00:00:30Z'),
      ),
    ).toBe(false);
    // once the other replica wrote it whole, this one's changes no longer apply either
    await other.saveSuccess('a', first, ok('2026-01-01T00:00:40Z'));
    expect(
      await repository.saveChange(
        'a',
        inventoryChange(third, second),
        ok('2026-01-01T00:00:50Z'),
      ),
    ).toBe(false);
    const knex = await database.getClient();
    // written whole: the changes before are gone, and what is stored is the whole write
    expect(
      Number((await knex('mesh_cluster_change').count({ n: '*' }))[0].n),
    ).toBe(0);
    expect((await storedStates(repository))[0].inventory).toEqual(
      JSON.parse(JSON.stringify(first)),
    );

    // a failed sync keeps the inventory, and a change still applies after it
    await other.saveChange(
      'a',
      inventoryChange(first, second),
      ok('2026-01-01T00:01:00Z'),
    );
    await other.saveSync('a', {
      state: 'stale',
      lastSuccessAt: '2026-01-01T00:01:00Z',
      lastAttemptAt: '2026-01-01T00:01:10Z',
      error: { reason: 'timeout', message: 'slow' },
    });
    expect(
      await other.saveChange(
        'a',
        inventoryChange(second, third),
        ok('2026-01-01T00:01:20Z'),
      ),
    ).toBe(true);
    expect((await storedStates(repository))[0].inventory).toEqual(
      JSON.parse(JSON.stringify(third)),
    );

    // a forgotten cluster's changes go with it
    await other.retainOnly([]);
    expect(
      Number((await knex('mesh_cluster_change').count({ n: '*' }))[0].n),
    ).toBe(0);
    expect(await other.versions()).toEqual(new Map());
  });

  it('loads a cluster whose stored changes do not apply without its inventory, and the others whole', async () => {
    const database = await init();
    const repository = await DatabaseClusterStateRepository.create(database);
    const first = {
      ...EMPTY_INVENTORY,
      pods: [{ namespace: 'ns', name: 'p1' }],
    } as unknown as ClusterInventory;
    await repository.saveSuccess('a', first, ok('2026-01-01T00:00:00Z'));
    await repository.saveSuccess('b', first, ok('2026-01-01T00:00:00Z'));
    const knex = await database.getClient();
    // a change that removes more pods than the stored inventory has, and one that is not JSON
    await knex('mesh_cluster_change').insert([
      {
        cluster: 'a',
        change: JSON.stringify({
          lists: { pods: { at: 0, remove: 5, items: [] } },
          rest: { ztunnelPresent: false },
        }),
      },
      { cluster: 'a', change: '{"lists":' },
    ]);
    const rows = await storedStates(repository);
    expect(rows.find(r => r.cluster === 'b')!.inventory).toEqual(first);
    const a = rows.find(r => r.cluster === 'a')!;
    expect(a.inventory).toBeUndefined();
    expect(a.sync).toEqual({
      state: 'never-synced',
      lastAttemptAt: '2026-01-01T00:00:00Z',
      error: {
        reason: 'malformed-response',
        message: expect.stringMatching(
          /^the stored inventory of the cluster could not be read \(the stored change of pods does not fit the stored inventory .+\); it waits for the next sync$/,
        ),
      },
    });
  });

  it('stores the derivation beside the inventory, follows its changes, and gives it only under its key', async () => {
    const database = await init();
    const repository = await DatabaseClusterStateRepository.create(database);
    // what a record holds does not matter here: its lists splice as an inventory's do
    const record = (services: string[]) =>
      ({
        lists: {
          services: services.map(name => ({ name })),
          mirrors: [],
          namespaces: [],
          config: [],
          controlPlanes: [],
        },
        rest: {
          topology: { regions: [], zones: [], eastWestGateways: [] },
          status: {},
        },
      } as unknown as DerivationRecord);
    const first = {
      ...EMPTY_INVENTORY,
      pods: [{ name: 'p1' }],
    } as unknown as ClusterInventory;
    const second = {
      ...first,
      pods: [...first.pods, { name: 'p2' }],
    } as unknown as ClusterInventory;
    const [r1, r2] = [record(['s1']), record(['s1', 's2'])];
    await repository.saveSuccess('a', first, ok('2026-01-01T00:00:00Z'), {
      derivation: { key: 'k1', record: r1 },
    });
    const plain = (await repository.load(['a']))[0];
    expect(plain.inventory).toEqual(first);
    expect(plain.derivation).toBeUndefined();
    // under its key: the derivation instead of the inventory, with the same digest
    const keyed = (await repository.load(['a'], { derivationKey: 'k1' }))[0];
    expect(keyed.inventory).toBeUndefined();
    expect(keyed.derivation).toEqual(r1);
    expect(keyed.inventoryDigest).toBe(plain.inventoryDigest);
    // another key (other options, another format): the inventory
    expect(
      (await repository.load(['a'], { derivationKey: 'k2' }))[0],
    ).toMatchObject({ inventory: first });

    // a change carries the derivation's change, which the load applies in order
    expect(
      await repository.saveChange(
        'a',
        inventoryChange(first, second),
        ok('2026-01-01T00:00:10Z'),
        derivationChange(r1, r2),
      ),
    ).toBe(true);
    const changed = (await repository.load(['a'], { derivationKey: 'k1' }))[0];
    expect(changed.derivation).toEqual(r2);
    expect(changed.inventoryDigest).toBe(
      (await repository.load(['a']))[0].inventoryDigest,
    );
    expect(changed.inventoryDigest).not.toBe(plain.inventoryDigest);

    // a change without one voids the stored derivation until the next whole write
    expect(
      await repository.saveChange(
        'a',
        inventoryChange(second, first),
        ok('2026-01-01T00:00:20Z'),
      ),
    ).toBe(true);
    const voided = (await repository.load(['a'], { derivationKey: 'k1' }))[0];
    expect(voided.derivation).toBeUndefined();
    expect(voided.inventory).toEqual(first);
    await repository.saveSuccess('a', second, ok('2026-01-01T00:00:30Z'), {
      derivation: { key: 'k1', record: r2 },
    });
    expect(
      (await repository.load(['a'], { derivationKey: 'k1' }))[0].derivation,
    ).toEqual(r2);

    const knex = await database.getClient();
    // served by its derivation, the inventory's text is not even read: unreadable, it is
    // not noticed under the key, and is without it
    const text = (await knex('mesh_cluster_state').where({ cluster: 'a' }))[0]
      .inventory;
    await knex('mesh_cluster_state')
      .where({ cluster: 'a' })
      .update({ inventory: '{"pods":' });
    expect(
      (await repository.load(['a'], { derivationKey: 'k1' }))[0],
    ).toMatchObject({ derivation: r2, sync: { state: 'ok' } });
    expect((await repository.load(['a']))[0].sync.state).toBe('never-synced');
    // a row written before the digest was stored: the inventory is read to digest it
    await knex('mesh_cluster_state')
      .where({ cluster: 'a' })
      .update({ inventory: text, inventory_digest: null });
    expect(
      (await repository.load(['a'], { derivationKey: 'k1' }))[0],
    ).toMatchObject({ inventory: second, sync: { state: 'ok' } });

    // an unreadable derivation: the inventory instead, the cluster still loads
    await knex('mesh_cluster_state')
      .where({ cluster: 'a' })
      .update({ derivation: '{"lists":' });
    expect(
      (await repository.load(['a'], { derivationKey: 'k1' }))[0],
    ).toMatchObject({ inventory: second, sync: { state: 'ok' } });
  });

  it('stores an inventory of several megabytes', async () => {
    const repository = await DatabaseClusterStateRepository.create(
      await init(),
    );
    const big = inventory('x'.repeat(5 * 1024 * 1024));
    await repository.saveSuccess('big', big, ok('2026-01-01T00:00:00Z'));
    const [row] = await storedStates(repository);
    expect((row.inventory as any).marker).toHaveLength(5 * 1024 * 1024);
  });

  it('loads each inventory with the digest the store gives the same content', async () => {
    const repository = await DatabaseClusterStateRepository.create(
      await init(),
    );
    const a = inventory('a1');
    await repository.saveSuccess('a', a, ok('2026-01-01T00:00:00Z'));
    const [row] = await storedStates(repository);
    expect(row.inventoryDigest).toBe(inventoryDigest(JSON.stringify(a)));
    expect(row.inventoryDigest).not.toBe(
      inventoryDigest(JSON.stringify(inventory('a2'))),
    );
  });
});

describe('replicas starting together on a fresh PostgreSQL database', () => {
  it('migrate one at a time, leaving knex with a single, free lock row', async () => {
    // one database service per "replica": separate connection pools, like separate pods
    const replicas = Array.from({ length: 4 }, () =>
      postgres.createDatabase('mesh_concurrent_start'),
    );
    const order: string[] = [];
    await Promise.all(
      replicas.map((database, i) =>
        serializeStartup(database, async () => {
          order.push(`start ${i}`);
          await DatabaseClusterStateRepository.create(database);
          order.push(`end ${i}`);
        }),
      ),
    );
    // never two inside at once
    for (let i = 0; i < order.length; i += 2) {
      expect(order[i + 1]).toBe(order[i].replace('start', 'end'));
    }
    const knex = await replicas[0].getClient();
    expect(await knex('knex_migrations_lock').select('is_locked')).toEqual([
      { is_locked: 0 },
    ]);
    // each migration applied once
    expect(await knex('knex_migrations').count({ n: '*' })).toEqual([
      { n: String(readdirSync(`${__dirname}/../../migrations`).length) },
    ]);
  });
});
