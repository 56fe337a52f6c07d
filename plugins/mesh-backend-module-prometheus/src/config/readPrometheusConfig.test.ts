import { ConfigReader } from '@backstage/config';
import { readPrometheusConfig } from './readPrometheusConfig';

const read = (mesh: object) =>
  readPrometheusConfig(new ConfigReader({ mesh } as never));

describe('readPrometheusConfig', () => {
  it('is undefined without any Prometheus URL', () => {
    expect(readPrometheusConfig(new ConfigReader({}))).toBeUndefined();
    expect(read({ traffic: { snapshot: { file: 'traffic.json' } } })).toBe(
      undefined,
    );
    expect(
      read({ prometheus: { timeout: '10s' }, clusters: [{ name: 'c' }] }),
    ).toBeUndefined();
  });

  it('has default durations with a URL alone', () => {
    expect(read({ prometheus: { url: 'http://prometheus:9090' } })).toEqual({
      globalPrometheusUrl: 'http://prometheus:9090',
      clusterPrometheusUrls: new Map(),
      timeoutMs: 5000,
      cacheTtlMs: 30000,
    });
  });

  it('reads a global and per-cluster Prometheus and durations', () => {
    const config = read({
      prometheus: {
        url: 'http://thanos-query.monitoring:9090',
        timeout: '10s',
        cacheTtl: { minutes: 1 },
      },
      clusters: [
        { name: 'cluster-1', prometheus: { url: 'https://prom-1.example' } },
        { name: 'cluster-2', somethingDiscoveryReads: true },
      ],
    });
    expect(config).toEqual({
      globalPrometheusUrl: 'http://thanos-query.monitoring:9090',
      clusterPrometheusUrls: new Map([['cluster-1', 'https://prom-1.example']]),
      timeoutMs: 10000,
      cacheTtlMs: 60000,
    });
  });

  it('says which key is wrong', () => {
    expect(() => read({ prometheus: { url: 'prometheus:9090' } })).toThrow(
      "mesh.prometheus.url must be an http or https URL, got 'prometheus:'",
    );
    expect(() =>
      read({ clusters: [{ prometheus: { url: 'http://p' } }] }),
    ).toThrow(
      "mesh.clusters[0] has a prometheus but no name; set name to the cluster's name in Backstage",
    );
    expect(() => read({ prometheus: { url: 'not a url' } })).toThrow(
      "mesh.prometheus.url 'not a url' is not a URL; expected e.g. http://prometheus.istio-system:9090",
    );
    expect(() => read({ prometheus: { timeout: '1 fortnight' } })).toThrow(
      /^mesh.prometheus.timeout must be a duration/,
    );
    expect(() => read({ prometheus: { timeout: '5m' } })).toThrow(
      'mesh.prometheus.timeout is 300000 ms; it must be between 100 ms and 120000 ms',
    );
    expect(() =>
      read({
        clusters: [
          { name: 'c', prometheus: { url: 'http://a' } },
          { name: 'c', prometheus: { url: 'http://b' } },
        ],
      }),
    ).toThrow("mesh.clusters has two Prometheus for cluster 'c'");
  });
});
