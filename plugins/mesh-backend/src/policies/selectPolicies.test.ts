import type { PolicyLifecycle } from '@meshport/backstage-plugin-mesh-common';
import { parseOrThrow } from '../service/http/parse';
import { policiesQuerySchema, policyPathSchema } from './policiesQuery';
import { selectPolicies } from './selectPolicies';

const policy = (
  name: string,
  state: PolicyLifecycle['state'],
  more: Partial<PolicyLifecycle> = {},
): PolicyLifecycle => ({
  ref: `trafficpolicy.bookinfo.${name}`,
  kind: 'TrafficPolicy',
  namespace: 'bookinfo',
  name,
  repository: 'github.com?owner=acme&repo=mesh-policies',
  path: `policies/bookinfo/${name}.yaml`,
  destinations: [`bookinfo/${name}`],
  state,
  onBranch: state !== 'requested',
  clusters: [],
  timings: {},
  ...more,
});

const query = (q: Record<string, string> = {}) =>
  parseOrThrow(policiesQuerySchema, q, 'policies query');

const about = { repositories: [], orphans: [] };

describe('selectPolicies', () => {
  const items = [
    policy('ratings', 'applied', {
      owner: 'group:default/Team-A',
      clusters: [{ cluster: 'cluster-1', state: 'applied', objects: [] }],
    }),
    policy('reviews', 'drifted', {
      request: { team: 'group:default/team-b' },
      clusters: [{ cluster: 'cluster-2', state: 'drifted', objects: [] }],
    }),
    policy('details', 'requested', { owner: 'group:default/team-a' }),
    policy('productpage', 'applied', {
      destinations: ['bookinfo/productpage', 'bookinfo/reviews'],
    }),
  ];

  it('counts every state when filtered to one', () => {
    const page = selectPolicies(items, query({ state: 'applied' }), about);
    expect(page.totalCount).toBe(2);
    expect(page.counts).toEqual({ applied: 2, drifted: 1, requested: 1 });
  });

  it('lists worst first, counts before the page is cut', () => {
    const page = selectPolicies(items, query({ limit: '2' }), about);
    expect(page.items.map(p => p.name)).toEqual(['reviews', 'details']);
    expect(page.totalCount).toBe(4);
    expect(page.counts).toEqual({ applied: 2, drifted: 1, requested: 1 });
  });

  it.each([
    [{ state: 'applied,drifted' }, ['reviews', 'productpage', 'ratings']],
    [{ service: 'bookinfo/reviews' }, ['reviews', 'productpage']],
    [{ team: 'team-a' }, ['details', 'ratings']],
    [{ team: 'group:default/team-b' }, ['reviews']],
    [{ cluster: 'cluster-2' }, ['reviews']],
    [{ offset: '3' }, ['ratings']],
  ])('filters by %j', (q, names) => {
    expect(
      selectPolicies(items, query(q), about).items.map(p => p.name),
    ).toEqual(names);
  });

  it('keeps orphans of the cluster asked for', () => {
    const orphan = (cluster: string) => ({
      cluster,
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      namespace: 'bookinfo',
      name: 'old',
      policy: 'trafficpolicy.bookinfo.old',
    });
    const page = selectPolicies([], query({ cluster: 'cluster-1' }), {
      repositories: [],
      orphans: [orphan('cluster-1'), orphan('cluster-2')],
    });
    expect(page.orphans).toEqual([orphan('cluster-1')]);
  });
});

describe('the policies query', () => {
  it.each([
    [
      { state: 'broken' },
      /state: unknown state broken; give a comma list of rejected/,
    ],
    [{ state: ',' }, /state: empty/],
    [{ service: 'reviews' }, /service: "reviews" is not <namespace>\/<name>/],
    [{ service: 'book info/reviews' }, /is not <namespace>\/<name>/],
    [{ team: 'user:' }, /team: "user:" is not an entity ref/],
    [
      { cluster: 'Prod Cluster' },
      /cluster: cluster "Prod Cluster" is not a DNS-1123 label/,
    ],
    [{ cluster: '' }, /cluster: cluster is missing/],
    [{ limit: '0' }, /limit must be at least 1/],
    [{ limit: '5000' }, /limit must be at most 1000/],
    [{ limit: 'ten' }, /limit must be a whole number/],
    [{ owner: 'team-a' }, /unknown parameter\(s\) owner/],
  ])('refuses %j', (q, message) => {
    expect(() => query(q)).toThrow(message);
  });

  it('reads a policy path with the kind in any case', () => {
    expect(
      parseOrThrow(
        policyPathSchema,
        { kind: 'trafficpolicy', namespace: 'bookinfo', name: 'reviews' },
        'policy path',
      ),
    ).toEqual({
      kind: 'TrafficPolicy',
      namespace: 'bookinfo',
      name: 'reviews',
    });
    expect(() =>
      parseOrThrow(
        policyPathSchema,
        { kind: 'Route', namespace: 'Book Info', name: 'r' },
        'policy path',
      ),
    ).toThrow(
      /kind: "Route" is not a policy kind; give one of TrafficPolicy, AccessPolicy, VirtualDestination; namespace: namespace "Book Info" is not a DNS-1123 label/,
    );
  });
});
