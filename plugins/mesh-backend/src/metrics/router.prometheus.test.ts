/**
 * The traffic and mTLS API against a real Prometheus holding generated Istio metrics
 * (testing/istioScenario.ts), through the real router in a test backend.
 */
import request from 'supertest';
import { readMetricsConfig } from './config/readMetricsConfig';
import { createTrafficSource } from './createTrafficSource';
import {
  EXPECTED,
  scenarioFleet,
  scenarioOpenMetrics,
} from './__testUtils__/istioScenario';
import { startMetricsBackend } from './__testUtils__/metricsTestBackend';
import {
  PrometheusHarness,
  freeLoopbackPort,
  startPrometheus,
} from './__testUtils__/prometheusHarness';
import { ConfigReader, JsonObject } from '@backstage/config';
import { mockServices } from '@backstage/backend-test-utils';
import type {
  ServiceMtlsStatus,
  ServiceTraffic,
  TrafficEdge,
} from '@meshport/backstage-plugin-mesh-common';

jest.setTimeout(60_000);

const STEP = 15;
// An hour of samples ending a minute ago; queries look at its middle, away from both edges.
const end = Math.floor(Date.now() / 1000 / STEP) * STEP - 60;
const grid = { start: end - 3600, end, stepSeconds: STEP };
const queryAt = end - 1800;
const now = () => queryAt * 1000;

let prometheus: PrometheusHarness;

beforeAll(async () => {
  prometheus = await startPrometheus(scenarioOpenMetrics(grid));
});

afterAll(async () => {
  await prometheus?.stop();
});

function sourceFor(mesh: JsonObject, fetchFn?: typeof fetch) {
  return createTrafficSource({
    config: readMetricsConfig(new ConfigReader({ mesh })),
    fleetStore: { getFleet: async () => scenarioFleet() },
    logger: mockServices.logger.mock(),
    now,
    fetchFn,
  });
}

function edge(
  edges: TrafficEdge[],
  peer: string,
  peerCluster: string,
  thisCluster: string,
) {
  const found = edges.find(
    e =>
      e.peer.name === peer &&
      e.peerCluster.name === peerCluster &&
      e.thisCluster.name === thisCluster,
  );
  if (!found) {
    throw new Error(
      `no edge ${peer}@${peerCluster} ↔ ${thisCluster} in ${JSON.stringify(
        edges.map(
          e => `${e.peer.name}@${e.peerCluster.name}→${e.thisCluster.name}`,
        ),
      )}`,
    );
  }
  return found;
}

