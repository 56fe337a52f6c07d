import { ConfigReader } from '@backstage/config';
import { readDiscoveryOptions } from './DiscoveryOptions';

const owners = (entries: unknown) =>
  readDiscoveryOptions(
    new ConfigReader({ mesh: { ownership: { owners: entries } } } as never),
  ).aggregation.owners;

describe('mesh.ownership.owners', () => {
  it('reads owners per service and per namespace as full entity refs', () => {
    expect(
      owners([
        { namespace: 'bookinfo', owner: 'bookinfo-team' },
        {
          namespace: 'bookinfo',
          service: 'reviews',
          owner: 'user:default/jane',
        },
      ]),
    ).toEqual({
      bookinfo: 'group:default/bookinfo-team',
      'bookinfo/reviews': 'user:default/jane',
    });
  });

  it('is empty when not configured', () => {
    expect(
      readDiscoveryOptions(new ConfigReader({})).aggregation.owners,
    ).toEqual({});
  });

  it.each([
    [
      [{ namespace: 'bookinfo', owner: 'a:b:c/d/e' }],
      'mesh.ownership.owners[0].owner must be an entity ref like "bookinfo-team" or "group:default/bookinfo-team", got "a:b:c/d/e"',
    ],
    [
      [{ namespace: 'Bookinfo', owner: 'x' }],
      'mesh.ownership.owners[0]: namespace and service must be Kubernetes names',
    ],
    [
      [
        { namespace: 'bookinfo', owner: 'a' },
        { namespace: 'bookinfo', owner: 'b' },
      ],
      'mesh.ownership.owners[1] names bookinfo a second time; keep one entry',
    ],
  ])('refuses %j', (entries, message) => {
    expect(() => owners(entries)).toThrow(message);
  });
});

describe('mesh.discovery.timeout', () => {
  const timeoutMs = (timeout: unknown) =>
    readDiscoveryOptions(
      new ConfigReader({ mesh: { discovery: { timeout } } } as never),
    ).timeoutMs;

  it('is 30 seconds when not configured', () => {
    expect(readDiscoveryOptions(new ConfigReader({})).timeoutMs).toBe(30_000);
  });

  it.each([
    [{ minutes: 1, seconds: 30 }, 90_000],
    [{ milliseconds: 250 }, 250],
    ['PT45S', 45_000],
    ['2 minutes', 120_000],
  ])('reads %j as %i ms', (timeout, ms) => {
    expect(timeoutMs(timeout)).toBe(ms);
  });

  it.each([[{ seconds: 0 }], ['PT0S']])('refuses %j', timeout => {
    expect(() => timeoutMs(timeout)).toThrow(
      'mesh.discovery.timeout must be longer than zero',
    );
  });

  it('refuses what is not a duration', () => {
    expect(() => timeoutMs('soon')).toThrow("Invalid duration 'soon'");
  });
});

describe('readDiscoveryOptions', () => {
  it('has defaults and reads durations in both forms', () => {
    expect(readDiscoveryOptions(new ConfigReader({}))).toMatchObject({
      frequency: { minutes: 1 },
      timeoutMs: 30_000,
      concurrency: 5,
      pageSize: 500,
      aggregation: {
        ownerLabel: 'meshport.dev/owner',
        subsetLabels: ['version'],
      },
    });
    const options = readDiscoveryOptions(
      new ConfigReader({
        mesh: {
          ownerLabel: 'team',
          discovery: {
            frequency: 'PT5M',
            timeout: { seconds: 4 },
            excludeNamespaces: ['x'],
          },
        },
      }),
    );
    expect(options).toMatchObject({
      frequency: { minutes: 5 },
      timeoutMs: 4000,
      aggregation: { ownerLabel: 'team', excludeNamespaces: ['x'] },
    });
  });

  it('refuses a page size that is not a positive integer', () => {
    expect(() =>
      readDiscoveryOptions(
        new ConfigReader({ mesh: { discovery: { pageSize: 0 } } }),
      ),
    ).toThrow('mesh.discovery.pageSize must be a positive integer, got 0');
  });

  it('reads and parses list pages in one thread unless told otherwise, none meaning the event loop', () => {
    const threads = (projectionThreads?: unknown) =>
      readDiscoveryOptions(
        new ConfigReader({
          mesh: { discovery: { projectionThreads } },
        } as never),
      ).projectionThreads;
    expect(threads()).toBe(1);
    expect(threads(0)).toBe(0);
    expect(threads(4)).toBe(4);
    for (const wrong of [-1, 1.5, 17])
      expect(() => threads(wrong)).toThrow(
        `mesh.discovery.projectionThreads must be a whole number from 0 to 16 (0 reads and parses list pages on the event loop), got ${wrong}`,
      );
  });

  it('watches unless told to poll, re-listing every 30 minutes unless told otherwise', () => {
    expect(readDiscoveryOptions(new ConfigReader({}))).toMatchObject({
      mode: 'watch',
      relistIntervalMs: 30 * 60_000,
    });
    expect(
      readDiscoveryOptions(
        new ConfigReader({ mesh: { discovery: { relistInterval: 'PT10M' } } }),
      ),
    ).toMatchObject({ mode: 'watch', relistIntervalMs: 10 * 60_000 });
    expect(
      readDiscoveryOptions(
        new ConfigReader({ mesh: { discovery: { mode: 'poll' } } }),
      ),
    ).toMatchObject({ mode: 'poll' });
  });

  it('refuses an unknown mode and a re-list interval under a second', () => {
    expect(() =>
      readDiscoveryOptions(
        new ConfigReader({ mesh: { discovery: { mode: 'Watch ' } } }),
      ),
    ).toThrow('mesh.discovery.mode must be watch or poll, got "Watch "');
    expect(() =>
      readDiscoveryOptions(
        new ConfigReader({
          mesh: { discovery: { relistInterval: { milliseconds: 10 } } },
        }),
      ),
    ).toThrow('mesh.discovery.relistInterval must be at least 1 second');
  });

  it('leases each cluster for 30 seconds unless told otherwise, and refuses a lease too short to renew', () => {
    expect(readDiscoveryOptions(new ConfigReader({})).leaseDurationMs).toBe(
      30_000,
    );
    expect(
      readDiscoveryOptions(
        new ConfigReader({ mesh: { discovery: { leaseDuration: 'PT1M' } } }),
      ).leaseDurationMs,
    ).toBe(60_000);
    expect(() =>
      readDiscoveryOptions(
        new ConfigReader({
          mesh: { discovery: { leaseDuration: { milliseconds: 100 } } },
        }),
      ),
    ).toThrow('mesh.discovery.leaseDuration must be at least 300 milliseconds');
  });
});
