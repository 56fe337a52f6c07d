import { mockServices } from '@backstage/backend-test-utils';
import { AGGREGATION, demoClusterInputs } from '../__testUtils__/demoFleet';
import { memoryRepository } from '../__testUtils__/memoryRepository';
import { storedStates } from '../__testUtils__/storedStates';
import { LiveFleetStore } from './LiveFleetStore';

const AT = new Date('2025-04-01T00:00:00.000Z');

/**
 * Catalog and GKE clusters are listed only when discovery runs: the store learns its
 * clusters from each run, and keeps a listed cluster's state across a restart.
 */
describe('LiveFleetStore with clusters found at each run', () => {
  const store = (
    repository: ReturnType<typeof memoryRepository>,
    names: string[],
  ) =>
    new LiveFleetStore({
      clusters: names.map(name => ({ name, source: 'kubernetes' as const })),
      repository,
      aggregation: AGGREGATION,
      logger: mockServices.logger.mock(),
    });
  const summary = async (s: LiveFleetStore) =>
    (await s.getFleet()).clusters.map(c => [c.name, c.sync.state]);

  it('adds new clusters never-synced, keeps the state of known ones, forgets the rest here and in the database', async () => {
    const [one, two] = await demoClusterInputs(AT.toISOString());
    const repository = memoryRepository();
    const s = store(repository, []);
    await s.load();
    await s.setClusters(
      [
        { name: one.name, source: 'kubernetes' },
        { name: two.name, source: 'kubernetes' },
      ],
      { forget: true },
    );
    await s.recordSuccess(one.name, one.inventory!, AT);
    await s.recordSuccess(two.name, two.inventory!, AT);
    // a locator has not answered since startup: nothing is forgotten yet
    await s.setClusters([{ name: 'catalog-new', source: 'kubernetes' }], {
      forget: false,
    });
    expect(await summary(s)).toHaveLength(3);
    await s.setClusters(
      [
        { name: one.name, source: 'kubernetes' },
        { name: 'catalog-new', source: 'kubernetes' },
      ],
      { forget: true },
    );
    expect(await summary(s)).toEqual([
      ['catalog-new', 'never-synced'],
      [one.name, 'ok'],
    ]);
    expect((await storedStates(repository)).map(r => r.cluster)).toEqual([
      one.name,
    ]);
  });

  it("serves a dynamic cluster's last good data after a restart, before discovery lists it again", async () => {
    const [one] = await demoClusterInputs(AT.toISOString());
    const repository = memoryRepository();
    const first = store(repository, []);
    await first.load();
    await first.setClusters([{ name: one.name, source: 'kubernetes' }], {
      forget: true,
    });
    await first.recordSuccess(one.name, one.inventory!, AT);

    // restarted: only static clusters are known at startup
    const restarted = store(repository, ['static-1']);
    await restarted.load();
    expect(await summary(restarted)).toEqual([
      [one.name, 'ok'],
      ['static-1', 'never-synced'],
    ]);
  });
});
