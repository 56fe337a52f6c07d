import { compile } from '../compile';
import { POLICIES_ANNOTATION } from '../constants';
import { Topology } from '../fleet/topology';
import { multiPrimaryFleet } from '../__fixtures__/fleets';
import { seedPolicy } from '../__fixtures__/policies';
import type {
  AccessPolicy,
  TrafficPolicy,
  VirtualDestination,
} from '../schema';
import { fleet, multiNetwork, obj, seedRouting } from './__fixtures__/meshes';
import { formatVerifiedSplit, summarizeVerification } from './format';
import type { ClusterObject } from './types';
import { verifyPolicies } from './verifyPolicies';

const REF = 'trafficpolicy.bookinfo.reviews-shift';
const REVIEWS = 'reviews.bookinfo.svc.cluster.local';

/** The seed's objects as a correct compiler would write them, route named after the policy. */
function seedObjects(onServing: boolean): Record<string, ClusterObject[]> {
  const [vs, dr] = seedRouting();
  const named = obj('VirtualService', 'bookinfo', 'reviews', {
    ...vs.spec,
    http: [{ ...(vs.spec!.http as object[])[0], name: REF }],
  });
  return {
    'cluster-1': [named, dr],
    ...(onServing ? { 'cluster-2': [dr] } : {}),
  };
}

const seed = seedPolicy;

describe('verifyPolicies: TrafficPolicy', () => {
  it('verifies the seed split 75/15/10 from cluster-1 when every leg reaches a ready endpoint', () => {
    const r = verifyPolicies(
      [seed()],
      new Topology(multiNetwork()),
      seedObjects(true),
    );
    expect(r.errors).toEqual([]);
    expect(r.verifications).toMatchObject([
      { policy: REF, status: 'verified' },
    ]);
    expect(formatVerifiedSplit(r.verifications[0].traces)).toEqual([
      `cluster-1: 75 % v3@cluster-2 (east-west gw 198.51.100.2, SNI outbound_.9080_.c2-v3_.${REVIEWS}) · 15 % v1@cluster-1 (local) · 10 % v2@cluster-1 (local)`,
    ]);
  });

  it('refuses it, naming policy, cluster, leg and reason, when the serving cluster lacks the subset', () => {
    const r = verifyPolicies(
      [seed()],
      new Topology(multiNetwork()),
      seedObjects(false),
    );
    expect(r.verifications[0].status).toBe('refused');
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({ policy: REF, path: 'spec.route.0' });
    expect(r.errors[0].message).toMatch(
      /^verification: from cluster-1 \(bookinfo\/bookinfo-productpage\) to reviews\.bookinfo:9080\/: leg 75 % v3@cluster-2 \(east-west gw 198\.51\.100\.2, SNI outbound_\.9080_\.c2-v3_\.reviews\.bookinfo\.svc\.cluster\.local\): east-west gateway istio-system\/istio-eastwestgateway .* has no filter chain/,
    );
  });

  it('refuses a split that is not the one asked for', () => {
    const objects = seedObjects(true);
    const http = (
      objects['cluster-1'][0].spec!.http as { route: { weight: number }[] }[]
    )[0];
    http.route[0].weight = 70;
    http.route[1].weight = 20;
    const r = verifyPolicies([seed()], new Topology(multiNetwork()), objects);
    expect(
      r.errors.map(e => [e.path, e.message.replace(/^.*: (\S+ % of)/, '$1')]),
    ).toEqual([
      [
        'spec.route.0',
        '70.00 % of requests reach this target, 75 % were asked for',
      ],
      [
        'spec.route.1',
        '20.00 % of requests reach this target, 15 % were asked for',
      ],
    ]);
  });

  it('refuses a policy whose request is taken by another route first', () => {
    const narrow: TrafficPolicy = {
      ...seed(),
      metadata: { name: 'beta', namespace: 'bookinfo' },
      spec: {
        sources: [{ cluster: 'cluster-1' }],
        destination: { service: 'reviews', namespace: 'bookinfo' },
        match: [{ path: { prefix: '/reviews/beta' } }],
        timeout: '2s',
      },
    };
    const vs = obj('VirtualService', 'bookinfo', 'reviews', {
      hosts: [REVIEWS],
      http: [
        {
          name: 'trafficpolicy.bookinfo.base',
          match: [{ uri: { prefix: '/reviews' } }],
          route: [{ destination: { host: REVIEWS } }],
        },
        {
          name: 'trafficpolicy.bookinfo.beta',
          match: [{ uri: { prefix: '/reviews/beta' } }],
          route: [{ destination: { host: REVIEWS } }],
        },
      ],
    });
    const f = multiNetwork();
    f.clusters[1].network = 'network-1';
    f.clusters[1].controlPlanes[0].network = 'network-1';
    const r = verifyPolicies([narrow], new Topology(f), { 'cluster-1': [vs] });
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0].message).toMatch(
      /takes route "trafficpolicy\.bookinfo\.base" of VirtualService bookinfo\/reviews, not this policy's route \(Istio takes the first route that matches\)/,
    );
  });

  it('skips policies that failed to compile or conflict', () => {
    const r = verifyPolicies(
      [seed()],
      new Topology(multiNetwork()),
      {},
      { skip: new Set([REF]) },
    );
    expect(r.verifications).toEqual([]);
  });
});

