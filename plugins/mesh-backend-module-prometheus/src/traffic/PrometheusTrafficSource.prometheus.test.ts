/**
 * The Prometheus traffic source against a real Prometheus holding generated Istio and Linkerd
 * metrics (__testUtils__/istioScenario.ts, linkerdScenario.ts), answers serialised as the
 * mesh backend sends them.
 */
import type { MeshTrafficSource } from '@meshport/backstage-plugin-mesh-node';
import { readPrometheusConfig } from '../config/readPrometheusConfig';
import { PrometheusTrafficSource } from './PrometheusTrafficSource';
import { PrometheusTargets } from './prometheusTargets';
import { EXPECTED, istioFamilies } from '../__testUtils__/istioScenario';
import { scenarioFleet } from '@meshport/backstage-plugin-mesh-node/testUtils';
import {
  LINKERD_EXPECTED,
  linkerdFamilies,
  linkerdScenarioFleet,
  linkerdWorkload,
} from '../__testUtils__/linkerdScenario';
import { openMetricsDocument } from '../__testUtils__/openMetrics';
import {
  PrometheusHarness,
  freeLoopbackPort,
  startPrometheus,
} from '../__testUtils__/prometheusHarness';
import { ConfigReader, JsonObject } from '@backstage/config';
import { mockServices } from '@backstage/backend-test-utils';
import {
  type Fleet,
  type MtlsTally,
  type ServiceRef,
  type ServiceTraffic,
  type TrafficEdge,
} from '@meshport/backstage-plugin-mesh-common';
import { addTallies, emptyTally } from '@meshport/backstage-plugin-mesh-node';

jest.setTimeout(60_000);

const STEP = 15;
// An hour of samples ending a minute ago; queries look at its middle, away from both edges.
const end = Math.floor(Date.now() / 1000 / STEP) * STEP - 60;
const grid = { start: end - 3600, end, stepSeconds: STEP };
const queryAt = end - 1800;
const now = () => queryAt * 1000;

let prometheus: PrometheusHarness;

beforeAll(async () => {
  // One Prometheus holds both scenarios: Istio and Linkerd metrics have distinct names.
  prometheus = await startPrometheus(
    openMetricsDocument([...istioFamilies(grid), ...linkerdFamilies(grid)]),
  );
});

afterAll(async () => {
  await prometheus?.stop();
});

function sourceFor(
  mesh: JsonObject,
  fetchFn?: typeof fetch,
  fleet: () => Fleet = scenarioFleet,
) {
  return new PrometheusTrafficSource({
    fleet: { getFleet: async () => fleet() },
    targets: new PrometheusTargets(
      readPrometheusConfig(new ConfigReader({ mesh }))!,
      fetchFn,
    ),
    logger: mockServices.logger.mock(),
    now,
  });
}

/** The answer as the mesh backend's route sends it: through JSON. */
async function trafficOfService(
  source: MeshTrafficSource,
  service: ServiceRef,
): Promise<ServiceTraffic> {
  const traffic = await source.getTraffic(service, {
    text: '5m',
    seconds: 300,
  });
  return JSON.parse(JSON.stringify(traffic));
}

/**
 * The inbound tallies of one cluster, summed over its edges: what the mesh backend's mTLS
 * status of that cluster is built from (its own tests take it from there).
 */
