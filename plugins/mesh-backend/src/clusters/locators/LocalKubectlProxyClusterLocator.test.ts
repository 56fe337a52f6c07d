import { LocalKubectlProxyClusterLocator } from './LocalKubectlProxyClusterLocator';

describe('LocalKubectlProxyClusterLocator', () => {
  it('lists the one local cluster on port 8001 of localhost, read anonymously', async () => {
    const hosts: string[] = [];
    const locator = new LocalKubectlProxyClusterLocator(async host => {
      hosts.push(host);
      return { address: '127.0.0.1' };
    });
    await expect(locator.getClusters()).resolves.toEqual([
      {
        name: 'local',
        url: 'http://127.0.0.1:8001',
        authMetadata: { 'kubernetes.io/auth-provider': 'localKubectlProxy' },
        skipMetricsLookup: true,
      },
    ]);
    expect(hosts).toEqual(['localhost']);
  });

  it('brackets an IPv6 loopback', async () => {
    const locator = new LocalKubectlProxyClusterLocator(async () => ({
      address: '::1',
    }));
    const [cluster] = await locator.getClusters();
    expect(cluster.url).toBe('http://[::1]:8001');
  });

  it('resolves localhost by default', async () => {
    const [cluster] = await new LocalKubectlProxyClusterLocator().getClusters();
    expect(cluster.url).toMatch(/^http:\/\/(127\.0\.0\.1|\[::1\]):8001$/);
  });
});