describe('verifyPolicies: AccessPolicy', () => {
  const orders = (mode: 'ambient' | 'sidecar', td = 'cluster.local') =>
    fleet(
      [
        { name: 'cluster-1', network: 'network-1', region: 'us-east-1' },
        {
          name: 'cluster-2',
          network: 'network-2',
          region: 'us-west-2',
          trustDomain: td,
          gateway: '198.51.100.2',
        },
      ],
      [
        {
          namespace: 'orders',
          name: 'orders',
          instances: [
            { cluster: 'cluster-2', versions: ['v1'], mode, trustDomain: td },
          ],
        },
        {
          namespace: 'shop',
          name: 'web',
          instances: [{ cluster: 'cluster-1', versions: ['v1'] }],
        },
      ],
      [
        { from: 'cluster-1', to: 'cluster-2', via: 'gateway-federation' },
        { from: 'cluster-2', to: 'cluster-1', via: 'gateway-federation' },
      ],
    );
  const grant = (allow?: AccessPolicy['spec']['allow']): AccessPolicy => ({
    apiVersion: 'meshport.dev/v1alpha1',
    kind: 'AccessPolicy',
    metadata: { name: 'web-reads-orders', namespace: 'orders' },
    spec: {
      sources: [
        { cluster: 'cluster-1', namespace: 'shop', serviceAccount: 'web' },
      ],
      destination: { service: 'orders', namespace: 'orders', port: 9080 },
      allow,
    },
  });
  const rendered = (
    rule: Record<string, unknown>,
    principals = ['cluster.local/ns/shop/sa/web'],
  ) => {
    const o = obj(
      'AuthorizationPolicy',
      'orders',
      'meshport-orders-web-reads-orders',
      {
        action: 'ALLOW',
        selector: { matchLabels: { app: 'orders' } },
        rules: [{ from: [{ source: { principals } }], ...rule }],
      },
    );
    (o.metadata as Record<string, unknown>).annotations = {
      [POLICIES_ANNOTATION]: 'accesspolicy.orders.web-reads-orders',
    };
    return { 'cluster-2': [o] };
  };

  it('refuses an L7 grant to an ambient workload without a waypoint: ztunnel denies everyone', () => {
    const r = verifyPolicies(
      [grant({ methods: ['GET'], paths: ['/orders/*'] })],
      new Topology(orders('ambient')),
      rendered({
        to: [{ operation: { methods: ['GET'], paths: ['/orders/*'] } }],
      }),
    );
    expect(r.verifications[0].status).toBe('refused');
    expect(r.errors[0].message).toMatch(
      /cluster-1\/shop\/web → orders\.orders on cluster-2 \(ambient\): the grant does not admit it: ztunnel: .*never match \("fail safe"\)/,
    );
  });

  it('verifies the L4 grant at ztunnel and the L7 grant at a sidecar', () => {
    expect(
      verifyPolicies([grant()], new Topology(orders('ambient')), rendered({}))
        .errors,
    ).toEqual([]);
    expect(
      verifyPolicies(
        [grant({ methods: ['GET'], paths: ['/orders/*'] })],
        new Topology(orders('sidecar')),
        rendered({
          to: [{ operation: { methods: ['GET'], paths: ['/orders/*'] } }],
        }),
      ).errors,
    ).toEqual([]);
  });

  it('refuses a grant across trust domains the server does not accept, naming the mesh config', () => {
    const r = verifyPolicies(
      [grant()],
      new Topology(orders('sidecar', 'mesh2.meshport.dev')),
      rendered({}, ['cluster.local/ns/shop/sa/web']),
    );
    expect(r.errors[0].message).toMatch(
      /add cluster\.local to meshConfig\.trustDomainAliases/,
    );
    const aliased = verifyPolicies(
      [grant()],
      new Topology(orders('sidecar', 'mesh2.meshport.dev')),
      rendered({}, ['cluster.local/ns/shop/sa/web']),
      {
        meshSettings: {
          'cluster-2': { trustDomainAliases: ['cluster.local'] },
        },
      },
    );
    expect(aliased.errors).toEqual([]);
  });

  it('refuses a rendered policy that admits callers the grant does not name', () => {
    const r = verifyPolicies(
      [grant()],
      new Topology(orders('sidecar')),
      rendered({}, ['cluster.local/ns/shop/sa/*']),
    );
    expect(r.errors[0].message).toMatch(
      /also admits cluster\.local\/ns\/shop\/sa\/meshport-not-granted/,
    );
  });

  it('does not probe a neighbour another source names: a whole namespace admits its service accounts', () => {
    const p = grant();
    p.spec.sources.push({ cluster: 'cluster-1', namespace: 'shop' });
    const both = ['cluster.local/ns/shop/sa/web', 'cluster.local/ns/shop/sa/*'];
    expect(
      verifyPolicies([p], new Topology(orders('sidecar')), rendered({}, both))
        .errors,
    ).toEqual([]);
    // The namespace row still probes beyond the namespace.
    const r = verifyPolicies(
      [p],
      new Topology(orders('sidecar')),
      rendered({}, [...both, 'cluster.local/ns/*']),
    );
    expect(r.errors.map(e => e.message)).toEqual([
      expect.stringMatching(
        /also admits cluster\.local\/ns\/meshport-not-granted\/sa\/default/,
      ),
    ]);
  });
});

