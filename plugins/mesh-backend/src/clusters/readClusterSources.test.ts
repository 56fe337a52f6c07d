import { ConfigReader } from '@backstage/config';
import { readDiscoveryOptions } from '../discovery/DiscoveryOptions';

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
});
