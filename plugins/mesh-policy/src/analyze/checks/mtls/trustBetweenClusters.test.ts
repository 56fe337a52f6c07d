import type {
  Fleet,
  ServiceTraffic,
} from '@meshport/backstage-plugin-mesh-common';
import {
  both,
  type ClusterSpec,
  fleet,
  obj,
  ROOT_A,
  ROOT_B,
} from '../../../verify/__fixtures__/meshes';
import type { ClusterObject } from '../../../verify/types';
import { withConfig } from '../../__fixtures__/withConfig';
import { analyzeFleet } from '../../analyzeFleet';
import { untrustedClusterPair } from './trustBetweenClusters';

const east: ClusterSpec = {
  name: 'east',
  network: 'net-east',
  region: 'us-east-1',
  gateway: '192.0.2.1',
};
const west: ClusterSpec = {
  name: 'west',
  network: 'net-west',
  region: 'us-west-2',
  gateway: '192.0.2.2',
};

function twoClusters(
  e: Partial<ClusterSpec>,
  w: Partial<ClusterSpec>,
  links: Fleet['links'] = [],
): Fleet {
  const f = fleet(
    [
      { ...east, ...e },
      { ...west, ...w },
    ],
    [
      {
        namespace: 'bookinfo',
        name: 'reviews',
        instances: [
          { cluster: 'east', versions: ['v1'] },
          { cluster: 'west', versions: ['v3'] },
        ],
      },
      {
        namespace: 'bookinfo',
        name: 'productpage',
        instances: [
          {
            cluster: 'east',
            versions: ['v1'],
            serviceAccount: 'productpage',
          },
        ],
      },
    ],
    links,
  );
  f.services[0].owner = 'group:default/reviews-team';
  return f;
}

function analyze(
  f: Fleet,
  config: Record<string, ClusterObject[]> = {},
  traffic?: ServiceTraffic[],
) {
  return analyzeFleet({ fleet: withConfig(f, config), traffic }, [
    untrustedClusterPair,
  ]).findings;
}

const linked = both('east', 'west', 'shared-endpoint-discovery');