describe('verifyPolicies: VirtualDestination', () => {
  const vd = (to: string): VirtualDestination => ({
    apiVersion: 'meshport.dev/v1alpha1',
    kind: 'VirtualDestination',
    metadata: { name: 'reviews-global', namespace: 'bookinfo' },
    spec: {
      hostname: 'reviews.global',
      destination: { service: 'reviews', namespace: 'bookinfo', port: 9080 },
      failover: { mode: 'locality', regions: [{ from: 'us-east-1', to }] },
      outlierDetection: {
        consecutive5xxErrors: 5,
        interval: '10s',
        baseEjectionTime: '30s',
      },
    },
  });
  // On one network: the global host's endpoints are the two clusters' services by DNS name.
  const f = multiNetwork();
  f.clusters[1].network = 'network-1';
  f.clusters[1].controlPlanes[0].network = 'network-1';
  const entry = obj('ServiceEntry', 'bookinfo', 'reviews-global', {
    hosts: ['reviews.global'],
    location: 'MESH_INTERNAL',
    resolution: 'DNS',
    ports: [{ name: 'http', number: 9080, protocol: 'HTTP' }],
    endpoints: [
      {
        address: REVIEWS,
        locality: 'us-east-1/us-east-1a',
        ports: { http: 9080 },
      },
    ],
  });
  (entry.metadata as Record<string, unknown>).annotations = {
    [POLICIES_ANNOTATION]: 'virtualdestination.bookinfo.reviews-global',
  };

  it('refuses a failover to a region where nothing serves the host', () => {
    const r = verifyPolicies([vd('us-west-2')], new Topology(f), {
      'cluster-1': [entry],
    });
    expect(r.errors[0]).toMatchObject({ path: 'spec.failover.regions.0' });
    expect(r.errors[0].message).toMatch(
      /failover us-east-1 → us-west-2 has nowhere to go/,
    );
  });

  it('verifies a failover whose target region serves the host', () => {
    const r = verifyPolicies([vd('us-east-1')], new Topology(f), {
      'cluster-1': [entry],
    });
    expect(r.errors).toEqual([]);
    expect(r.verifications[0].status).toBe('verified');
  });
});

