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
