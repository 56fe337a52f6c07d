import { multiNetwork, obj } from '../../../verify/__fixtures__/meshes';
import { routeSubsetNotFound } from './routeSubset';
import { malformed, REVIEWS, REVIEWS_TEAM, run } from './__fixtures__/fleets';

const vs = obj('VirtualService', 'bookinfo', 'reviews', {
  hosts: ['reviews'],
  http: [
    {
      route: [
        { destination: { host: 'reviews', subset: 'v1' }, weight: 50 },
        { destination: { host: 'reviews', subset: 'v3' }, weight: 50 },
      ],
    },
  ],
});
const dr = (namespace: string, subsets: string[]) =>
  obj('DestinationRule', namespace, 'reviews', {
    host: REVIEWS,
    subsets: subsets.map(s => ({ name: s, labels: { version: s } })),
  });

describe('MESH102 route subset not found', () => {
  it('reports a subset the cluster holding the VirtualService lacks, naming the cluster that defines it', () => {
    const { findings } = run(routeSubsetNotFound, multiNetwork(), {
      'cluster-1': [vs, dr('bookinfo', ['v1', 'v2'])],
      'cluster-2': [dr('bookinfo', ['v1', 'v3'])],
    });
    expect(findings).toHaveLength(1);
    const [f] = findings;
    expect(f).toMatchObject({
      code: 'MESH102',
      severity: 'error',
      equivalent: { istio: 'IST0101', kiali: 'KIA1107' },
      clusters: ['cluster-1', 'cluster-2'],
      services: ['bookinfo/reviews'],
      owners: [REVIEWS_TEAM],
    });
    expect(f.objects.map(o => `${o.cluster}/${o.kind}`)).toEqual([
      'cluster-1/DestinationRule',
      'cluster-1/VirtualService',
      'cluster-2/DestinationRule',
    ]);
    expect(f.message).toContain(
      'VirtualService bookinfo/reviews in cluster cluster-1 routes (http route 0) to subset v3',
    );
    expect(f.message).toContain(
      'use DestinationRule bookinfo/reviews, which defines v1, v2',
    );
    expect(f.message).toContain(
      'DestinationRule bookinfo/reviews in cluster cluster-2 defines it',
    );
    expect(f.fix).toBe(
      'Add subset v3 to DestinationRule bookinfo/reviews in cluster cluster-1, as DestinationRule bookinfo/reviews in cluster cluster-2 defines it.',
    );
  });

  it("reports clients whose own namespace's DestinationRule shadows the one with the subset", () => {
    const { findings } = run(routeSubsetNotFound, multiNetwork(), {
      'cluster-1': [
        vs,
        dr('bookinfo', ['v1', 'v3']),
        obj('DestinationRule', 'frontend', 'reviews-tls', {
          host: REVIEWS,
          trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } },
        }),
      ],
    });
    // Both subsets: Istio does not merge the frontend rule with bookinfo's.
    expect(findings).toHaveLength(2);
    expect(findings[0].message).toContain(
      'clients in namespace frontend use DestinationRule frontend/reviews-tls, which defines none',
    );
    expect(findings[0].objects[0]).toMatchObject({
      namespace: 'frontend',
      name: 'reviews-tls',
    });
  });

  it('asks for a DestinationRule when the cluster has none for the host', () => {
    const { findings } = run(routeSubsetNotFound, multiNetwork(), {
      'cluster-1': [vs],
    });
    expect(findings).toHaveLength(2);
    expect(findings[0].fix).toContain(
      'Create a DestinationRule for reviews.bookinfo.svc.cluster.local defining subset',
    );
  });

  it('is silent when the DestinationRule the clients use defines every subset', () => {
    const { findings } = run(routeSubsetNotFound, multiNetwork(), {
      'cluster-1': [vs, dr('bookinfo', ['v1', 'v2', 'v3'])],
    });
    expect(findings).toEqual([]);
  });

  it('leaves unknown hosts to MESH101', () => {
    const toGhost = obj('VirtualService', 'bookinfo', 'ghost', {
      hosts: ['ghost'],
      http: [{ route: [{ destination: { host: 'ghost', subset: 'v1' } }] }],
    });
    const { findings } = run(routeSubsetNotFound, multiNetwork(), {
      'cluster-1': [toGhost],
    });
    expect(findings).toEqual([]);
  });

  it('never throws on malformed objects', () => {
    const { findings, notes } = run(routeSubsetNotFound, multiNetwork(), {
      'cluster-1': [
        ...malformed('VirtualService'),
        ...malformed('DestinationRule'),
      ],
    });
    expect(notes.filter(n => n.includes('failed'))).toEqual([]);
    expect(findings).toEqual([]);
  });
});

describe('MESH102 for gateway-bound VirtualServices', () => {
  it('judges the rule a gateway proxy uses, not other namespaces’ rules', () => {
    const edge = obj('VirtualService', 'bookinfo', 'edge', {
      hosts: ['bookinfo.example.com'],
      gateways: ['bookinfo-gateway'],
      http: [{ route: [{ destination: { host: 'reviews', subset: 'v3' } }] }],
    });
    const { findings } = run(routeSubsetNotFound, multiNetwork(), {
      'cluster-1': [
        edge,
        dr('bookinfo', ['v3']),
        obj('DestinationRule', 'frontend', 'reviews-tls', {
          host: REVIEWS,
          trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } },
        }),
      ],
    });
    expect(findings).toEqual([]);
  });
});
