import type { Fleet } from '@meshport/backstage-plugin-mesh-common';
import {
  instance,
  scenarioFleet,
} from '@meshport/backstage-plugin-mesh-node/testUtils';
import type {
  ServiceTraffic,
  TrafficEdge,
} from '@meshport/backstage-plugin-mesh-common';
import {
  ClusterIdResolver,
  assembleEdges,
} from '@meshport/backstage-plugin-mesh-node';
import { computeMtlsStatus } from './computeMtlsStatus';

function inboundEdge(
  peerCluster: string,
  thisCluster: string,
  rps: number,
  share: number,
): TrafficEdge {
  return {
    direction: 'inbound',
    peer: { namespace: 'bookinfo', name: 'productpage' },
    peerCluster: { name: peerCluster, clusterId: peerCluster, known: true },
    thisCluster: { name: thisCluster, clusterId: thisCluster, known: true },
    mesh: 'istio',
    reporter: 'destination',
    http: {
      requestsPerSecond: rps,
      errorRatio: 0,
      latencyMs: { p50: null, p95: null, p99: null },
    },
    mtls: {
      share,
      requests: {
        mutualPerSecond: rps * share,
        plaintextPerSecond: rps - rps * share,
        unclassifiedPerSecond: 0,
      },
      unclassified: [],
    },
    series: { requestsPerSecond: [], errorRatio: [] },
  };
}

function traffic(
  inbound: TrafficEdge[],
  clusters = ['cluster-1', 'cluster-2', 'cluster-3'],
): ServiceTraffic {
  return {
    service: { namespace: 'bookinfo', name: 'reviews' },
    window: '1h',
    windowSeconds: 3600,
    evaluatedAt: '2025-01-01T00:00:00.000Z',
    seriesStepSeconds: 60,
    source: 'prometheus',
    inbound,
    outbound: [],
    clusters: clusters.map(cluster => ({
      cluster,
      state: 'ok',
      source: 'prometheus:global',
    })),
    partial: false,
  };
}

function fleetWith(instances: Fleet['services'][number]['instances']): Fleet {
  const fleet = scenarioFleet();
  fleet.services[0].instances = instances;
  return fleet;
}

