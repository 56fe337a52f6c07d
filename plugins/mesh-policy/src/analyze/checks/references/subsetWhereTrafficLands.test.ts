import {
  multiNetwork,
  obj,
  seedRouting,
} from '../../../verify/__fixtures__/meshes';
import { subsetMissingWhereTrafficLands } from './subsetWhereTrafficLands';
import { AnalysisContext } from '../../context';
import { withConfig } from '../../__fixtures__/withConfig';
import {
  malformed,
  owned,
  REVIEWS,
  REVIEWS_TEAM,
  run,
} from './__fixtures__/fleets';

const remoteRule = (subsets: string[]) =>
  obj('DestinationRule', 'bookinfo', 'reviews', {
    host: REVIEWS,
    subsets: subsets.map(name => ({
      name,
      labels: { version: name.split('-')[1] },
    })),
  });

describe('MESH105 subset missing where its traffic lands', () => {
  it("reports the serving cluster's DestinationRule lacking the subset the client cluster routes to", () => {
    const { findings } = run(subsetMissingWhereTrafficLands, multiNetwork(), {
      'cluster-1': seedRouting(),
      'cluster-2': [remoteRule(['c1-v1'])],
    });
    expect(findings).toHaveLength(1);
    const [f] = findings;
    expect(f).toMatchObject({
      code: 'MESH105',
      severity: 'error',
      clusters: ['cluster-1', 'cluster-2'],
      services: ['bookinfo/reviews'],
      owners: [REVIEWS_TEAM],
    });
    expect(f.equivalent).toBeUndefined();
    expect(f.objects.map(o => `${o.cluster}/${o.kind}/${o.name}`)).toEqual([
      'cluster-2/DestinationRule/reviews',
      'cluster-1/VirtualService/reviews',
      'cluster-1/DestinationRule/reviews',
    ]);
    expect(f.message).toBe(
      "VirtualService bookinfo/reviews in cluster cluster-1 sends 75 % of route shift to subset c2-v3 of reviews.bookinfo.svc.cluster.local, which lands in cluster cluster-2 through its east-west gateway istio-system/istio-eastwestgateway (SNI outbound_.9080_.c2-v3_.reviews.bookinfo.svc.cluster.local). DestinationRule bookinfo/reviews in cluster cluster-1 defines c2-v3, but DestinationRule bookinfo/reviews in cluster cluster-2 has only c1-v1: the gateway builds its SNI routes from its own cluster's DestinationRules, has no filter chain for that SNI and resets the connection.",
    );
    expect(f.fix).toBe(
      'Add subset c2-v3 (labels version: v3, topology.istio.io/cluster: cluster-2) to DestinationRule bookinfo/reviews in cluster cluster-2, e.g. apply DestinationRule bookinfo/reviews of cluster cluster-1 there too.',
    );
  });

  it('reports a serving cluster with no DestinationRule at all, and follows routes behind a header match', () => {
    const [vs, dr] = seedRouting();
    const canary = {
      ...vs,
      spec: {
        hosts: [REVIEWS],
        http: [
          {
            name: 'jason',
            match: [{ headers: { 'end-user': { exact: 'jason' } } }],
            route: [{ destination: { host: REVIEWS, subset: 'c2-v3' } }],
          },
          { route: [{ destination: { host: REVIEWS, subset: 'c1-v1' } }] },
        ],
      },
    };
    const { findings } = run(subsetMissingWhereTrafficLands, multiNetwork(), {
      'cluster-1': [canary, dr],
      'cluster-2': [],
    });
    expect(findings).toHaveLength(1);
    expect(findings[0].message).toContain('sends 100 % of route jason');
    expect(findings[0].message).toContain(
      'no DestinationRule in cluster cluster-2 defines it',
    );
    expect(findings[0].objects[0]).toMatchObject({
      cluster: 'cluster-1',
      kind: 'VirtualService',
    });
  });

  it('is silent when the serving cluster defines the subset', () => {
    const { findings } = run(subsetMissingWhereTrafficLands, multiNetwork(), {
      'cluster-1': seedRouting(),
      'cluster-2': [remoteRule(['c2-v3'])],
    });
    expect(findings).toEqual([]);
  });

  it('is silent when the serving cluster is on the client’s network, or its endpoints are not shared', () => {
    const config = {
      'cluster-1': seedRouting(),
      'cluster-2': [remoteRule(['c1-v1'])],
    };
    // the same network: requests reach the pods directly, no east-west gateway is involved
    const oneNetwork = multiNetwork();
    for (const c of oneNetwork.clusters) {
      c.network = 'network-1';
      for (const p of c.controlPlanes) p.network = 'network-1';
    }
    expect(
      run(subsetMissingWhereTrafficLands, oneNetwork, config).findings,
    ).toEqual([]);
    // cluster-1's sidecars do not see cluster-2's endpoints: nothing lands there
    const apart = multiNetwork();
    apart.links = apart.links.filter(l => l.from !== 'cluster-1');
    for (const p of apart.clusters[0].controlPlanes) p.readsEndpointsFrom = [];
    expect(run(subsetMissingWhereTrafficLands, apart, config).findings).toEqual(
      [],
    );
  });

  it('works one client cluster at a time, finding what run finds', () => {
    const fleet = withConfig(owned(multiNetwork()), {
      'cluster-1': seedRouting(),
      'cluster-2': [remoteRule(['c1-v1'])],
    });
    const steps = subsetMissingWhereTrafficLands.steps!(
      new AnalysisContext({ fleet }),
    );
    let yields = 0;
    let step = steps.next();
    while (!step.done) {
      yields++;
      step = steps.next();
    }
    // one turn after each client cluster
    expect(yields).toBe(fleet.clusters.length);
    expect(step.value).toEqual(
      subsetMissingWhereTrafficLands.run(new AnalysisContext({ fleet })),
    );
    expect(step.value).toHaveLength(1);
  });

  it('does not judge a serving cluster whose config is unknown', () => {
    const { findings } = run(subsetMissingWhereTrafficLands, multiNetwork(), {
      'cluster-1': seedRouting(),
    });
    expect(findings).toEqual([]);
  });

  it('never throws on malformed objects', () => {
    const { findings, notes } = run(
      subsetMissingWhereTrafficLands,
      multiNetwork(),
      {
        'cluster-1': [
          ...malformed('VirtualService'),
          ...malformed('DestinationRule'),
        ],
        'cluster-2': malformed('DestinationRule'),
      },
    );
    expect(notes.filter(n => n.includes('failed'))).toEqual([]);
    expect(findings).toEqual([]);
  });
});
