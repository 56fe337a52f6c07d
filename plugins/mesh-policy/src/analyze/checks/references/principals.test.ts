import { fleet, multiNetwork, obj } from '../../../verify/__fixtures__/meshes';
import { principalMatchesNothing } from './principals';
import {
  malformed,
  PRODUCTPAGE_TEAM,
  REVIEWS_TEAM,
  run,
} from './__fixtures__/fleets';

const allow = (principals: unknown, name = 'reviews-callers') =>
  obj('AuthorizationPolicy', 'bookinfo', name, {
    selector: { matchLabels: { app: 'reviews' } },
    action: 'ALLOW',
    rules: [{ from: [{ source: { principals } }] }],
  });

describe('MESH106 principal matches no workload', () => {
  it('reports a trust domain no cluster accepts, naming the policy owners and the caller owners', () => {
    const { findings } = run(principalMatchesNothing, multiNetwork(), {
      'cluster-1': [
        allow(['corp.example/ns/bookinfo/sa/bookinfo-productpage']),
      ],
    });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      code: 'MESH106',
      severity: 'warning',
      equivalent: { kiali: 'KIA0106' },
      objects: [
        {
          cluster: 'cluster-1',
          kind: 'AuthorizationPolicy',
          name: 'reviews-callers',
        },
      ],
      services: ['bookinfo/productpage', 'bookinfo/reviews'],
      owners: [PRODUCTPAGE_TEAM, REVIEWS_TEAM],
    });
    expect(findings[0].message).toBe(
      'AuthorizationPolicy bookinfo/reviews-callers in cluster cluster-1 names principal corp.example/ns/bookinfo/sa/bookinfo-productpage, but no cluster of the fleet accepts trust domain corp.example (cluster cluster-1 accepts cluster.local): the rule matches no caller.',
    );
    expect(findings[0].fix).toContain(
      'cluster.local/ns/bookinfo/sa/bookinfo-productpage',
    );
  });

  it('reports a service account no workload runs as, listing those of the namespace', () => {
    const { findings } = run(principalMatchesNothing, multiNetwork(), {
      'cluster-1': [allow(['cluster.local/ns/bookinfo/sa/productpage'])],
    });
    expect(findings).toHaveLength(1);
    expect(findings[0].message).toContain(
      'no workload in any cluster runs as service account productpage in namespace bookinfo (workloads there run as bookinfo-productpage, reviews)',
    );
  });

  it("says nothing of a gateway's service account: the fleet does not list control-plane namespaces", () => {
    const { findings } = run(principalMatchesNothing, multiNetwork(), {
      'cluster-1': [
        allow([
          'cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account',
          'cluster.local/ns/istio-system/*',
        ]),
      ],
    });
    expect(findings).toEqual([]);
  });

  it('reports spiffe:// prefixes, malformed principals and wildcards that can match nothing', () => {
    const { findings } = run(principalMatchesNothing, multiNetwork(), {
      'cluster-1': [
        allow([
          'spiffe://cluster.local/ns/bookinfo/sa/reviews',
          'bookinfo/reviews',
          '*/ns/bookinfo/sa/ghost',
          'cluster.local/ns/nowhere/*',
          'corp.example/*',
        ]),
      ],
    });
    expect(findings.map(f => f.key.split('|').pop()).sort()).toEqual([
      '*/ns/bookinfo/sa/ghost',
      'bookinfo/reviews',
      'cluster.local/ns/nowhere/*',
      'corp.example/*',
      'spiffe://cluster.local/ns/bookinfo/sa/reviews',
    ]);
    expect(findings.find(f => f.message.includes('spiffe://'))?.fix).toContain(
      'Write it as cluster.local/ns/bookinfo/sa/reviews.',
    );
  });

  it('accepts callers of other clusters, accepted trust domains and wildcards that match', () => {
    const twoDomains = fleet(
      [
        { name: 'east', network: 'n1', region: 'r1' },
        {
          name: 'west',
          network: 'n2',
          region: 'r2',
          trustDomain: 'west.example',
        },
      ],
      [
        {
          namespace: 'bookinfo',
          name: 'reviews',
          instances: [{ cluster: 'east', versions: ['v1'] }],
        },
        {
          namespace: 'bookinfo',
          name: 'productpage',
          instances: [
            {
              cluster: 'west',
              versions: ['v1'],
              trustDomain: 'west.example',
              serviceAccount: 'bookinfo-productpage',
            },
          ],
        },
      ],
    );
    const { findings } = run(principalMatchesNothing, twoDomains, {
      east: [
        allow([
          'west.example/ns/bookinfo/sa/bookinfo-productpage',
          'cluster.local/ns/bookinfo/sa/bookinfo-productpage',
          '*',
          '*/ns/bookinfo/sa/reviews',
          'cluster.local/ns/bookinfo/*',
          '*/sa/bookinfo-productpage',
        ]),
      ],
    });
    expect(findings).toEqual([]);
  });

  it('ignores Linkerd AuthorizationPolicies and never throws on malformed objects', () => {
    const linkerd = {
      ...allow([
        'ghost.bookinfo.serviceaccount.identity.linkerd.cluster.local',
      ]),
      apiVersion: 'policy.linkerd.io/v1alpha1',
    };
    const { findings, notes } = run(principalMatchesNothing, multiNetwork(), {
      'cluster-1': [linkerd, ...malformed('AuthorizationPolicy')],
    });
    expect(notes.filter(n => n.includes('failed'))).toEqual([]);
    expect(findings).toEqual([]);
  });
});
