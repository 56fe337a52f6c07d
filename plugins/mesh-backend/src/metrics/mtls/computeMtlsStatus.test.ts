import type { Fleet } from '@meshport/backstage-plugin-mesh-common';
import { instance, scenarioFleet } from '../__testUtils__/istioScenario';
import type {
  ServiceTraffic,
  TrafficEdge,
} from '@meshport/backstage-plugin-mesh-common';
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
      basis: 'requests',
      observedPerSecond: rps,
      mutualPerSecond: rps * share,
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
      plaintextPerSecond: 2,
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
});