describe('traffic from a real Prometheus (global)', () => {
  let traffic: ServiceTraffic;

  beforeAll(async () => {
    const { server } = await startMetricsBackend({
      fleet: scenarioFleet(),
      trafficSource: sourceFor({ prometheus: { url: prometheus.url } }),
    });
    const res = await request(server).get(
      '/api/mesh/services/bookinfo/reviews/traffic?window=5m',
    );
    if (res.status !== 200) {
      throw new Error(
        `traffic answered ${res.status}: ${JSON.stringify(res.body)}`,
      );
    }
    traffic = res.body;
  });

  it('returns the generated cross-cluster figures within rounding', () => {
    const e = edge(traffic.inbound, 'productpage', 'cluster-1', 'cluster-2');
    // Logged so the report can quote what the real Prometheus answered.
    // eslint-disable-next-line no-console
    console.log(
      'productpage@cluster-1 → reviews@cluster-2:',
      JSON.stringify({ http: e.http, mtls: e.mtls, reporter: e.reporter }),
    );
    expect(e.reporter).toBe('destination');
    expect(e.peerCluster).toEqual({
      name: 'cluster-1',
      clusterId: 'cluster-1',
      known: true,
    });
    expect(e.http!.requestsPerSecond).toBeCloseTo(
      EXPECTED.crossCluster.requestsPerSecond,
      2,
    );
    expect(e.http!.errorRatio).toBeCloseTo(EXPECTED.crossCluster.errorRatio, 4);
    expect(e.mtls.share).toBeCloseTo(EXPECTED.crossCluster.mtlsShare, 4);
    expect(e.mtls.basis).toBe('requests');
    expect(e.http!.latencyMs.p50).toBeCloseTo(
      EXPECTED.crossCluster.latencyMs.p50,
      2,
    );
    expect(e.http!.latencyMs.p95).toBeCloseTo(
      EXPECTED.crossCluster.latencyMs.p95,
      2,
    );
    expect(e.http!.latencyMs.p99).toBeCloseTo(
      EXPECTED.crossCluster.latencyMs.p99,
      2,
    );
  });

  it('returns the local edge and flags a CLUSTER_ID no fleet cluster has', () => {
    const local = edge(
      traffic.inbound,
      'productpage',
      'cluster-1',
      'cluster-1',
    );
    expect(local.http!.requestsPerSecond).toBeCloseTo(5, 2);
    expect(local.http!.errorRatio).toBe(0);
    expect(local.mtls.share).toBe(1);
    expect(local.http!.latencyMs).toEqual({ p50: null, p95: null, p99: null });

    const stranger = edge(
      traffic.inbound,
      'productpage',
      'cluster-9',
      'cluster-2',
    );
    expect(stranger.peerCluster).toEqual({
      name: 'cluster-9',
      clusterId: 'cluster-9',
      known: false,
    });
    expect(stranger.mtls.share).toBe(0);
    expect(traffic.inbound).toHaveLength(3);
  });

  it('returns outbound edges from the caller side, with mTLS from the callee side', () => {
    const ratings = edge(traffic.outbound, 'ratings', 'cluster-2', 'cluster-2');
    expect(ratings.reporter).toBe('source');
    expect(ratings.http!.requestsPerSecond).toBeCloseTo(
      EXPECTED.ratings.requestsPerSecond,
      2,
    );
    expect(ratings.mtls.share).toBe(1);

    const mongodb = edge(traffic.outbound, 'mongodb', 'cluster-2', 'cluster-2');
    expect(mongodb.http).toBeUndefined();
    expect(mongodb.tcp!.connectionsOpenedPerSecond).toBeCloseTo(0.5, 3);
    expect(mongodb.tcp!.bytesSentPerSecond).toBeCloseTo(2048, 0);
    expect(mongodb.mtls).toMatchObject({ share: 1, basis: 'connections' });
  });

  it('returns bounded time series over the window', () => {
    const e = edge(traffic.inbound, 'productpage', 'cluster-1', 'cluster-2');
    expect(traffic.seriesStepSeconds).toBe(15);
    expect(e.series.requestsPerSecond.length).toBeGreaterThanOrEqual(20);
    expect(e.series.requestsPerSecond.length).toBeLessThanOrEqual(21);
    for (const [, v] of e.series.requestsPerSecond)
      expect(v).toBeCloseTo(10, 1);
    for (const [, v] of e.series.errorRatio) expect(v).toBeCloseTo(0.02, 3);
    expect(traffic.partial).toBe(false);
    expect(traffic.evaluatedAt).toBe(new Date(queryAt * 1000).toISOString());
  });
});

