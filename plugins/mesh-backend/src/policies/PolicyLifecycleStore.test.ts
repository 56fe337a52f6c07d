import type { DatabaseService } from '@backstage/backend-plugin-api';
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import {
  PostgresHarness,
  startPostgres,
} from '../__testUtils__/postgresHarness';
import { PolicyLifecycleStore, StoredRepository } from './PolicyLifecycleStore';

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
    async () => postgres.createDatabase(`mesh_policies_${++counter}`),
  ],
];

const URL = 'github.com?owner=acme&repo=mesh-policies';
const repository = (commit: string): StoredRepository => ({
  url: URL,
  sync: {
    status: 'ok',
    lastSyncAt: '2026-12-01T00:00:00.000Z',
    lastAttemptAt: '2026-12-01T00:00:00.000Z',
    commit,
    etag: `"${commit}"`,
  },
  branch: { commit, files: { 'policies/a.yaml': `commit: ${commit}` } },
  pullRequests: [
    {
      pullRequest: {
        url: 'https://github.com/acme/mesh-policies/pull/7',
        number: 7,
        title: 'Route reviews',
        state: 'open',
        reviewers: ['team-a'],
        approvedBy: [],
        createdAt: '2026-11-30T00:00:00.000Z',
      },
      policies: ['trafficpolicy.bookinfo.reviews'],
    },
  ],
});

describe.each(databases)('the policy lifecycle tables on %s', (_name, init) => {
  it('keeps the last branch and pull requests when a sync fails, and notices each write', async () => {
    const database = await init();
    const store = await PolicyLifecycleStore.create(database);
    expect(await store.loadRepositories()).toEqual([]);
    expect(await store.loadMemory()).toEqual({});
    const empty = await store.revision();

    await store.saveRepository(repository('c1'));
    const first = await store.revision();
    expect(first).not.toBe(empty);

    await store.saveSyncStatus(URL, {
      ...repository('c1').sync,
      status: 'unauthorized',
      message:
        'GitHub refused the token (401); renew integrations.github[0].token',
      lastAttemptAt: '2026-12-01T00:01:00.000Z',
    });
    expect(await store.revision()).not.toBe(first);
    const [kept] = await store.loadRepositories();
    expect(kept.sync.status).toBe('unauthorized');
    expect(kept.branch).toEqual(repository('c1').branch);
    expect(kept.pullRequests).toEqual(repository('c1').pullRequests);

    // a restart (a new store on the same database) reads the same
    const again = await PolicyLifecycleStore.create(database);
    expect(await again.loadRepositories()).toEqual([kept]);
  });

  it('records a failure of a repository never read, without a branch', async () => {
    const store = await PolicyLifecycleStore.create(await init());
    await store.saveSyncStatus(URL, {
      status: 'not-found',
      message: 'acme/mesh-policies does not exist',
    });
    expect(await store.loadRepositories()).toEqual([
      {
        url: URL,
        sync: {
          status: 'not-found',
          message: 'acme/mesh-policies does not exist',
        },
        pullRequests: [],
      },
    ]);
  });

  it('forgets repositories no longer configured, and the revision says so', async () => {
    const store = await PolicyLifecycleStore.create(await init());
    await store.saveRepository(repository('c1'));
    await store.saveRepository({
      ...repository('c2'),
      url: 'gitlab.com?owner=g&repo=p',
    });
    const before = await store.revision();
    await store.retainOnly([URL]);
    expect((await store.loadRepositories()).map(r => r.url)).toEqual([URL]);
    expect(await store.revision()).not.toBe(before);
  });

  it('stores the memory as one row', async () => {
    const store = await PolicyLifecycleStore.create(await init());
    const memory = {
      'trafficpolicy.bookinfo.reviews': {
        'cluster-1': {
          state: 'applied' as const,
          since: '2026-12-01T00:00:00.000Z',
          appliedAt: '2026-12-01T00:00:00.000Z',
          renderedHash: 'abc',
        },
      },
    };
    const before = await store.revision();
    await store.saveMemory(memory);
    await store.saveMemory(memory);
    expect(await store.loadMemory()).toEqual(memory);
    expect(await store.revision()).not.toBe(before);
  });
});
