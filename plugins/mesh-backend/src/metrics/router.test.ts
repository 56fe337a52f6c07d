import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { resolve } from 'node:path';
import request from 'supertest';
import { scenarioFleet } from './__testUtils__/istioScenario';
import {
  startMetricsBackend,
  withService,
} from './__testUtils__/metricsTestBackend';
import type { TrafficSource } from './traffic/TrafficSource';

const DEMO_FILE = resolve(
  __dirname,
  '../../../../examples/demo-traffic/traffic.json',
);

describe('metrics router', () => {
  const getTraffic = jest.fn<
    ReturnType<TrafficSource['getTraffic']>,
    Parameters<TrafficSource['getTraffic']>
  >();

  beforeEach(() => getTraffic.mockReset());

  it('serves traffic from the snapshot named in config', async () => {
    const { server } = await startMetricsBackend({
      fleet: withService(scenarioFleet(), 'bookinfo', 'productpage'),
      config: { mesh: { traffic: { snapshot: { file: DEMO_FILE } } } },
    });
    const res = await request(server).get(
      '/api/mesh/services/bookinfo/productpage/traffic?window=15m',
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      source: 'snapshot',
      window: '15m',
      windowSeconds: 900,
      partial: false,
    });
    expect(res.body.outbound).toHaveLength(3);
  });

  it('answers mTLS status with the default window of an hour', async () => {
    const { server } = await startMetricsBackend({
      fleet: scenarioFleet(),
      config: { mesh: { traffic: { snapshot: { file: DEMO_FILE } } } },
    });
    const res = await request(server).get(
      '/api/mesh/services/bookinfo/reviews/mtls',
    );
    expect(res.status).toBe(200);
    expect(res.body.window).toBe('1h');
    expect(
      res.body.clusters.map((c: { cluster: string }) => c.cluster),
    ).toEqual(['cluster-1', 'cluster-2']);
  });

  it('says every cluster lacks a Prometheus when none is configured', async () => {
    const { server } = await startMetricsBackend({ fleet: scenarioFleet() });
    const res = await request(server).get(
      '/api/mesh/services/bookinfo/reviews/traffic',
    );
    expect(res.status).toBe(200);
    expect(res.body.partial).toBe(true);
    expect(res.body.clusters[0].reason).toBe(
      'no Prometheus configured for cluster-1 — set mesh.clusters[].prometheus.url for it, or mesh.prometheus.url for all clusters',
    );
  });

  it.each([
    [
      '/api/mesh/services/Book_Info/reviews/traffic',
      'namespace: namespace must be a Kubernetes name',
    ],
    [
      '/api/mesh/services/bookinfo/rev%22iews/mtls',
      'name: service name must be a Kubernetes name',
    ],
    [
      '/api/mesh/services/bookinfo/reviews/traffic?window=5x',
      "window: window '5x' is not a duration such as 30s, 5m, 1h or 1d",
    ],
    [
      '/api/mesh/services/bookinfo/reviews/traffic?window=7d',
      "window: window '7d' is out of range: it must be between 1m and 24h",
    ],
    [
      '/api/mesh/services/bookinfo/reviews/traffic?window=5m&window=1h',
      'window: ',
    ],
  ])('answers 400 for %s', async (path, message) => {
    const { server } = await startMetricsBackend({
      fleet: scenarioFleet(),
      trafficSource: { getTraffic },
    });
    const res = await request(server).get(path);
    expect(res.status).toBe(400);
    expect(res.body.error.name).toBe('InputError');
    expect(res.body.error.message).toContain(message);
    expect(getTraffic).not.toHaveBeenCalled();
  });

  it('answers 403 when the policy denies mesh.traffic.read, before looking at anything', async () => {
    const { server } = await startMetricsBackend({
      fleet: scenarioFleet(),
      trafficSource: { getTraffic },
      extraFeatures: [
        mockServices.permissions.mock({
          authorize: async () => [{ result: AuthorizeResult.DENY }],
        }).factory,
      ],
    });
    const res = await request(server).get(
      '/api/mesh/services/bookinfo/reviews/traffic',
    );
    expect(res.status).toBe(403);
    expect(res.body.error.message).toBe(
      'You are not allowed to read mesh traffic (permission mesh.traffic.read)',
    );
    expect(getTraffic).not.toHaveBeenCalled();
  });

  it('answers 401 without credentials', async () => {
    const { server } = await startMetricsBackend({
      fleet: scenarioFleet(),
      trafficSource: { getTraffic },
    });
    const res = await request(server)
      .get('/api/mesh/services/bookinfo/reviews/mtls')
      .set('authorization', mockCredentials.none.header());
    expect(res.status).toBe(401);
    expect(getTraffic).not.toHaveBeenCalled();
  });
});