function inboundTallies(traffic: ServiceTraffic, cluster: string) {
  const edges = traffic.inbound.filter(e => e.thisCluster.name === cluster);
  const sum = (pick: (e: TrafficEdge) => MtlsTally | undefined) =>
    edges
      .map(pick)
      .filter((t): t is MtlsTally => t !== undefined)
      .reduce(addTallies, emptyTally());
  return {
    requests: sum(e => e.mtls.requests),
    connections: sum(e => e.mtls.connections),
    probesPerSecond: edges.reduce(
      (total, e) => total + (e.mtls.probesPerSecond ?? 0),
      0,
    ),
  };
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
    traffic = await trafficOfService(
      sourceFor({ prometheus: { url: prometheus.url } }),
      { namespace: 'bookinfo', name: 'reviews' },
    );
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
    expect(e.mtls.requests!.mutualPerSecond).toBeCloseTo(8, 2);
    expect(e.mtls.requests!.plaintextPerSecond).toBeCloseTo(2, 2);
    expect(e.mtls.connections).toBeUndefined();
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
    expect(traffic.inbound).toHaveLength(4);
  });

  it('returns a TCP caller of an HTTP service as a connection edge, plaintext from the sidecar', () => {
    const legacy = edge(
      traffic.inbound,
      'legacy-sync',
      'cluster-2',
      'cluster-2',
    );
    expect(legacy.http).toBeUndefined();
    expect(legacy.tcp!.connectionsOpenedPerSecond).toBeCloseTo(
      EXPECTED.legacyTcp.connectionsOpenedPerSecond,
      3,
    );
    expect(legacy.mtls.share).toBe(0);
    expect(legacy.mtls.connections!.plaintextPerSecond).toBeCloseTo(0.5, 3);
  });

  it('counts a gRPC edge answered HTTP 200 with grpc-status 14 as failing', () => {
    const stock = edge(traffic.outbound, 'stock', 'cluster-2', 'cluster-2');
    expect(stock.http!.requestsPerSecond).toBeCloseTo(
      EXPECTED.grpcFailing.requestsPerSecond,
      2,
    );
    expect(stock.http!.errorRatio).toBeCloseTo(
      EXPECTED.grpcFailing.errorRatio,
      4,
    );
    expect(stock.series.errorRatio.length).toBeGreaterThanOrEqual(20);
    for (const [, v] of stock.series.errorRatio) expect(v).toBeCloseTo(1, 3);
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
    expect(mongodb.mtls).toMatchObject({
      share: 1,
      connections: { mutualPerSecond: 0.5 },
    });
  });

  it('observes 8 of 11 rps to reviews in cluster-2 over mTLS, and its TCP callers in plaintext', () => {
    // 10 rps at 80 % from cluster-1, 1 rps plaintext from cluster-9; legacy-sync's 0.5
    // connections/s, all plaintext, which the status must not hide behind the HTTP figures
    const c2 = inboundTallies(traffic, 'cluster-2');
    expect(c2.requests.mutualPerSecond).toBeCloseTo(8, 2);
    expect(c2.requests.plaintextPerSecond).toBeCloseTo(3, 2);
    expect(c2.connections.plaintextPerSecond).toBeCloseTo(0.5, 3);
    const c1 = inboundTallies(traffic, 'cluster-1');
    expect(c1.requests.plaintextPerSecond).toBe(0);
    expect(c1.requests.mutualPerSecond).toBeGreaterThan(0);
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

describe('ambient traffic from a real Prometheus', () => {
  let traffic: ServiceTraffic;

  beforeAll(async () => {
    traffic = await trafficOfService(
      sourceFor({ prometheus: { url: prometheus.url } }),
      { namespace: 'orders', name: 'orders' },
    );
  });

  it('takes HTTP figures from the waypoint when no sidecar reports', () => {
    const e = edge(traffic.inbound, 'history', 'cluster-2', 'cluster-2');
    expect(e.reporter).toBe('waypoint');
    expect(e.http!.requestsPerSecond).toBeCloseTo(
      EXPECTED.ambientWaypoint.requestsPerSecond,
      2,
    );
    expect(e.http!.errorRatio).toBeCloseTo(
      EXPECTED.ambientWaypoint.errorRatio,
      4,
    );
    expect(e.mtls).toMatchObject({
      share: EXPECTED.ambientWaypoint.mtlsShare,
      requests: { plaintextPerSecond: 0 },
    });
    // history's ztunnel reports the HBONE connections as the source.
    expect(e.tcp!.connectionsOpenedPerSecond).toBeCloseTo(
      EXPECTED.ambientWaypointConnections,
      3,
    );
  });

  it("observes the ambient service's callers: HBONE and plaintext connections, waypoint requests", () => {
    // 0.2 connections/s from the waypoint over HBONE, 0.25/s plaintext from batch-export
    const c2 = inboundTallies(traffic, 'cluster-2');
    expect(c2.connections.mutualPerSecond).toBeCloseTo(0.2, 3);
    expect(c2.connections.plaintextPerSecond).toBeCloseTo(0.25, 3);
    expect(c2.requests.mutualPerSecond).toBeCloseTo(3, 2);
  });

  it('takes TCP figures and plaintext from ztunnel for a caller outside the mesh', () => {
    const e = edge(traffic.inbound, 'batch-export', 'cluster-2', 'cluster-2');
    expect(e.http).toBeUndefined();
    expect(e.tcp!.connectionsOpenedPerSecond).toBeCloseTo(
      EXPECTED.ambientZtunnel.connectionsOpenedPerSecond,
      3,
    );
    expect(e.tcp!.bytesSentPerSecond).toBeCloseTo(
      EXPECTED.ambientZtunnel.bytesSentPerSecond,
      0,
    );
    // ztunnel's `unknown` from its inbound passthrough is plaintext, never mTLS.
    expect(e.mtls).toMatchObject({
      share: 0,
      connections: { mutualPerSecond: 0, unclassifiedPerSecond: 0 },
    });
    expect(e.mtls.connections!.plaintextPerSecond).toBeCloseTo(0.25, 3);
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
    const traffic = await trafficOfService(source, {
      namespace: 'bookinfo',
      name: 'reviews',
    });
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

describe('Linkerd traffic from a real Prometheus', () => {
  const cluster4 = { name: 'cluster-4', clusterId: 'cluster-4', known: true };
  const unknown = { name: 'unknown', clusterId: 'unknown', known: false };

  async function trafficOf(
    mesh: JsonObject,
    fleet: () => Fleet = linkerdScenarioFleet,
  ): Promise<ServiceTraffic> {
    return trafficOfService(sourceFor(mesh, undefined, fleet), {
      namespace: 'accounts',
      name: 'users',
    });
  }

  const statusOf = (traffic: ServiceTraffic, cluster: string) =>
    traffic.clusters.find(c => c.cluster === cluster);

  const ownPrometheus = () => ({
    clusters: [{ name: 'cluster-4', prometheus: { url: prometheus.url } }],
  });

  it('returns inbound figures from the receiving proxies, the cluster from its own Prometheus', async () => {
    const traffic = await trafficOf(ownPrometheus());
    const ledger = edge(traffic.inbound, 'ledger', 'cluster-4', 'cluster-4');
    // eslint-disable-next-line no-console
    console.log(
      'ledger@cluster-4 → users@cluster-4 (Linkerd):',
      JSON.stringify({ http: ledger.http, mtls: ledger.mtls }),
    );
    const want = LINKERD_EXPECTED.fromLedger;
    expect(ledger).toMatchObject({
      mesh: 'linkerd',
      reporter: 'inbound',
      peer: { namespace: 'accounts', name: 'ledger' },
      peerCluster: cluster4,
      thisCluster: cluster4,
    });
    expect(ledger.http!.requestsPerSecond).toBeCloseTo(
      want.requestsPerSecond,
      2,
    );
    expect(ledger.http!.errorRatio).toBeCloseTo(want.errorRatio, 4);
    expect(ledger.mtls.share).toBeCloseTo(want.mtlsShare, 4);
    expect(ledger.http!.latencyMs.p50).toBeCloseTo(want.latencyMs.p50, 2);
    expect(ledger.http!.latencyMs.p95).toBeCloseTo(want.latencyMs.p95, 2);
    expect(ledger.http!.latencyMs.p99).toBeCloseTo(want.latencyMs.p99, 2);
    for (const [, v] of ledger.series.requestsPerSecond)
      expect(v).toBeCloseTo(6, 1);
    for (const [, v] of ledger.series.errorRatio)
      expect(v).toBeCloseTo(0.05, 3);
    expect(ledger.series.requestsPerSecond.length).toBeGreaterThanOrEqual(20);

    // The plaintext caller has no identity: its peer is unknown, its traffic not mutual.
    const plaintext = edge(traffic.inbound, 'unknown', 'unknown', 'cluster-4');
    // The kubelet's probes have no identity either; they are counted apart, not as plaintext.
    expect(plaintext.http!.requestsPerSecond).toBeCloseTo(
      LINKERD_EXPECTED.plaintext.requestsPerSecond +
        LINKERD_EXPECTED.probes.requestsPerSecond,
      2,
    );
    expect(plaintext.http!.errorRatio).toBe(0);
    expect(plaintext.mtls.share).toBe(0);
    expect(plaintext.mtls.requests!.plaintextPerSecond).toBeCloseTo(2, 2);
    expect(plaintext.mtls.probesPerSecond).toBeCloseTo(
      LINKERD_EXPECTED.probes.requestsPerSecond,
      3,
    );
    // Nothing else: not ledger's own inbound, not users-admin's.
    expect(traffic.inbound).toHaveLength(2);
    expect(statusOf(traffic, 'cluster-4')).toEqual({
      cluster: 'cluster-4',
      state: 'ok',
      source: 'prometheus:cluster-4',
    });
  });

  it('returns outbound figures from the caller, a mirror as the service in its target cluster', async () => {
    const traffic = await trafficOf(ownPrometheus());
    const ledger = edge(traffic.outbound, 'ledger', 'cluster-4', 'cluster-4');
    expect(ledger.reporter).toBe('outbound');
    expect(ledger.http!.requestsPerSecond).toBeCloseTo(
      LINKERD_EXPECTED.toLedger.requestsPerSecond,
      2,
    );
    expect(ledger.http!.errorRatio).toBe(0);
    // Only the callee knows what it accepted; the caller's report leaves mTLS unknown.
    expect(ledger.mtls.share).toBeNull();

    const audit = edge(traffic.outbound, 'audit', 'cluster-5', 'cluster-4');
    expect(audit.peerCluster).toEqual({
      name: 'cluster-5',
      clusterId: 'cluster-5',
      known: true,
    });
    expect(audit.http!.requestsPerSecond).toBeCloseTo(
      LINKERD_EXPECTED.toAuditMirror.requestsPerSecond,
      2,
    );
    expect(audit.http!.errorRatio).toBeCloseTo(
      LINKERD_EXPECTED.toAuditMirror.errorRatio,
      4,
    );
    expect(traffic.outbound).toHaveLength(2);
  });

  it('observes 6 of 8 rps to users in cluster-4 over mTLS, probes apart', async () => {
    const c4 = inboundTallies(await trafficOf(ownPrometheus()), 'cluster-4');
    // ledger's requests are mutual, the plaintext caller's are not; probes are not plaintext
    expect(c4.requests.mutualPerSecond).toBeCloseTo(6, 2);
    expect(c4.requests.plaintextPerSecond).toBeCloseTo(2, 2);
    expect(c4.probesPerSecond).toBeCloseTo(0.1, 3);
  });

  it('marks the cluster unknown from a global Prometheus whose series carry no cluster label', async () => {
    const traffic = await trafficOf({ prometheus: { url: prometheus.url } });
    // The peer's cluster still comes from the fleet: only cluster-4 runs ledger's identity.
    const ledger = edge(traffic.inbound, 'ledger', 'cluster-4', 'unknown');
    expect(ledger.thisCluster).toEqual(unknown);
    expect(ledger.http!.requestsPerSecond).toBeCloseTo(6, 2);
    expect(ledger.http!.errorRatio).toBeCloseTo(0.05, 4);
    expect(ledger.mtls.share).toBeCloseTo(1, 4);
    expect(traffic.inbound.every(e => e.thisCluster.name === 'unknown')).toBe(
      true,
    );
  });

  it('keeps a hostile workload name a literal: the query still runs and matches only real names', async () => {
    const hostile = linkerdWorkload(
      'Deployment',
      'users-v2"} or vector(1) or response_total{namespace=~".+',
      'users',
    );
    const fleet = () =>
      linkerdScenarioFleet([
        linkerdWorkload('Deployment', 'users-v2', 'users'),
        linkerdWorkload('StatefulSet', 'users-v3', 'users'),
        hostile,
      ]);
    const traffic = await trafficOf(ownPrometheus(), fleet);
    // No query failed: a broken selector would have made Prometheus answer 400.
    expect(statusOf(traffic, 'cluster-4')?.state).toBe('ok');
    expect(
      edge(traffic.inbound, 'ledger', 'cluster-4', 'cluster-4').http!
        .requestsPerSecond,
    ).toBeCloseTo(6, 2);
    expect(traffic.inbound).toHaveLength(2);
  });

  it('asks Linkerd queries only for services with a Linkerd data plane', async () => {
    const count = async (service: { namespace: string; name: string }) => {
      const fetchSpy = jest.fn((input: RequestInfo | URL, init?: RequestInit) =>
        fetch(input, init),
      );
      const source = sourceFor(
        // No cache, so every query is a request.
        { prometheus: { url: prometheus.url, cacheTtl: '0s' } },
        fetchSpy as typeof fetch,
        linkerdScenarioFleet,
      );
      await source.getTraffic(service, { text: '5m', seconds: 300 });
      return fetchSpy.mock.calls.length;
    };
    expect(await count({ namespace: 'bookinfo', name: 'reviews' })).toBe(16);
    // The same 16 Istio queries, and per direction 6 Linkerd ones: rate, 3 quantiles, 2 series.
    expect(await count({ namespace: 'accounts', name: 'users' })).toBe(28);
  });
});

describe('dependencies from a real Prometheus', () => {
  it('lists every caller → callee pair once, keeping one report of each call', async () => {
    const d = await sourceFor({
      prometheus: { url: prometheus.url },
    }).getDependencies({ text: '5m', seconds: 300 });
    const pair = (from: string, to: string) =>
      d.dependencies.find(
        x =>
          `${x.from.namespace}/${x.from.name}` === from &&
          `${x.to.namespace}/${x.to.name}` === to,
      );
    expect(d.source).toBe('prometheus');
    expect(d.partial).toBe(false);
    // the cross-cluster edge (both proxies report it: the caller's report also counts the
    // 0.3/s that never connected), the local one, and the caller from an unknown cluster
    const toReviews = pair('bookinfo/productpage', 'bookinfo/reviews')!;
    expect(toReviews.requestsPerSecond).toBeCloseTo(10.3 + 5 + 1, 1);
    expect(toReviews.clusterPairs).toEqual([
      { from: 'cluster-1', to: 'cluster-1' },
      { from: 'cluster-1', to: 'cluster-2' },
      { from: 'cluster-9', to: 'cluster-2' },
    ]);
    expect(
      pair('bookinfo/reviews', 'bookinfo/ratings')!.requestsPerSecond,
    ).toBeCloseTo(EXPECTED.ratings.requestsPerSecond, 1);
    // TCP only: connections, no requests
    expect(pair('bookinfo/reviews', 'bookinfo/mongodb')).toMatchObject({
      requestsPerSecond: 0,
    });
    expect(
      pair('bookinfo/reviews', 'bookinfo/mongodb')!.connectionsPerSecond,
    ).toBeCloseTo(EXPECTED.mongodb.connectionsOpenedPerSecond, 1);
    // no pair names Istio's `unknown` placeholder
    expect(
      d.dependencies.some(
        x => x.from.name === 'unknown' || x.to.name === 'unknown',
      ),
    ).toBe(false);
  });

  it("adds each pair's failures and mutual TLS, from the same query", async () => {
    const d = await sourceFor({
      prometheus: { url: prometheus.url },
    }).getDependencies({ text: '5m', seconds: 300 });
    const pair = (from: string, to: string) =>
      d.dependencies.find(
        x =>
          `${x.from.namespace}/${x.from.name}` === from &&
          `${x.to.namespace}/${x.to.name}` === to,
      )!;
    const { crossCluster, local, unknownCluster } = EXPECTED;
    const toReviews = pair('bookinfo/productpage', 'bookinfo/reviews');
    // The caller's report is kept for the cross-cluster leg (it is the larger): its 2 % 503
    // and the 0.3/s resets the callee never saw come with it.
    expect(toReviews.errorsPerSecond).toBeCloseTo(
      crossCluster.requestsPerSecond * crossCluster.errorRatio + 0.3,
      2,
    );
    expect(toReviews.mtlsRequestsPerSecond).toBeCloseTo(
      crossCluster.requestsPerSecond * crossCluster.mtlsShare +
        local.requestsPerSecond * local.mtlsShare +
        unknownCluster.requestsPerSecond * unknownCluster.mtlsShare,
      2,
    );
    expect(toReviews.plaintextRequestsPerSecond).toBeCloseTo(
      crossCluster.requestsPerSecond * (1 - crossCluster.mtlsShare) +
        unknownCluster.requestsPerSecond * (1 - unknownCluster.mtlsShare),
      2,
    );
    expect(pair('bookinfo/reviews', 'bookinfo/ratings')).toMatchObject({
      errorsPerSecond: 0,
      plaintextRequestsPerSecond: 0,
      mtlsRequestsPerSecond: EXPECTED.ratings.requestsPerSecond,
    });
    // gRPC: answered HTTP 200, failed by grpc_response_status
    expect(pair('bookinfo/reviews', 'bookinfo/stock').errorsPerSecond).toBe(
      EXPECTED.grpcFailing.requestsPerSecond * EXPECTED.grpcFailing.errorRatio,
    );
    expect(pair('orders/history', 'orders/orders').errorsPerSecond).toBeCloseTo(
      EXPECTED.ambientWaypoint.requestsPerSecond *
        EXPECTED.ambientWaypoint.errorRatio,
      2,
    );
    // TCP: mongodb's sidecar reports mutual TLS; legacy-sync arrives as plaintext.
    expect(pair('bookinfo/reviews', 'bookinfo/mongodb')).toMatchObject({
      mtlsConnectionsPerSecond: EXPECTED.mongodb.connectionsOpenedPerSecond,
      mtlsRequestsPerSecond: 0,
      errorsPerSecond: 0,
    });
    expect(pair('bookinfo/legacy-sync', 'bookinfo/reviews')).toMatchObject({
      connectionsPerSecond: EXPECTED.legacyTcp.connectionsOpenedPerSecond,
      mtlsConnectionsPerSecond: 0,
      plaintextConnectionsPerSecond:
        EXPECTED.legacyTcp.connectionsOpenedPerSecond,
    });
    // ambient: the waypoint classifies history's requests; history's own ztunnel is the
    // caller's side, so its connections stay unclassified rather than counted as mutual TLS
    expect(pair('orders/history', 'orders/orders')).toMatchObject({
      mtlsRequestsPerSecond: EXPECTED.ambientWaypoint.requestsPerSecond,
      connectionsPerSecond: EXPECTED.ambientWaypointConnections,
      mtlsConnectionsPerSecond: 0,
      plaintextConnectionsPerSecond: 0,
    });
    // ztunnel's plaintext passthrough (`unknown` from the receiving side) is plaintext
    expect(pair('default/batch-export', 'orders/orders')).toMatchObject({
      mtlsConnectionsPerSecond: 0,
      plaintextConnectionsPerSecond:
        EXPECTED.ambientZtunnel.connectionsOpenedPerSecond,
    });
  });

  it('does not double a pair two Prometheus servers both hold', async () => {
    const d = await sourceFor({
      prometheus: { url: prometheus.url },
      clusters: [
        { name: 'cluster-1', prometheus: { url: `${prometheus.url}/` } },
      ],
    }).getDependencies({ text: '5m', seconds: 300 });
    const toReviews = d.dependencies.find(
      x => x.from.name === 'productpage' && x.to.name === 'reviews',
    )!;
    expect(toReviews.requestsPerSecond).toBeCloseTo(10.3 + 5 + 1, 1);
    expect(toReviews.errorsPerSecond).toBeCloseTo(0.2 + 0.3, 2);
    expect(toReviews.mtlsRequestsPerSecond).toBeCloseTo(8 + 5, 2);
  });

  it('marks a Prometheus that does not answer, listing nothing from it', async () => {
    const failing: typeof fetch = async () => {
      throw new Error('connect ECONNREFUSED');
    };
    const d = await sourceFor(
      { prometheus: { url: prometheus.url } },
      failing,
    ).getDependencies({ text: '5m', seconds: 300 });
    expect(d.dependencies).toEqual([]);
    expect(d.partial).toBe(true);
    expect(d.clusters.every(c => c.state === 'unavailable')).toBe(true);
  });
});
