import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import type {
  Fleet,
  PolicyLifecycle,
} from '@meshport/backstage-plugin-mesh-common';
import type { PolicyRepositoryConfig } from '@meshport/backstage-plugin-mesh-node';
import type {
  LifecycleInput,
  LifecycleResult,
} from '@meshport/backstage-plugin-mesh-policy';
import type { FleetStore } from '../store/FleetStore';
import {
  PostgresHarness,
  startPostgres,
} from '../__testUtils__/postgresHarness';
import { FakeScm } from './__testUtils__/fakeScm';
import { PolicyLifecycleStore } from './PolicyLifecycleStore';
import { PolicyLifecycleSync } from './PolicyLifecycleSync';
import { PolicyRepositoryReadError } from './scm/PolicyRepositoryScm';

jest.setTimeout(60_000);

const sqlite = TestDatabases.create({ ids: ['SQLITE_3'] });

const REPO: PolicyRepositoryConfig = {
  url: 'github.com?owner=acme&repo=mesh-policies',
  host: 'github.com',
  owner: 'acme',
  repo: 'mesh-policies',
  provider: 'github',
  branch: 'main',
  webUrl: 'https://github.com/acme/mesh-policies',
};

const fleetOf = (clusters: string[]) =>
  ({
    clusters: clusters.map(name => ({ name })),
    services: [],
    generatedAt: '2026-12-01T00:00:00.000Z',
  } as unknown as Fleet);

/**
 * Stands in for the lifecycle computation: one policy per branch file, applied in every
 * cluster of the fleet, and a memory entry per policy and cluster that remembers when it was
 * first seen — enough to see what the sync feeds it and keeps.
 */
function fakeCompute(calls: LifecycleInput[]) {
  return (input: LifecycleInput): LifecycleResult => {
    calls.push(input);
    const memory = { ...input.memory };
    const policies: PolicyLifecycle[] = input.repositories.flatMap(r =>
      Object.keys(r.branch?.files ?? {}).map(path => {
        const name = path.replace(/^policies\/|\.yaml$/g, '');
        const ref = `trafficpolicy.bookinfo.${name}`;
        memory[ref] = Object.fromEntries(
          input.fleet.clusters.map(c => [
            c.name,
            memory[ref]?.[c.name] ?? {
              state: 'applied' as const,
              since: input.now,
              renderedHash: r.branch!.files[path],
            },
          ]),
        );
        return {
          ref,
          kind: 'TrafficPolicy' as const,
          namespace: 'bookinfo',
          name,
          repository: r.status.url,
          path,
          destinations: ['bookinfo/reviews'],
          state: 'applied' as const,
          onBranch: true,
          clusters: [],
          timings: {},
        };
      }),
    );
    return { policies, orphans: [], memory };
  };
}

async function setup() {
  const database = mockServices.database({
    knex: await sqlite.init('SQLITE_3'),
  });
  const store = await PolicyLifecycleStore.create(database);
  let fleet = fleetOf(['cluster-1']);
  const fleetStore = {
    getFleet: async () => fleet,
  } as unknown as FleetStore;
  const scm = new FakeScm();
  scm.branches.set(REPO.url, {
    commit: 'c1',
    files: { 'policies/reviews.yaml': 'v1' },
  });
  const calls: LifecycleInput[] = [];
  let clock = Date.parse('2026-12-01T00:00:00.000Z');
  const newSync = () =>
    new PolicyLifecycleSync({
      repositories: [REPO],
      scm,
      store,
      fleetStore,
      compute: fakeCompute(calls),
      logger: mockServices.logger.mock(),
      refreshIntervalMs: 0,
      now: () => new Date(clock),
    });
  return {
    store,
    scm,
    calls,
    sync: newSync(),
    newSync,
    setFleet: (clusters: string[]) => {
      fleet = fleetOf(clusters);
    },
    tick: (ms: number) => {
      clock += ms;
    },
  };
}

