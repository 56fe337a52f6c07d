import { mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { CatalogClusterLocator } from './CatalogClusterLocator';
import { clusterUrlProblem } from './validateClusterUrl';

const resource = (
  name: string,
  annotations: Record<string, string>,
  type = 'kubernetes-cluster',
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: { name, namespace: 'default', annotations },
  spec: { type, owner: 'platform' },
});

const cluster = (name: string, extra: Record<string, string> = {}) =>
  resource(name, {
    'kubernetes.io/api-server': `https://${name}.k8s.example.com:6443`,
    'kubernetes.io/api-server-certificate-authority': 'Q0E=',
    'kubernetes.io/auth-provider': 'aws',
    ...extra,
  });

/** Every public host resolves to a public address; `internal.*` to a private one. */
const lookup = async (host: string) => [
  { address: host.startsWith('internal.') ? '10.0.0.7' : '34.120.1.9' },
];

function locator(entities: Entity[], method: object = {}) {
  const logger = mockServices.logger.mock();
  return {
    locator: CatalogClusterLocator.fromConfig(
      new ConfigReader({ type: 'catalog', ...method }),
      {
        catalog: catalogServiceMock({ entities }),
        auth: mockServices.auth(),
        logger,
        lookup,
      },
    ),
    logger,
  };
}

describe('CatalogClusterLocator', () => {
  it('lists kubernetes-cluster Resources with their kubernetes.io annotations as auth metadata', async () => {
    const { locator: l } = locator([
      cluster('prod-eu', {
        'kubernetes.io/x-k8s-aws-id': 'eks-eu',
        'kubernetes.io/skip-metrics-lookup': 'true',
        'backstage.io/techdocs-ref': 'dir:.',
      }),
      // not a cluster, or lacking an annotation the Kubernetes plugin requires
      resource('db', { 'kubernetes.io/api-server': 'https://db' }, 'database'),
      resource('no-ca', {
        'kubernetes.io/api-server': 'https://no-ca.example.com',
        'kubernetes.io/auth-provider': 'aws',
      }),
    ]);
    await expect(l.getClusters()).resolves.toEqual([
      {
        name: 'prod-eu',
        url: 'https://prod-eu.k8s.example.com:6443',
        caData: 'Q0E=',
        skipTLSVerify: false,
        skipMetricsLookup: true,
        authMetadata: {
          'kubernetes.io/api-server': 'https://prod-eu.k8s.example.com:6443',
          'kubernetes.io/api-server-certificate-authority': 'Q0E=',
          'kubernetes.io/auth-provider': 'aws',
          'kubernetes.io/x-k8s-aws-id': 'eks-eu',
          'kubernetes.io/skip-metrics-lookup': 'true',
        },
      },
    ]);
  });

  it('ignores, with a warning, serviceAccount clusters and URLs that are not public HTTPS', async () => {
    const { locator: l, logger } = locator([
      cluster('sa', {
        'kubernetes.io/auth-provider': 'serviceAccount',
        serviceAccountToken: 'in-the-catalog',
      }),
      cluster('plain', {
        'kubernetes.io/api-server': 'http://plain.example.com',
      }),
      cluster('private', {
        'kubernetes.io/api-server': 'https://internal.example.com',
      }),
      cluster('loopback', {
        'kubernetes.io/api-server': 'https://127.0.0.1:6443',
      }),
      cluster('ok'),
    ]);
    const clusters = await l.getClusters();
    expect(clusters.map(c => c.name)).toEqual(['ok']);
    const warnings = logger.warn.mock.calls.map(c => c[0]);
    expect(warnings).toEqual([
      expect.stringContaining(
        'Mesh discovery ignores kubernetes-cluster Resource "sa": the catalog locator does not accept the serviceAccount auth provider',
      ),
      expect.stringContaining('"plain": the API server URL must use https'),
      expect.stringContaining(
        '"private": the API server host internal.example.com resolves to a non-public address',
      ),
      expect.stringContaining(
        '"loopback": the API server URL must not use a non-public IP address',
      ),
    ]);
    expect(JSON.stringify(warnings)).not.toContain('in-the-catalog');
  });

  it('follows internal hosts and skip-tls-verify only when the locator allows them', async () => {
    const entities = [
      cluster('inside', {
        'kubernetes.io/api-server': 'https://internal.corp.example',
        'kubernetes.io/skip-tls-verify': 'true',
      }),
    ];
    const strict = locator(entities);
    await expect(strict.locator.getClusters()).resolves.toEqual([]);
    const trusting = locator(entities, {
      dangerouslyAllowClusterUrls: ['*.corp.example'],
      dangerouslyAllowSkipTLSVerify: true,
    });
    await expect(trusting.locator.getClusters()).resolves.toEqual([
      expect.objectContaining({
        name: 'inside',
        url: 'https://internal.corp.example',
        skipTLSVerify: true,
      }),
    ]);
  });

  it('lists none from an empty catalog', async () => {
    await expect(locator([]).locator.getClusters()).resolves.toEqual([]);
  });
});

describe('clusterUrlProblem', () => {
  it.each([
    [undefined, 'API server URL undefined is not a valid URL'],
    ['not a url', 'API server URL "not a url" is not a valid URL'],
    ['https://u:p@x.example.com', 'must not contain credentials'],
    ['ftp://x.example.com', 'must use https, not ftp:'],
    ['https://[::1]:6443', 'must not use a non-public IP address'],
  ])('refuses %s', async (url, problem) => {
    await expect(clusterUrlProblem(url, {}, lookup)).resolves.toContain(
      problem,
    );
  });

  it('accepts a public address and an unresolvable host is a problem', async () => {
    await expect(
      clusterUrlProblem('https://34.120.1.9:6443', {}, lookup),
    ).resolves.toBeUndefined();
    await expect(
      clusterUrlProblem('https://gone.example.com', {}, async () => {
        throw new Error('getaddrinfo ENOTFOUND gone.example.com');
      }),
    ).resolves.toBe(
      'the API server host gone.example.com does not resolve (getaddrinfo ENOTFOUND gone.example.com)',
    );
  });
});