describe('compile runs the verifier', () => {
  it('carries the verification of each policy in the result', () => {
    const result = compile([seedPolicy()], multiPrimaryFleet());
    expect(result.verification).toMatchObject([{ policy: REF }]);
    expect(['verified', 'refused']).toContain(result.verification[0].status);
    expect(result.ok).toBe(result.verification[0].status === 'verified');
  });

  it('does not verify a policy that failed to compile', () => {
    const broken = seedPolicy();
    broken.spec.destination.service = 'nope';
    const result = compile([broken], multiPrimaryFleet());
    expect(result.ok).toBe(false);
    expect(result.verification).toEqual([]);
  });

  it('needs no fleet beyond what it is given', () => {
    expect(compile([], fleet([], [])).verification).toEqual([]);
  });
});

describe('summarizeVerification', () => {
  it('gives the verified split per source cluster for a pull request body', () => {
    const r = verifyPolicies(
      [seedPolicy()],
      new Topology(multiNetwork()),
      seedObjects(true),
    );
    expect(summarizeVerification(r.verifications)).toEqual([
      `${REF} — cluster-1: 75 % v3@cluster-2 (east-west gw 198.51.100.2, SNI outbound_.9080_.c2-v3_.${REVIEWS}) · 15 % v1@cluster-1 (local) · 10 % v2@cluster-1 (local)`,
    ]);
    const refused = verifyPolicies(
      [seedPolicy()],
      new Topology(multiNetwork()),
      seedObjects(false),
    );
    expect(summarizeVerification(refused.verifications)[0]).toMatch(
      /^trafficpolicy\.bookinfo\.reviews-shift \(refused\) — cluster-1: 75 % v3@cluster-2 .* FAILS · 15 %/,
    );

    // A caller the serving side denies (403) is not a failing leg: Istio routes the split the
    // same way, and the policy is accepted, so the body must not say FAILS either.
    const ap = obj('AuthorizationPolicy', 'bookinfo', 'only-ratings', {
      action: 'ALLOW',
      selector: { matchLabels: { app: 'reviews' } },
      rules: [
        {
          from: [
            {
              source: { principals: ['cluster.local/ns/bookinfo/sa/ratings'] },
            },
          ],
        },
      ],
    });
    const objects = seedObjects(true);
    objects['cluster-1'].push(ap);
    objects['cluster-2'].push(ap);
    const denied = verifyPolicies(
      [seedPolicy()],
      new Topology(multiNetwork()),
      objects,
    );
    expect(denied.errors).toEqual([]);
    expect(
      denied.verifications[0].traces[0].trace.legs.map(l => l.failureKind),
    ).toEqual(['authz', 'authz', 'authz']);
    expect(summarizeVerification(denied.verifications)).toEqual([
      `${REF} — cluster-1: 75 % v3@cluster-2 (east-west gw 198.51.100.2, SNI outbound_.9080_.c2-v3_.${REVIEWS}) · 15 % v1@cluster-1 (local) · 10 % v2@cluster-1 (local)`,
    ]);
  });
});