describe('MESH304: clusters that call each other without trust', () => {
  it('finds two clusters with different roots that read each other’s endpoints', () => {
    const findings = analyze(
      twoClusters({ root: ROOT_A }, { root: ROOT_B }, linked),
    );
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      code: 'MESH304',
      severity: 'error',
      clusters: ['east', 'west'],
      services: ['bookinfo/reviews'],
      owners: ['group:default/reviews-team'],
      objects: [
        { cluster: 'east', kind: 'ConfigMap', name: 'istio-ca-root-cert' },
        { cluster: 'west', kind: 'ConfigMap', name: 'istio-ca-root-cert' },
      ],
    });
    expect(findings[0].message).toContain(
      `east's root ${ROOT_A} is not in west's trust bundle (${ROOT_B})`,
    );
    expect(findings[0].message).toContain(
      "east's control plane reads west's endpoints (remote secret)",
    );
    expect(findings[0].fix).toContain('one root of trust');
  });

  it('says nothing when the roots are shared, or each root is in the other’s bundle', () => {
    expect(analyze(twoClusters({}, {}, linked))).toEqual([]);
    expect(
      analyze(
        twoClusters(
          { root: ROOT_A, trustedRoots: [ROOT_A, ROOT_B] },
          { root: ROOT_B, trustedRoots: [ROOT_B, ROOT_A] },
          linked,
        ),
      ),
    ).toEqual([]);
  });

  it('says nothing about clusters that do not trust each other but never call each other', () => {
    expect(analyze(twoClusters({ root: ROOT_A }, { root: ROOT_B }))).toEqual(
      [],
    );
  });

  it('finds a trust domain the other cluster does not accept, from a policy naming its principal', () => {
    const policy = obj('AuthorizationPolicy', 'bookinfo', 'reviews-callers', {
      selector: { matchLabels: { app: 'reviews' } },
      rules: [
        {
          from: [
            {
              source: { principals: ['east.local/ns/bookinfo/sa/productpage'] },
            },
          ],
        },
      ],
    });
    const findings = analyze(
      twoClusters({ trustDomain: 'east.local' }, { trustDomain: 'west.local' }),
      { west: [policy] },
    );
    expect(findings).toHaveLength(1);
    expect(findings[0].objects).toEqual([
      {
        cluster: 'west',
        apiVersion: 'v1',
        kind: 'ConfigMap',
        namespace: 'istio-system',
        name: 'istio',
      },
      {
        cluster: 'east',
        apiVersion: 'v1',
        kind: 'ConfigMap',
        namespace: 'istio-system',
        name: 'istio',
      },
    ]);
    expect(findings[0].message).toContain(
      'AuthorizationPolicy bookinfo/reviews-callers in west admits principal east.local/ns/bookinfo/sa/productpage of east',
    );
    expect(findings[0].fix).toContain(
      'Add east.local to meshConfig.trustDomainAliases on west; and add west.local to meshConfig.trustDomainAliases on east',
    );
  });

  it('accepts trust domain aliases', () => {
    const f = twoClusters(
      { trustDomain: 'east.local' },
      { trustDomain: 'west.local' },
      linked,
    );
    f.clusters[0].controlPlanes[0].trustDomainAliases = ['west.local'];
    f.clusters[1].controlPlanes[0].trustDomainAliases = ['east.local'];
    expect(analyze(f)).toEqual([]);
  });

  it('finds calls from a ServiceEntry aimed at the other cluster’s east-west gateway', () => {
    const entry = obj('ServiceEntry', 'bookinfo', 'reviews-west', {
      hosts: ['reviews.bookinfo.global'],
      ports: [{ number: 9080, name: 'http', protocol: 'HTTP' }],
      endpoints: [{ address: '192.0.2.2', ports: { http: 15443 } }],
    });
    const [finding] = analyze(twoClusters({ root: ROOT_A }, { root: ROOT_B }), {
      east: [entry],
    });
    expect(finding.message).toContain(
      "ServiceEntry bookinfo/reviews-west in east sends reviews.bookinfo.global to west's east-west gateway (192.0.2.2)",
    );
  });

  it('finds calls from a route pinned to a subset of the other cluster', () => {
    const host = 'reviews.bookinfo.svc.cluster.local';
    const [finding] = analyze(twoClusters({ root: ROOT_A }, { root: ROOT_B }), {
      east: [
        obj('VirtualService', 'bookinfo', 'reviews', {
          hosts: [host],
          http: [{ route: [{ destination: { host, subset: 'west' } }] }],
        }),
        obj('DestinationRule', 'bookinfo', 'reviews', {
          host,
          subsets: [
            { name: 'west', labels: { 'topology.istio.io/cluster': 'west' } },
          ],
        }),
      ],
    });
    expect(finding.message).toContain(
      'VirtualService bookinfo/reviews in east routes to subset west',
    );
    expect(finding.services).toEqual(['bookinfo/reviews']);
  });

  it('finds calls seen in traffic', () => {
    const ref = (c: string) => ({ name: c, clusterId: c, known: true });
    const t: ServiceTraffic = {
      service: { namespace: 'bookinfo', name: 'reviews' },
      window: '5m',
      windowSeconds: 300,
      evaluatedAt: '2026-01-01T00:00:00Z',
      seriesStepSeconds: 60,
      source: 'snapshot',
      inbound: [
        {
          direction: 'inbound',
          peer: { namespace: 'bookinfo', name: 'productpage' },
          peerCluster: ref('east'),
          thisCluster: ref('west'),
          mesh: 'istio',
          reporter: 'source',
          mtls: { share: null, unclassified: [] },
          series: { requestsPerSecond: [], errorRatio: [] },
        },
      ],
      outbound: [],
      clusters: [],
      partial: false,
    };
    const [finding] = analyze(
      twoClusters({ root: ROOT_A }, { root: ROOT_B }),
      {},
      [t],
    );
    expect(finding.message).toContain(
      'traffic observed from bookinfo/productpage (east) to bookinfo/reviews (west)',
    );
    expect(finding.services).toEqual([
      'bookinfo/productpage',
      'bookinfo/reviews',
    ]);
  });

  it('judges every pair across many clusters: only the one with another root is named', () => {
    const names = ['a', 'b', 'c', 'd'];
    const f = fleet(
      names.map(n => ({
        name: n,
        network: 'net',
        region: 'r',
        root: n === 'd' ? ROOT_B : ROOT_A,
      })),
      [
        {
          namespace: 'bookinfo',
          name: 'reviews',
          instances: names.map(cluster => ({ cluster, versions: ['v1'] })),
        },
      ],
      names.flatMap(x =>
        names
          .filter(y => y !== x)
          .map(y => ({
            from: x,
            to: y,
            via: 'shared-endpoint-discovery' as const,
          })),
      ),
    );
    const findings = analyze(f);
    expect(findings.map(x => x.clusters)).toEqual([
      ['a', 'd'],
      ['b', 'd'],
      ['c', 'd'],
    ]);
  });

  it('never throws on malformed config', () => {
    const bad = [
      obj('ServiceEntry', 'x', 'a', { endpoints: [null, { address: 5 }] }),
      obj('VirtualService', 'x', 'b', {
        http: [
          null,
          { route: [null, { destination: { host: 3, subset: {} } }] },
        ],
      }),
      obj('AuthorizationPolicy', 'x', 'c', {
        rules: [null, { from: [null, { source: { principals: [null, 7] } }] }],
      }),
    ];
    const result = analyzeFleet(
      {
        fleet: withConfig(
          twoClusters({ root: ROOT_A }, { root: ROOT_B }, linked),
          { east: bad, west: bad },
        ),
      },
      [untrustedClusterPair],
    );
    expect(result.notes.join('\n')).not.toContain('failed');
    expect(result.findings).toHaveLength(1);
  });
});