describe('traffic from a real Prometheus (per cluster, one down)', () => {
  it('marks the down and the unconfigured clusters, and still answers with the rest', async () => {
    const source = sourceFor({
      clusters: [
        { name: 'cluster-1', prometheus: { url: prometheus.url } },
        // A loopback port nothing listens on: the connection is refused.
        {
          name: 'cluster-2',
          prometheus: { url: `http://127.0.0.1:${await freeLoopbackPort()}` },
        },
      ],
    });
    const { server } = await startMetricsBackend({
      fleet: scenarioFleet(),
      trafficSource: source,
    });
    const res = await request(server).get(
      '/api/mesh/services/bookinfo/reviews/traffic?window=5m',
    );
    expect(res.status).toBe(200);
    const traffic: ServiceTraffic = res.body;
    expect(traffic.partial).toBe(true);
    const byCluster = Object.fromEntries(
      traffic.clusters.map(c => [c.cluster, c]),
    );
    expect(byCluster['cluster-1']).toEqual({
      cluster: 'cluster-1',
      state: 'ok',
      source: 'prometheus:cluster-1',
    });
    expect(byCluster['cluster-2']).toMatchObject({
      state: 'unavailable',
      source: 'prometheus:cluster-2',
    });
    expect(byCluster['cluster-2'].reason).toMatch(
      /Prometheus cluster-2 is unreachable \(ECONNREFUSED\)/,
    );
    expect(byCluster['cluster-3']).toMatchObject({
      state: 'unavailable',
      source: 'none',
    });
    expect(byCluster['cluster-3'].reason).toContain(
      'no Prometheus configured for cluster-3 — set mesh.clusters[].prometheus.url',
    );
    // This test's cluster-1 Prometheus happens to hold every series, so the figures still come through.
    expect(
      edge(traffic.inbound, 'productpage', 'cluster-1', 'cluster-2').http!
        .requestsPerSecond,
    ).toBeCloseTo(10, 2);
  });

  it('does not double figures a per-cluster and a global Prometheus both hold', async () => {
    const source = sourceFor({
      prometheus: { url: prometheus.url },
      clusters: [
        { name: 'cluster-1', prometheus: { url: `${prometheus.url}/` } },
      ],
    });
    const traffic = await source.getTraffic(
      { namespace: 'bookinfo', name: 'reviews' },
      { text: '5m', seconds: 300 },
    );
    expect(
      edge(traffic.inbound, 'productpage', 'cluster-1', 'cluster-2').http!
        .requestsPerSecond,
    ).toBeCloseTo(10, 2);
    expect(traffic.clusters.map(c => [c.cluster, c.source])).toEqual([
      ['cluster-1', 'prometheus:cluster-1'],
      ['cluster-2', 'prometheus:global'],
      ['cluster-3', 'prometheus:global'],
    ]);
  });
});

describe('cache', () => {
  it('answers a repeated page load from the cache, without asking Prometheus again', async () => {
    const fetchSpy = jest.fn((input: RequestInfo | URL, init?: RequestInit) =>
      fetch(input, init),
    );
    const source = sourceFor(
      { prometheus: { url: prometheus.url, cacheTtl: '30s' } },
      fetchSpy as typeof fetch,
    );
    const service = { namespace: 'bookinfo', name: 'reviews' };
    const first = await source.getTraffic(service, {
      text: '5m',
      seconds: 300,
    });
    const calls = fetchSpy.mock.calls.length;
    expect(calls).toBe(16);
    const second = await source.getTraffic(service, {
      text: '5m',
      seconds: 300,
    });
    expect(fetchSpy).toHaveBeenCalledTimes(calls);
    expect(second).toEqual(first);
    await source.getTraffic(service, { text: '1h', seconds: 3600 });
    expect(fetchSpy).toHaveBeenCalledTimes(calls * 2);
  });
});

describe('mTLS status from a real Prometheus', () => {
  it('reports configured and observed mTLS, shared roots and plaintext under PERMISSIVE', async () => {
    const { server } = await startMetricsBackend({
      fleet: scenarioFleet(),
      trafficSource: sourceFor({ prometheus: { url: prometheus.url } }),
    });
    const res = await request(server).get(
      '/api/mesh/services/bookinfo/reviews/mtls?window=5m',
    );
    expect(res.status).toBe(200);
    const status: ServiceMtlsStatus = res.body;
    const [c1, c2] = status.clusters;
    expect(c1).toMatchObject({
      cluster: 'cluster-1',
      clusterIds: ['cluster-1'],
      configured: { mode: 'STRICT' },
      observed: { state: 'ok', mtlsShare: 1 },
      rootOfTrust: { fingerprints: ['sha256:aaaa'], sharedWith: ['cluster-2'] },
      warnings: [],
    });
    // 8 of 11 rps over mTLS: 10 rps at 80 % from cluster-1, 1 rps plaintext from cluster-9.
    expect(c2.configured?.mode).toBe('PERMISSIVE');
    expect(c2.observed.mtlsShare).toBeCloseTo(8 / 11, 4);
    expect(c2.observed.plaintextPerSecond).toBeCloseTo(3, 2);
    expect(c2.warnings.map(w => w.code)).toEqual([
      'plaintext-under-permissive',
    ]);
    expect(c2.warnings[0].message).toContain(
      'bookinfo/reviews in cluster-2 accepts plaintext (PERMISSIVE)',
    );
  });
});