describe('PolicyLifecycleSync', () => {
  it('keeps the CODEOWNERS check of each sync, and a catalog that fails leaves it unknown, not the sync failed', async () => {
    const { store, scm } = await setup();
    const answers = [
      async () => ({
        status: 'current' as const,
        owners: {
          provider: 'github' as const,
          default: ['@acme/p'],
          services: {},
        },
      }),
      async (): Promise<never> => {
        throw new Error('catalog unavailable');
      },
    ];
    const seen: string[][] = [];
    const sync = new PolicyLifecycleSync({
      repositories: [REPO],
      scm,
      store,
      fleetStore: {
        getFleet: async () => fleetOf(['cluster-1']),
      } as unknown as FleetStore,
      compute: fakeCompute([]),
      codeOwners: async (_r, branch) => {
        seen.push(Object.keys(branch.files));
        return answers.shift()!();
      },
      logger: mockServices.logger.mock(),
      refreshIntervalMs: 0,
    });
    await sync.syncRepositories();
    let view = await sync.current();
    expect(view.repositories[0].codeOwners).toBe('current');
    expect(view.owners.get(REPO.url)?.default).toEqual(['@acme/p']);
    // the branch did not move: the catalog is still asked, with the stored branch
    await sync.syncRepositories();
    view = await sync.current();
    expect(seen).toEqual([
      ['policies/reviews.yaml'],
      ['policies/reviews.yaml'],
    ]);
    expect(view.repositories[0]).toMatchObject({
      status: 'ok',
      codeOwners: 'unknown',
      codeOwnersMessage: expect.stringMatching(
        /^Could not compare CODEOWNERS of https:\/\/github\.com\/acme\/mesh-policies with the catalog's owners: catalog unavailable; the next sync tries again$/,
      ),
    });
    expect(view.owners.size).toBe(0);
  });

  it('says never-synced before the first sync, and computes nothing without a branch', async () => {
    const { sync } = await setup();
    const view = await sync.current();
    expect(view.repositories).toEqual([
      expect.objectContaining({
        url: REPO.url,
        webUrl: REPO.webUrl,
        status: 'never-synced',
        clusters: ['cluster-1'],
        codeOwners: 'unknown',
      }),
    ]);
    expect(view.result.policies).toEqual([]);
  });

  it('reads the branch once while its etag holds, and the pull requests every time', async () => {
    const { sync, scm } = await setup();
    await sync.syncRepositories();
    await sync.syncRepositories();
    expect(scm.reads).toEqual({ branch: 2, fullBranch: 1, pullRequests: 2 });
    const view = await sync.current();
    expect(view.repositories[0]).toMatchObject({
      status: 'ok',
      commit: 'c1',
      lastSyncAt: '2026-12-01T00:00:00.000Z',
    });
    expect(view.result.policies.map(p => p.ref)).toEqual([
      'trafficpolicy.bookinfo.reviews',
    ]);

    scm.branches.set(REPO.url, {
      commit: 'c2',
      files: { 'policies/reviews.yaml': 'v2', 'policies/ratings.yaml': 'v1' },
    });
    await sync.syncRepositories();
    expect(scm.reads.fullBranch).toBe(2);
    expect((await sync.current()).result.policies).toHaveLength(2);
  });

  it('computes once per fleet and per stored revision, and again for a new fleet without asking the SCM', async () => {
    const { sync, scm, calls, setFleet } = await setup();
    await sync.syncRepositories();
    await sync.current();
    await sync.current();
    const computed = calls.length;
    expect(computed).toBe(1);

    setFleet(['cluster-1', 'cluster-2']);
    const reads = { ...scm.reads };
    const view = await sync.current();
    expect(calls).toHaveLength(computed + 1);
    expect(scm.reads).toEqual(reads);
    expect(view.repositories[0].clusters).toEqual(['cluster-1', 'cluster-2']);
  });

  it.each([
    [
      'rate-limited',
      'GitHub rate limit reached; retry after 2026-12-01T01:00:00Z',
    ],
    [
      'unauthorized',
      'GitHub refused the token (401); renew integrations.github[0].token',
    ],
    [
      'not-found',
      'acme/mesh-policies was not found (404); check mesh.policyRepositories',
    ],
  ] as const)(
    'keeps the last known states through an SCM outage (%s), with its message',
    async (status, message) => {
      const { sync, scm, tick } = await setup();
      await sync.syncRepositories();
      const before = await sync.current();

      tick(60_000);
      scm.fail = new PolicyRepositoryReadError(status, message);
      await sync.syncRepositories();
      const during = await sync.current();
      expect(during.repositories[0]).toMatchObject({
        status,
        message,
        commit: 'c1',
        lastSyncAt: '2026-12-01T00:00:00.000Z',
      });
      expect(during.result.policies).toEqual(before.result.policies);

      // the etag was kept too: the recovery finds the branch unchanged
      scm.fail = undefined;
      tick(60_000);
      await sync.syncRepositories();
      const after = await sync.current();
      expect(after.repositories[0]).toMatchObject({
        status: 'ok',
        lastSyncAt: '2026-12-01T00:02:00.000Z',
      });
      expect(after.repositories[0].message).toBeUndefined();
      expect(scm.reads.fullBranch).toBe(1);
    },
  );

  it('shows an unexpected failure as error without credentials', async () => {
    const { sync, scm } = await setup();
    scm.fail = new Error(
      'request to https://x-access-token:ghs_secret1234567@github.com/acme failed',
    );
    await sync.syncRepositories();
    const [status] = (await sync.current()).repositories;
    expect(status.status).toBe('error');
    expect(status.message).toContain('https://***@github.com/acme');
    expect(status.message).not.toContain('ghs_secret');
    expect(status.message).toContain('the last known states are kept');
  });

  it('keeps states and memory through a restart', async () => {
    const { sync, newSync, tick } = await setup();
    await sync.syncRepositories();
    const before = await sync.current();
    tick(3_600_000);
    const restarted = newSync();
    const after = await restarted.current();
    expect(after.result).toEqual(before.result);
    expect(after.repositories).toEqual(before.repositories);
  });

  it('serves nothing when no repository is configured', async () => {
    const { store } = await setup();
    const sync = new PolicyLifecycleSync({
      repositories: [],
      scm: new FakeScm(),
      store,
      fleetStore: {
        getFleet: async () => fleetOf([]),
      } as unknown as FleetStore,
      compute: () => {
        throw new Error('not called');
      },
      logger: mockServices.logger.mock(),
    });
    expect((await sync.current()).result.policies).toEqual([]);
  });
});

