import { ConfigReader } from '@backstage/config';
import { readMetricsConfig } from './readMetricsConfig';

const read = (mesh: object) =>
  readMetricsConfig(new ConfigReader({ mesh } as never));

describe('readMetricsConfig', () => {
  it('has defaults without a mesh section', () => {
    expect(readMetricsConfig(new ConfigReader({}))).toEqual({
      clusterPrometheusUrls: new Map(),
      timeoutMs: 5000,
      cacheTtlMs: 30000,
    });
  });

  it('reads a global and per-cluster Prometheus, durations and the snapshot', () => {
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
      traffic: {
        snapshot: { file: '../../examples/demo-traffic/traffic.json' },
      },
    });
    expect(config).toEqual({
      globalPrometheusUrl: 'http://thanos-query.monitoring:9090',
      clusterPrometheusUrls: new Map([['cluster-1', 'https://prom-1.example']]),
      timeoutMs: 10000,
      cacheTtlMs: 60000,
      snapshotFile: '../../examples/demo-traffic/traffic.json',
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
