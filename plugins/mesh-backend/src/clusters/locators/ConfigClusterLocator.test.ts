import { ConfigReader } from '@backstage/config';
import { ConfigClusterLocator } from './ConfigClusterLocator';

const locate = (clusters: object[] | undefined) =>
  ConfigClusterLocator.fromConfig(
    new ConfigReader({ type: 'config', clusters }),
  ).getClusters();

describe('ConfigClusterLocator', () => {
  it('reads clusters as the Kubernetes plugin does: flat auth keys become auth metadata, the authMetadata block wins', async () => {
    await expect(
      locate([
        {
          name: 'a',
          url: 'https://a:6443',
          authProvider: 'serviceAccount',
          serviceAccountToken: 'secret-a',
          caData: 'Q0E=',
          title: 'Cluster A',
        },
        {
          name: 'b',
          url: 'https://b',
          authProvider: 'aws',
          assumeRole: 'arn:aws:iam::1:role/read',
          externalId: 'ext',
          skipTLSVerify: true,
          authMetadata: {
            'kubernetes.io/auth-provider': 'aws',
            'kubernetes.io/x-k8s-aws-id': 'eks-b',
          },
        },
        {
          name: 'c',
          url: 'https://c',
          authProvider: 'google',
          authMetadata: { 'kubernetes.io/auth-provider': 'oidc' },
          oidcTokenProvider: 'okta',
          caFile: '/ca.pem',
        },
      ]),
    ).resolves.toEqual([
      {
        name: 'a',
        title: 'Cluster A',
        url: 'https://a:6443',
        skipTLSVerify: false,
        skipMetricsLookup: false,
        caData: 'Q0E=',
        caFile: undefined,
        authMetadata: {
          'kubernetes.io/auth-provider': 'serviceAccount',
          serviceAccountToken: 'secret-a',
        },
      },
      {
        name: 'b',
        url: 'https://b',
        skipTLSVerify: true,
        skipMetricsLookup: false,
        caData: undefined,
        caFile: undefined,
        authMetadata: {
          'kubernetes.io/auth-provider': 'aws',
          'kubernetes.io/aws-assume-role': 'arn:aws:iam::1:role/read',
          'kubernetes.io/aws-external-id': 'ext',
          'kubernetes.io/x-k8s-aws-id': 'eks-b',
        },
      },
      {
        name: 'c',
        url: 'https://c',
        skipTLSVerify: false,
        skipMetricsLookup: false,
        caData: undefined,
        caFile: '/ca.pem',
        authMetadata: {
          'kubernetes.io/auth-provider': 'oidc',
          'kubernetes.io/oidc-token-provider': 'okta',
        },
      },
    ]);
  });

  it('keeps a cluster without an auth provider, for discovery to report, and lists none when there are none', async () => {
    const [cluster] = await locate([{ name: 'd', url: 'https://d' }]);
    expect(cluster.authMetadata).toEqual({});
    await expect(locate(undefined)).resolves.toEqual([]);
  });

  it('refuses a cluster without a url, naming the key', () => {
    expect(() =>
      ConfigClusterLocator.fromConfig(
        new ConfigReader({ type: 'config', clusters: [{ name: 'e' }] }),
      ),
    ).toThrow("Missing required config value at 'clusters[0].url'");
  });
});