describe('PolicyLifecycleSync replicas on PostgreSQL', () => {
  let postgres: PostgresHarness;
  beforeAll(async () => {
    postgres = await startPostgres();
  });
  afterAll(async () => {
    await postgres?.stop();
  });

  it('serve the states the syncing replica stored, and see its outage', async () => {
    const database = postgres.createDatabase('mesh_policy_replicas');
    const scm = new FakeScm();
    scm.branches.set(REPO.url, {
      commit: 'c1',
      files: { 'policies/reviews.yaml': 'v1' },
    });
    const fleet = fleetOf(['cluster-1', 'cluster-2']);
    const replica = async () =>
      new PolicyLifecycleSync({
        repositories: [REPO],
        scm,
        store: await PolicyLifecycleStore.create(database),
        fleetStore: { getFleet: async () => fleet } as unknown as FleetStore,
        compute: fakeCompute([]),
        logger: mockServices.logger.mock(),
        refreshIntervalMs: 0,
        now: () => new Date('2026-12-01T00:00:00.000Z'),
      });
    const [a, b] = [await replica(), await replica()];
    expect((await b.current()).repositories[0].status).toBe('never-synced');

    await a.syncRepositories();
    const fromA = await a.current();
    const fromB = await b.current();
    expect(fromB.repositories).toEqual(fromA.repositories);
    expect(fromB.result).toEqual(fromA.result);
    expect(fromB.result.policies).toHaveLength(1);

    scm.fail = new PolicyRepositoryReadError(
      'rate-limited',
      'GitHub rate limit reached',
    );
    await a.syncRepositories();
    const during = await b.current();
    expect(during.repositories[0].status).toBe('rate-limited');
    expect(during.result.policies).toEqual(fromA.result.policies);
  });
});

describe('files the computation leaves out', () => {
  it('are logged when they change, not at every computation', async () => {
    const { store } = await setup();
    const logger = mockServices.logger.mock();
    let fleet = fleetOf(['cluster-1']);
    const scm = new FakeScm();
    scm.branches.set(REPO.url, { commit: 'c1', files: {} });
    const sync = new PolicyLifecycleSync({
      repositories: [REPO],
      scm,
      store,
      fleetStore: { getFleet: async () => fleet } as unknown as FleetStore,
      compute: () => ({
        policies: [],
        orphans: [],
        memory: {},
        problems: [
          {
            repository: REPO.url,
            path: 'policies/bookinfo/reviews/broken.yaml',
            message: 'not YAML: fix the file',
          },
        ],
      }),
      logger,
      refreshIntervalMs: 0,
    });
    await sync.syncRepositories();
    await sync.current();
    fleet = fleetOf(['cluster-1', 'cluster-2']);
    await sync.current();
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logger.warn).toHaveBeenCalledWith(
      `Policy repository ${REPO.url}, policies/bookinfo/reviews/broken.yaml: not YAML: fix the file`,
    );
  });
});
