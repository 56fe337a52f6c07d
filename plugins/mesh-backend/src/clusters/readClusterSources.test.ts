import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { DEMO_FLEET_DIR } from '../__testUtils__/demoFleet';
import { readDiscoveryOptions } from '../discovery/DiscoveryOptions';
import { readClusterSources } from './readClusterSources';

const kubernetes = (clusters: object[]) => ({
  kubernetes: {
    clusterLocatorMethods: [
      { type: 'config', clusters },
      { type: 'gke', projectId: 'p' },
    ],
  },
});

describe('readClusterSources', () => {
  it('refuses a cluster name that is not a DNS-1123 label where it is configured, naming it and the rule', () => {
    const logger = mockServices.logger.mock();
    const sources = readClusterSources(
      new ConfigReader(
        kubernetes([
          {
            name: 'Prod Cluster',
            url: 'https://p',
            authProvider: 'serviceAccount',
          },
          { name: 'prod-2', url: 'https://q', authProvider: 'serviceAccount' },
        ]),
      ),
      logger,
    );
    // the other cluster is still discovered: one bad name breaks only its own cluster
    expect(sources.map(s => s.name)).toEqual(['prod-2']);
    expect(logger.error).toHaveBeenCalledWith(
      'Mesh discovery skips cluster "Prod Cluster" (kubernetes.clusterLocatorMethods[0].clusters[0].name): ' +
        'cluster name "Prod Cluster" is not a DNS-1123 label: at most 63 characters, lowercase letters, ' +
        'digits and \'-\', starting and ending with a letter or digit; rename it, e.g. to "prod-cluster"',
    );
  });

  it('reads serviceAccount clusters of the Kubernetes plugin and skips other auth', () => {
    const logger = mockServices.logger.mock();
    const sources = readClusterSources(
      new ConfigReader(
        kubernetes([
          {
            name: 'a',
            url: 'https://a:6443/',
            authProvider: 'serviceAccount',
            serviceAccountToken: 'secret-a',
            caData: 'Q0E=',
          },
          {
            name: 'b',
            url: 'https://b',
            authMetadata: { 'kubernetes.io/auth-provider': 'serviceAccount' },
            skipTLSVerify: true,
          },
          { name: 'c', url: 'https://c', authProvider: 'aws' },
        ]),
      ),
      logger,
    );
    expect(sources).toEqual([
      {
        type: 'kubernetes',
        name: 'a',
        url: 'https://a:6443/',
        serviceAccountToken: 'secret-a',
        caData: 'Q0E=',
        caFile: undefined,
        skipTLSVerify: false,
      },
      {
        type: 'kubernetes',
        name: 'b',
        url: 'https://b',
        serviceAccountToken: undefined,
        caData: undefined,
        caFile: undefined,
        skipTLSVerify: true,
      },
    ]);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining("cluster c: authProvider 'aws'"),
    );
    expect(JSON.stringify(logger.warn.mock.calls)).not.toContain('secret-a');
  });

  it('adds one snapshot cluster per directory and refuses duplicate names', () => {
    const logger = mockServices.logger.mock();
    const snapshot = { mesh: { snapshot: { directory: DEMO_FLEET_DIR } } };
    expect(
      readClusterSources(new ConfigReader(snapshot), logger).map(
        s => `${s.type}:${s.name}`,
      ),
    ).toEqual([
      'snapshot:cluster-1',
      'snapshot:cluster-2',
      'snapshot:cluster-3',
      'snapshot:cluster-4',
    ]);
    const clash = {
      ...snapshot,
      ...kubernetes([
        { name: 'cluster-1', url: 'https://x', authProvider: 'serviceAccount' },
      ]),
    };
    expect(() => readClusterSources(new ConfigReader(clash), logger)).toThrow(
      'Cluster name cluster-1 is configured twice',
    );
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
});
