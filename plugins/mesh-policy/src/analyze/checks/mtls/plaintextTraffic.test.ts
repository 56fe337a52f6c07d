import type {
  Fleet,
  ServiceTraffic,
  TrafficEdge,
} from '@meshport/backstage-plugin-mesh-common';
import { multiNetwork, obj } from '../../../verify/__fixtures__/meshes';
import { withConfig } from '../../__fixtures__/withConfig';
import { analyzeFleet } from '../../analyzeFleet';
import { plaintextObserved } from './plaintextTraffic';

function edge(
  peer: string,
  peerCluster: string,
  thisCluster: string,
  plaintextPerSecond: number,
): TrafficEdge {
  const [namespace, name] = peer.split('/');
  const ref = (c: string) => ({ name: c, clusterId: c, known: true });
  return {
    direction: 'inbound',
    peer: { namespace, name },
    peerCluster: ref(peerCluster),
    thisCluster: ref(thisCluster),
    mesh: 'istio',
    reporter: 'destination',
    mtls: {
      share: null,
      requests: {
        mutualPerSecond: 2,
        plaintextPerSecond,
        unclassifiedPerSecond: 0,
      },
      unclassified: [],
    },
    series: { requestsPerSecond: [], errorRatio: [] },
  };
}

function traffic(service: string, inbound: TrafficEdge[]): ServiceTraffic {
  const [namespace, name] = service.split('/');
  return {
    service: { namespace, name },
    window: '5m',
    windowSeconds: 300,
    evaluatedAt: '2026-01-01T00:00:00Z',
    seriesStepSeconds: 60,
    source: 'snapshot',
    inbound,
    outbound: [],
    clusters: [],
    partial: false,
  };
}

/** reviews in cluster-2 with the given mode, decided by PeerAuthentication bookinfo/default. */
function reviewsIn2(mode: 'STRICT' | 'PERMISSIVE' | 'DISABLE'): Fleet {
  const f = withConfig(multiNetwork(), {
    'cluster-2': [
      obj('PeerAuthentication', 'bookinfo', 'default', { mtls: { mode } }),
    ],
  });
  const reviews = f.services.find(s => s.name === 'reviews')!;
  reviews.owner = 'group:default/reviews-team';
  f.services.find(s => s.name === 'productpage')!.owner =
    'group:default/product-team';
  reviews.instances[1].mtls = { mode, source: 'bookinfo/default' };
  return f;
}

const fromProductpage = (plaintext: number) =>
  traffic('bookinfo/reviews', [
    edge('bookinfo/productpage', 'cluster-1', 'cluster-2', plaintext),
    edge('unknown/unknown', 'cluster-2', 'cluster-2', plaintext / 2),
  ]);

function analyze(f: Fleet, t: ServiceTraffic[]) {
  return analyzeFleet({ fleet: f, traffic: t }, [plaintextObserved]);
}

describe('MESH303: plaintext in observed traffic', () => {
  it('warns when a STRICT destination receives plaintext, naming the callers', () => {
    const { findings } = analyze(reviewsIn2('STRICT'), [fromProductpage(3)]);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      code: 'MESH303',
      severity: 'warning',
      services: ['bookinfo/productpage', 'bookinfo/reviews'],
      clusters: ['cluster-1', 'cluster-2'],
      owners: ['group:default/product-team', 'group:default/reviews-team'],
      objects: [
        {
          cluster: 'cluster-2',
          kind: 'PeerAuthentication',
          namespace: 'bookinfo',
          name: 'default',
        },
      ],
    });
    expect(findings[0].message).toContain(
      'bookinfo/productpage in cluster-1 (3 req/s)',
    );
    expect(findings[0].message).toContain(
      'callers outside the mesh (source unknown) in cluster-2 (1.5 req/s)',
    );
  });

  it('names the port-level override that lets plaintext in', () => {
    const f = reviewsIn2('STRICT');
    f.services.find(s => s.name === 'reviews')!.instances[1].mtls.ports = {
      '9080': 'PERMISSIVE',
    };
    const [finding] = analyze(f, [fromProductpage(3)]).findings;
    expect(finding.message).toContain('port 9080 is PERMISSIVE');
    expect(finding.fix).toContain('Remove the portLevelMtls override');
  });

  it('tells a PERMISSIVE destination which callers STRICT would refuse, as info', () => {
    const [finding] = analyze(reviewsIn2('PERMISSIVE'), [
      fromProductpage(3),
    ]).findings;
    expect(finding.severity).toBe('info');
    expect(finding.message).toContain(
      'switching to STRICT would refuse callers bookinfo/productpage in cluster-1',
    );
  });

  it('names the annotated namespace of a Linkerd destination', () => {
    const f = reviewsIn2('PERMISSIVE');
    const instance = f.services.find(s => s.name === 'reviews')!.instances[1];
    instance.dataPlaneMode = 'linkerd';
    instance.mtls = { mode: 'PERMISSIVE', source: 'namespace/bookinfo' };
    const [finding] = analyze(f, [fromProductpage(3)]).findings;
    expect(finding.objects).toEqual([
      {
        cluster: 'cluster-2',
        apiVersion: 'v1',
        kind: 'Namespace',
        name: 'bookinfo',
      },
    ]);
    expect(finding.fix).toContain(
      'config.linkerd.io/default-inbound-policy: all-authenticated',
    );
  });

  it('says nothing when all traffic is mutual TLS, or mTLS is disabled on purpose', () => {
    expect(
      analyze(reviewsIn2('STRICT'), [fromProductpage(0)]).findings,
    ).toEqual([]);
    expect(
      analyze(reviewsIn2('DISABLE'), [fromProductpage(3)]).findings,
    ).toEqual([]);
  });

  it('does not run without traffic, and says so', () => {
    const result = analyzeFleet({ fleet: reviewsIn2('STRICT') }, [
      plaintextObserved,
    ]);
    expect(result.findings).toEqual([]);
    expect(result.notes.join('\n')).toContain('MESH303');
  });

  it('never throws on partial traffic answers', () => {
    const broken = {
      ...fromProductpage(3),
      inbound: [
        null,
        { thisCluster: { name: 'cluster-2' } },
        {
          ...edge('bookinfo/productpage', 'cluster-1', 'cluster-2', 1),
          mtls: {},
        },
        {
          ...edge('bookinfo/productpage', 'cluster-1', 'cluster-2', 1),
          peer: null,
          peerCluster: null,
        },
      ],
    } as unknown as ServiceTraffic;
    const result = analyze(reviewsIn2('STRICT'), [broken]);
    expect(result.notes.join('\n')).not.toContain('failed');
    expect(result.findings).toHaveLength(1);
  });
});