describe('computeMtlsStatus', () => {
  it('flags callers from a cluster with a different root of trust', () => {
    const status = computeMtlsStatus(
      fleetWith([instance('cluster-1', 'STRICT')]),
      traffic([inboundEdge('cluster-3', 'cluster-1', 2, 1)]),
    );
    const [c1] = status.clusters;
    expect(c1.rootOfTrust).toEqual({
      fingerprints: ['sha256:aaaa'],
      sharedWith: ['cluster-2'],
    });
    expect(c1.warnings).toEqual([
      {
        code: 'differing-roots',
        message: expect.stringContaining(
          'bookinfo/reviews in cluster-1 is called from cluster-3, whose root of trust differs (sha256:aaaa vs sha256:bbbb)',
        ),
        peerClusters: ['cluster-3'],
      },
    ]);
  });

  it('flags instances in clusters with different roots, and a mesh that declares one root silences it', () => {
    const fleet = fleetWith([
      instance('cluster-1', 'STRICT'),
      instance('cluster-3', 'STRICT'),
    ]);
    const status = computeMtlsStatus(fleet, traffic([]));
    expect(status.clusters.map(c => c.warnings.map(w => w.code))).toEqual([
      ['differing-roots'],
      ['differing-roots'],
    ]);
    expect(status.clusters[0].observed).toMatchObject({
      state: 'no-traffic',
      mtlsShare: null,
    });

    fleet.meshes = [
      {
        id: 'istio-mesh1',
        kind: 'istio',
        clusters: ['cluster-1', 'cluster-3'],
        trustDomains: ['cluster.local'],
        rootCertFingerprints: [],
        sharedRootOfTrust: true,
      },
    ];
    expect(
      computeMtlsStatus(fleet, traffic([])).clusters.flatMap(c => c.warnings),
    ).toEqual([]);
  });

  it('flags a DestinationRule that disables TLS, when discovery reports its mode', () => {
    const dr = {
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      namespace: 'bookinfo',
      name: 'reviews-plain',
      tlsMode: 'DISABLE',
    };
    const status = computeMtlsStatus(
      fleetWith([instance('cluster-1', 'STRICT', [dr])]),
      traffic([]),
    );
    expect(status.clusters[0].warnings).toEqual([
      {
        code: 'tls-disabled-by-destination-rule',
        message:
          'DestinationRule bookinfo/reviews-plain disables TLS for bookinfo/reviews in cluster-1: its clients there send plaintext, which STRICT mode refuses',
      },
    ]);
  });

  it('flags plaintext under STRICT and a disabled mode', () => {
    const status = computeMtlsStatus(
      fleetWith([
        instance('cluster-1', 'STRICT'),
        instance('cluster-2', 'DISABLE'),
      ]),
      traffic([inboundEdge('cluster-1', 'cluster-1', 4, 0.5)]),
    );
    expect(status.clusters[0].warnings.map(w => w.code)).toEqual([
      'plaintext-under-strict',
    ]);
    expect(status.clusters[0].observed).toMatchObject({
      mtlsShare: 0.5,
      requests: { plaintextPerSecond: 2 },
    });
    expect(status.clusters[1].warnings.map(w => w.code)).toEqual([
      'mtls-disabled',
    ]);
  });

  it('marks observed figures unavailable when the cluster metrics are, and shows traffic discovery missed', () => {
    const t = traffic([inboundEdge('cluster-1', 'cluster-2', 1, 1)], []);
    t.clusters = [
      {
        cluster: 'cluster-2',
        state: 'unavailable',
        source: 'none',
        reason: 'no Prometheus configured for cluster-2',
      },
    ];
    const status = computeMtlsStatus(fleetWith([]), t);
    expect(status.clusters).toHaveLength(1);
    expect(status.clusters[0]).toMatchObject({
      cluster: 'cluster-2',
      configured: null,
      observed: {
        state: 'unavailable',
        reason: 'no Prometheus configured for cluster-2',
      },
    });
  });

  /** Inbound edges to reviews in cluster-2 from raw Istio samples, as the assembly builds them. */
  function edgesFrom(
    samples: Array<{
      metric: 'http' | 'tcpOpened';
      reporter: string;
      policy: string;
      value: number;
      peer?: string;
    }>,
  ): TrafficEdge[] {
    const answers = { http: [], tcpOpened: [], tcpBytes: [] } as Required<
      Pick<
        Parameters<typeof assembleEdges>[1][number],
        'http' | 'tcpOpened' | 'tcpBytes'
      >
    >;
    for (const s of samples) {
      const labels = {
        reporter: s.reporter,
        source_workload_namespace: 'bookinfo',
        source_canonical_service: s.peer ?? 'productpage',
        source_cluster: 'cluster-2',
        destination_cluster: 'cluster-2',
        response_code: '200',
        connection_security_policy: s.policy,
      };
      answers[s.metric].push({ labels, value: s.value });
      if (s.metric === 'tcpOpened') {
        answers.tcpBytes.push({ labels, value: s.value * 100 });
      }
    }
    return assembleEdges(
      'inbound',
      [answers],
      new ClusterIdResolver(scenarioFleet()),
    );
  }

  // Issue 17, item 1: 5 mTLS + 5 plaintext connections/s to a PERMISSIVE ambient service, as
  // ztunnel reports them (destination, `mutual_tls` and `unknown`; istio/ztunnel
  // src/proxy/metrics.rs, src/proxy/inbound_passthrough.rs).
  it('shows plaintext reported by ztunnel as `unknown`, with a warning', () => {
    const inbound = edgesFrom([
      {
        metric: 'tcpOpened',
        reporter: 'destination',
        policy: 'mutual_tls',
        value: 5,
      },
      {
        metric: 'tcpOpened',
        reporter: 'destination',
        policy: 'unknown',
        value: 5,
        peer: 'batch',
      },
    ]);
    const status = computeMtlsStatus(
      fleetWith([instance('cluster-2', 'PERMISSIVE')]),
      traffic(inbound),
    );
    const c2 = status.clusters.find(c => c.cluster === 'cluster-2')!;
    expect(c2.observed).toMatchObject({
      mtlsShare: 0.5,
      connections: {
        mutualPerSecond: 5,
        plaintextPerSecond: 5,
        unclassifiedPerSecond: 0,
      },
    });
    expect(c2.warnings.map(w => w.code)).toEqual([
      'plaintext-under-permissive',
    ]);
    expect(c2.warnings[0].message).toContain('5 connections/s (50 %)');
  });

  // Issue 17, item 2: 10 rps mTLS HTTP + 3 plaintext TCP connections/s must not show 100 %.
  it('counts plaintext TCP next to mTLS HTTP in the cluster', () => {
    const inbound = edgesFrom([
      {
        metric: 'http',
        reporter: 'destination',
        policy: 'mutual_tls',
        value: 10,
      },
      {
        metric: 'tcpOpened',
        reporter: 'destination',
        policy: 'none',
        value: 3,
        peer: 'legacy',
      },
    ]);
    const status = computeMtlsStatus(
      fleetWith([instance('cluster-2', 'STRICT')]),
      traffic(inbound),
    );
    const c2 = status.clusters.find(c => c.cluster === 'cluster-2')!;
    expect(c2.observed.mtlsShare).toBe(0);
    expect(c2.observed.requests).toEqual({
      mutualPerSecond: 10,
      plaintextPerSecond: 0,
      unclassifiedPerSecond: 0,
    });
    expect(c2.observed.connections!.plaintextPerSecond).toBe(3);
    expect(c2.warnings.map(w => w.code)).toEqual(['plaintext-under-strict']);
  });

  it('lists what it could not classify, naming the caller, and leaves it out of the share', () => {
    const inbound = edgesFrom([
      {
        metric: 'http',
        reporter: 'destination',
        policy: 'mutual_tls',
        value: 4,
      },
      {
        metric: 'http',
        reporter: 'source',
        policy: 'unknown',
        value: 2,
        peer: 'outsider',
      },
    ]);
    const status = computeMtlsStatus(
      fleetWith([instance('cluster-2', 'PERMISSIVE')]),
      traffic(inbound),
    );
    const c2 = status.clusters.find(c => c.cluster === 'cluster-2')!;
    expect(c2.observed.mtlsShare).toBe(1);
    expect(c2.observed.requests!.unclassifiedPerSecond).toBe(2);
    expect(c2.observed.unclassified).toEqual([
      expect.stringMatching(
        /^bookinfo\/outsider \(cluster-2\): only the caller's proxy reported/,
      ),
    ]);
    expect(c2.warnings).toEqual([]);
  });
});
