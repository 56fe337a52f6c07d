import { fleet, multiNetwork, obj } from '../../../verify/__fixtures__/meshes';
import { subsetMatchesNoPod } from './subsetLabels';
import { malformed, REVIEWS, REVIEWS_TEAM, run } from './__fixtures__/fleets';

const dr = (subsets: Record<string, Record<string, string>>) =>
  obj('DestinationRule', 'bookinfo', 'reviews', {
    host: REVIEWS,
    subsets: Object.entries(subsets).map(([name, labels]) => ({
      name,
      labels,
    })),
  });

/** Two clusters that do not reach each other: reviews v1 in cluster-1, v3 in cluster-2. */
function unlinked() {
  return fleet(
    [
      { name: 'cluster-1', network: 'n1', region: 'r1' },
      { name: 'cluster-2', network: 'n2', region: 'r2' },
    ],
    [
      {
        namespace: 'bookinfo',
        name: 'reviews',
        instances: [
          { cluster: 'cluster-1', versions: ['v1'] },
          { cluster: 'cluster-2', versions: ['v3'] },
        ],
      },
    ],
  );
}

describe('MESH104 subset selects no pod', () => {
  it('reports a subset whose labels no pod carries in any cluster its cluster reaches', () => {
    const { findings } = run(subsetMatchesNoPod, multiNetwork(), {
      'cluster-1': [dr({ v1: { version: 'v1' }, v4: { version: 'v4' } })],
    });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      code: 'MESH104',
      severity: 'warning',
      equivalent: { istio: 'IST0173', kiali: 'KIA0203' },
      objects: [
        { cluster: 'cluster-1', kind: 'DestinationRule', name: 'reviews' },
      ],
      services: ['bookinfo/reviews'],
      owners: [REVIEWS_TEAM],
    });
    expect(findings[0].message).toBe(
      'Subset v4 of DestinationRule bookinfo/reviews in cluster cluster-1 selects version=v4, which no endpoint of reviews.bookinfo.svc.cluster.local carries in the clusters cluster-1 reaches (cluster-1, cluster-2); theirs carry version: v1, v2, v3: a route to this subset finds no endpoint (503 UH).',
    );
    expect(findings[0].fix).toContain('(version: v1, v2, v3)');
  });

  it('names the cluster whose pods match but that the rule cluster cannot reach', () => {
    const { findings } = run(subsetMatchesNoPod, unlinked(), {
      'cluster-1': [dr({ v3: { version: 'v3' } })],
    });
    expect(findings).toHaveLength(1);
    expect(findings[0].message).toContain(
      'pods with those labels run in cluster-2, which cluster cluster-1 does not reach',
    );
    expect(findings[0].clusters).toEqual(['cluster-1', 'cluster-2']);
  });

  it('counts pods of every reachable cluster, with the labels istiod adds', () => {
    const { findings } = run(subsetMatchesNoPod, multiNetwork(), {
      'cluster-1': [
        dr({
          v3: { version: 'v3' },
          'c2-v3': { version: 'v3', 'topology.istio.io/cluster': 'cluster-2' },
          west: { 'topology.kubernetes.io/region': 'us-west-2' },
          'net-1': { 'topology.istio.io/network': 'network-1' },
          all: {},
        }),
      ],
    });
    expect(findings).toEqual([]);
  });

  it('reports a topology label that names the wrong cluster', () => {
    const { findings } = run(subsetMatchesNoPod, multiNetwork(), {
      'cluster-1': [
        dr({
          'c1-v3': { version: 'v3', 'topology.istio.io/cluster': 'cluster-1' },
        }),
      ],
    });
    expect(findings).toHaveLength(1);
  });

  it('never throws on malformed objects', () => {
    const { findings, notes } = run(subsetMatchesNoPod, multiNetwork(), {
      'cluster-1': malformed('DestinationRule'),
    });
    expect(notes.filter(n => n.includes('failed'))).toEqual([]);
    expect(findings).toEqual([]);
  });
});
