/* eslint jest/expect-expect: ["warn", { "assertFunctionNames": ["expect", "expectSameRender"] }] */
import fc from 'fast-check';
import type { Fleet } from '@meshport/backstage-plugin-mesh-common';
import type { CompileOptions } from './compile';
import { createCompileMemo } from './compileMemo';
import { renderRepository, RenderResult } from './render';
import {
  linkerdFleet,
  multiNetworkFleet,
  multiPrimaryFleet,
} from './__fixtures__/fleets';
import {
  accessGrant,
  failover,
  seedPolicy,
  timeoutPolicy,
} from './__fixtures__/policies';
import type {
  AccessPolicy,
  Policy,
  TrafficPolicy,
  VirtualDestination,
} from './schema';
import { loadSchemaValidator, SchemaValidator } from './translate/schemaCheck';

let validateSchema: SchemaValidator;
beforeAll(async () => {
  validateSchema = await loadSchemaValidator();
});

/**
 * multiNetworkFleet plus `ratings` in cluster-2 and cluster-3, so that policies about two
 * services federate through the same east-west gateways, and a hand-written VirtualService
 * on productpage in cluster-1, so that routing it conflicts with existing config.
 */
function sharedGatewayFleet(): Fleet {
  const fleet = multiNetworkFleet();
  const reviews = fleet.services.find(s => s.name === 'reviews')!;
  const ratings = JSON.parse(
    JSON.stringify(reviews).replace(/reviews/g, 'ratings'),
  ) as typeof reviews;
  ratings.instances = ratings.instances.filter(i => i.cluster !== 'cluster-1');
  const productpage = fleet.services.find(s => s.name === 'productpage')!;
  productpage.instances[0].config = [
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      namespace: 'bookinfo',
      name: 'productpage-by-hand',
    },
  ];
  fleet.services.push(ratings);
  return fleet;
}

/**
 * multiPrimaryFleet with cluster-2 on a network of its own: a subset cluster-1 routes there
 * is written to cluster-2 too, an object two clients' plans contribute to.
 */
function twoNetworkPrimaryFleet(): Fleet {
  const fleet = multiPrimaryFleet();
  const c2 = fleet.clusters.find(c => c.name === 'cluster-2')!;
  c2.network = 'network2';
  c2.controlPlanes.forEach(cp => {
    cp.network = 'network2';
  });
  return fleet;
}

/** Equal piece by piece first, for a readable failure, then byte for byte as a whole. */
function expectSameRender(actual: RenderResult, expected: RenderResult) {
  expect(actual.errors).toEqual(expected.errors);
  expect(actual.warnings).toEqual(expected.warnings);
  expect(actual.conflicts).toEqual(expected.conflicts);
  expect(actual.ok).toBe(expected.ok);
  expect(Object.keys(actual.files)).toEqual(Object.keys(expected.files));
  for (const [path, text] of Object.entries(expected.files))
    expect(`${path}:\n${actual.files[path]}`).toBe(`${path}:\n${text}`);
  expect(JSON.stringify(actual)).toBe(JSON.stringify(expected));
}

function trafficTo(
  name: string,
  service: string,
  route: TrafficPolicy['spec']['route'],
): TrafficPolicy {
  return {
    apiVersion: 'meshport.dev/v1alpha1',
    kind: 'TrafficPolicy',
    metadata: { name, namespace: 'bookinfo' },
    spec: {
      sources: [{ cluster: 'cluster-1' }],
      destination: { service, namespace: 'bookinfo' },
      route,
    },
  };
}

function hostFor(
  name: string,
  hostname: string,
  service = 'reviews',
): VirtualDestination {
  const vd = failover();
  vd.metadata.name = name;
  vd.spec.hostname = hostname;
  vd.spec.destination.service = service;
  delete vd.spec.clusters;
  return vd;
}

function gatewayHosts(files: Record<string, string>, cluster: string) {
  const text =
    files[
      `rendered/${cluster}/istio-system/gateway-meshport-istio-eastwestgateway.yaml`
    ];
  return text
    ?.split('\n')
    .filter(l => /^\s+- \S+\.global$/.test(l))
    .map(l => l.trim().slice(2));
}

/** A memo used as the action uses one: every render of one repository goes through it. */
function warm(fleet: Fleet, options: CompileOptions = {}) {
  const memo = createCompileMemo();
  return {
    memo,
    render: (policies: Policy[]) =>
      renderRepository(policies, fleet, { ...options, memo }),
  };
}

describe('renderRepository with a memo', () => {
  it('renders what renderRepository renders, before and after edits', () => {
    const fleet = sharedGatewayFleet();
    const renderer = warm(fleet, { validateSchema });
    const steps: Policy[][] = [
      [seedPolicy(), accessGrant(), failover()],
      [seedPolicy(), accessGrant(), failover(), timeoutPolicy('slow', '10s')],
      [accessGrant(), failover(), timeoutPolicy('slow', '3s')],
      [],
      [failover()],
    ];
    for (const policies of steps) {
      expectSameRender(
        renderer.render(policies),
        renderRepository(policies, fleet, { validateSchema }),
      );
    }
  });

  it('recompiles only the destination one changed TrafficPolicy is about', () => {
    const fleet = sharedGatewayFleet();
    const ratings = trafficTo('ratings-shift', 'ratings', [
      { cluster: 'cluster-2', weight: 50 },
      { cluster: 'cluster-3', weight: 50 },
    ]);
    const before = [seedPolicy(), accessGrant(), failover(), ratings];
    const renderer = warm(fleet, { validateSchema });
    renderer.render(before);
    const changed = structuredClone(ratings);
    changed.spec.route![0].weight = 70;
    changed.spec.route![1].weight = 30;
    const after = [seedPolicy(), accessGrant(), failover(), changed];
    const result = renderer.render(after);
    expect(renderer.memo.stats).toEqual({
      recompiledUnits: 1,
      reverifiedPolicies: expect.any(Number),
      // the VirtualService and the federation objects in and for cluster-2 and cluster-3,
      // including the two east-west Gateways the other policies add hosts to as well
      recomputedObjects: expect.any(Number),
    });
    const full = renderRepository(after, fleet, { validateSchema });
    expect(renderer.memo.stats.recomputedObjects).toBeLessThan(
      Object.keys(full.files).length / 2,
    );
    expectSameRender(result, full);
  });

  it('re-merges the federation Gateway several policies add hosts to', () => {
    const fleet = sharedGatewayFleet();
    const reviews = trafficTo('reviews-shift', 'reviews', [
      { cluster: 'cluster-2', subset: { version: 'v3' }, weight: 100 },
    ]);
    const ratings = trafficTo('ratings-shift', 'ratings', [
      { cluster: 'cluster-2', weight: 100 },
    ]);
    const global = hostFor('reviews-global', 'reviews.global');
    const renderer = warm(fleet, { validateSchema });

    const all = renderer.render([reviews, ratings, global]);
    expectSameRender(
      all,
      renderRepository([reviews, ratings, global], fleet, { validateSchema }),
    );
    expect(gatewayHosts(all.files, 'cluster-2')).toEqual([
      'ratings.bookinfo.cluster-2.global',
      'reviews.bookinfo.cluster-2.global',
      'reviews.global',
    ]);

    const withoutRatings = renderer.render([reviews, global]);
    // the other two units are as they were: only the Gateways they share are merged again
    expect(renderer.memo.stats.recompiledUnits).toBe(0);
    expectSameRender(
      withoutRatings,
      renderRepository([reviews, global], fleet, { validateSchema }),
    );
    expect(gatewayHosts(withoutRatings.files, 'cluster-2')).toEqual([
      'reviews.bookinfo.cluster-2.global',
      'reviews.global',
    ]);

    const onlyRatings = renderer.render([ratings]);
    expectSameRender(
      onlyRatings,
      renderRepository([ratings], fleet, { validateSchema }),
    );
    expect(gatewayHosts(onlyRatings.files, 'cluster-2')).toEqual([
      'ratings.bookinfo.cluster-2.global',
    ]);

    const none = renderer.render([]);
    expect(gatewayHosts(none.files, 'cluster-2')).toBeUndefined();
    expectSameRender(none, renderRepository([], fleet, { validateSchema }));
  });

  it('hands a hostname over when the VirtualDestination owning it goes', () => {
    const fleet = sharedGatewayFleet();
    const first = hostFor('a-global', 'shared.global');
    const second = hostFor('b-global', 'shared.global', 'ratings');
    const renderer = warm(fleet, { validateSchema });
    const both = renderer.render([second, first]);
    expect(both.conflicts.map(c => c.kind)).toEqual(['hostname']);
    expectSameRender(
      both,
      renderRepository([second, first], fleet, { validateSchema }),
    );
    const handedOver = renderer.render([second]);
    expect(handedOver.conflicts).toEqual([]);
    expectSameRender(
      handedOver,
      renderRepository([second], fleet, { validateSchema }),
    );
    // and back: the earlier ref takes the hostname again
    expectSameRender(
      renderer.render([first, second]),
      renderRepository([first, second], fleet, { validateSchema }),
    );
  });

  it('builds an object two policies happen to name alike as compile does', () => {
    // `meshport-<namespace>-<name>` is the same for bookinfo-x/y and bookinfo/x-y: both
    // grants land on one AuthorizationPolicy object in cluster-1, the first in ref order wins.
    const fleet = sharedGatewayFleet();
    const one: AccessPolicy = {
      ...accessGrant(),
      metadata: { name: 'y', namespace: 'bookinfo-x' },
    };
    const other: AccessPolicy = {
      ...accessGrant(),
      metadata: { name: 'x-y', namespace: 'bookinfo' },
    };
    other.spec = {
      ...other.spec,
      destination: { service: 'productpage', namespace: 'bookinfo' },
      allow: { methods: ['POST'] },
    };
    const renderer = warm(fleet, { validateSchema });
    const both = renderRepository([one, other], fleet, { validateSchema });
    const collided =
      both.files[
        'rendered/cluster-1/bookinfo/authorizationpolicy-meshport-bookinfo-x-y.yaml'
      ];
    expect(collided).toContain(
      'accesspolicy.bookinfo-x.y,accesspolicy.bookinfo.x-y',
    );
    expectSameRender(renderer.render([one]), renderRepository([one], fleet));
    expectSameRender(renderer.render([one, other]), both);
    const changed = structuredClone(one);
    changed.spec.allow = { methods: ['PUT'] };
    expectSameRender(
      renderer.render([changed, other]),
      renderRepository([changed, other], fleet, { validateSchema }),
    );
    expectSameRender(
      renderer.render([other]),
      renderRepository([other], fleet, { validateSchema }),
    );
  });

  it('reports and skips a second policy of the same name, as compile does', () => {
    const fleet = multiNetworkFleet();
    const renderer = warm(fleet, { validateSchema });
    const twice = [timeoutPolicy('slow', '10s'), timeoutPolicy('slow', '2s')];
    const result = renderer.render(twice);
    expect(result.errors.map(e => e.path)).toEqual(['metadata.name']);
    expectSameRender(
      result,
      renderRepository(twice, fleet, { validateSchema }),
    );
    const once = [timeoutPolicy('slow', '2s')];
    expectSameRender(
      renderer.render(once),
      renderRepository(once, fleet, { validateSchema }),
    );
  });

  it('notices a policy edited in place since the last render', () => {
    const fleet = multiNetworkFleet();
    const renderer = warm(fleet, { validateSchema });
    const policies: Policy[] = [seedPolicy(), failover()];
    renderer.render(policies);
    (policies[0] as TrafficPolicy).spec.timeout = '4s';
    const result = renderer.render(policies);
    expect(renderer.memo.stats.recompiledUnits).toBe(1);
    expectSameRender(
      result,
      renderRepository(policies, fleet, { validateSchema }),
    );
  });

  it('keeps fleet warnings, and earlier results stay as they were', () => {
    const fleet = multiPrimaryFleet();
    fleet.clusters.push({ ...fleet.clusters[0], name: 'Not_A_Label' });
    const renderer = warm(fleet);
    const first = renderer.render([seedPolicy()]);
    const copy = JSON.stringify(first);
    const second = renderer.render([seedPolicy(), timeoutPolicy('t', '1s')]);
    expect(JSON.stringify(first)).toBe(copy);
    expectSameRender(first, renderRepository([seedPolicy()], fleet));
    expectSameRender(
      second,
      renderRepository([seedPolicy(), timeoutPolicy('t', '1s')], fleet),
    );
  });
});

interface Scenario {
  fleet: () => Fleet;
  namespace: string;
  /** Services, the first one most often. */
  services: string[];
  clusters: string[];
  /** Route and mirror targets, valid for some services and client clusters, not all. */
  targets: { cluster?: string; subset?: Record<string, string> }[];
  /** Callers with a known identity; empty where the fixture has none the grant can name. */
  serviceAccounts: string[];
  /** Linkerd has no outlier detection, mirrors, retries or method grants: rarely generated. */
  istio: boolean;
}

const SCENARIOS: [string, Scenario][] = [
  [
    'gateway federation',
    {
      fleet: sharedGatewayFleet,
      namespace: 'bookinfo',
      services: ['reviews', 'ratings', 'productpage'],
      clusters: ['cluster-1', 'cluster-2', 'cluster-3'],
      targets: [
        { cluster: 'cluster-2', subset: { version: 'v3' } },
        { cluster: 'cluster-2' },
        { cluster: 'cluster-3', subset: { version: 'v1' } },
        { cluster: 'cluster-1', subset: { version: 'v1' } },
        { cluster: 'cluster-1' },
        { subset: { version: 'v2' } },
      ],
      serviceAccounts: ['bookinfo-productpage', 'bookinfo-reviews'],
      istio: true,
    },
  ],
  [
    'multi-primary',
    {
      fleet: multiPrimaryFleet,
      namespace: 'bookinfo',
      services: ['reviews', 'productpage'],
      clusters: ['cluster-1', 'cluster-2'],
      targets: [
        { cluster: 'cluster-2', subset: { version: 'v3' } },
        { cluster: 'cluster-1', subset: { version: 'v1' } },
        { cluster: 'cluster-1' },
        { subset: { version: 'v2' } },
        {},
      ],
      serviceAccounts: ['bookinfo-productpage'],
      istio: true,
    },
  ],
  [
    'multi-primary on two networks',
    {
      fleet: twoNetworkPrimaryFleet,
      namespace: 'bookinfo',
      services: ['reviews', 'productpage'],
      clusters: ['cluster-1', 'cluster-2'],
      targets: [
        { cluster: 'cluster-2', subset: { version: 'v3' } },
        { cluster: 'cluster-1', subset: { version: 'v1' } },
        { cluster: 'cluster-2', subset: { version: 'v1' } },
        { subset: { version: 'v2' } },
        {},
      ],
      serviceAccounts: ['bookinfo-productpage'],
      istio: true,
    },
  ],
  [
    'linkerd',
    {
      fleet: linkerdFleet,
      namespace: 'shop',
      services: ['checkout', 'web'],
      clusters: ['east', 'west'],
      targets: [{ cluster: 'east' }, { cluster: 'west' }, {}],
      serviceAccounts: [],
      istio: false,
    },
  ],
];

/** Drops the keys `fc.option` left undefined, as a parsed policy has none. */
const plain = <T>(value: unknown): T => JSON.parse(JSON.stringify(value));

/**
 * Policies over a small vocabulary: few names, so that edits replace each other, policies of
 * one destination meet (merges and conflicts), and VirtualDestinations share hostnames.
 * Valid or not: errors must come out the same too.
 */
function arbitraryPolicy(s: Scenario): fc.Arbitrary<Policy> {
  /** `a` once in `1 + absent` draws, undefined otherwise. */
  const sometimes = <T>(a: fc.Arbitrary<T>, absent: number) =>
    fc.oneof(
      { weight: absent, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: a },
    );
  const maybe = <T>(a: fc.Arbitrary<T>) => sometimes(a, 1);
  const rare = <T>(a: fc.Arbitrary<T>) => sometimes(a, s.istio ? 2 : 15);
  const metadata = fc.record({
    name: fc.constantFrom('a', 'b', 'c'),
    namespace: fc.constantFrom(s.namespace, s.namespace, 'other'),
  });
  const service = fc.constantFrom(s.services[0], ...s.services);
  const cluster = fc.constantFrom(...s.clusters);
  const destination = fc.record({
    service,
    namespace: fc.constant(s.namespace),
  });
  const target = fc.constantFrom(...s.targets);
  const route = fc
    .uniqueArray(target, { minLength: 1, maxLength: 3 })
    .chain(targets =>
      fc
        .uniqueArray(fc.integer({ min: 0, max: 100 }), {
          minLength: targets.length - 1,
          maxLength: targets.length - 1,
        })
        .map(cuts => {
          const points = [0, ...cuts.sort((x, y) => x - y), 100];
          return targets.map((t, i) => ({
            ...t,
            weight: points[i + 1] - points[i],
          }));
        }),
    );
  const traffic = fc
    .record({
      metadata,
      sources: fc.constantFrom(
        undefined,
        [{ cluster: s.clusters[0] }],
        [{ cluster: s.clusters[1] }],
        [{ cluster: s.clusters[0] }, { cluster: s.clusters[1] }],
        ...(s.istio ? [[{ namespace: s.namespace }]] : []),
      ),
      destination,
      match: sometimes(fc.constant([{ path: { prefix: '/api' } }]), 2),
      route: maybe(route),
      timeout: maybe(fc.constantFrom('1s', '5s')),
      retries: rare(fc.constant({ attempts: 2 })),
      outlierDetection: rare(
        fc.record({ consecutive5xxErrors: fc.integer({ min: 1, max: 3 }) }),
      ),
      mirror: rare(target.map(t => ({ ...t, percent: 10 }))),
    })
    .map(
      ({ metadata: m, ...spec }): TrafficPolicy =>
        plain({
          apiVersion: 'meshport.dev/v1alpha1',
          kind: 'TrafficPolicy',
          metadata: m,
          spec,
        }),
    );
  const access = fc
    .record({
      metadata,
      sources: fc.array(
        fc.record({
          cluster,
          namespace: fc.constant(s.namespace),
          serviceAccount: s.serviceAccounts.length
            ? maybe(fc.constantFrom(...s.serviceAccounts))
            : fc.constant(undefined),
        }),
        { minLength: 1, maxLength: 2 },
      ),
      destination,
      allow: rare(fc.constant({ methods: ['GET' as const] })),
    })
    .map(
      ({ metadata: m, ...spec }): AccessPolicy =>
        plain({
          apiVersion: 'meshport.dev/v1alpha1',
          kind: 'AccessPolicy',
          metadata: m,
          spec,
        }),
    );
  const host = fc
    .record({
      metadata,
      hostname: fc.constantFrom('one.global', 'two.global'),
      destination: destination.map(d => ({ ...d, port: 9080 })),
      clusters: maybe(fc.uniqueArray(cluster, { minLength: 1, maxLength: 2 })),
      consecutive5xxErrors: fc.integer({ min: 1, max: 3 }),
    })
    .map(
      ({ metadata: m, consecutive5xxErrors, ...spec }): VirtualDestination =>
        plain({
          apiVersion: 'meshport.dev/v1alpha1',
          kind: 'VirtualDestination',
          metadata: m,
          spec: {
            ...spec,
            failover: { mode: 'locality' },
            outlierDetection: {
              consecutive5xxErrors,
              interval: '10s',
              baseEjectionTime: '30s',
            },
          },
        }),
    );
  return fc.oneof(
    { weight: 3, arbitrary: traffic as fc.Arbitrary<Policy> },
    { weight: 1, arbitrary: access as fc.Arbitrary<Policy> },
    // Istio only: on Linkerd every one is an error
    { weight: s.istio ? 2 : 1, arbitrary: host as fc.Arbitrary<Policy> },
  );
}

type Edit =
  | { op: 'put'; policy: Policy }
  | { op: 'remove'; at: number }
  | { op: 'duplicate'; at: number }
  | { op: 'touch'; at: number }
  | { op: 'reverse' };

function arbitraryEdit(s: Scenario): fc.Arbitrary<Edit> {
  const at = fc.nat({ max: 20 });
  return fc.oneof(
    {
      weight: 5,
      arbitrary: arbitraryPolicy(s).map(policy => ({
        op: 'put' as const,
        policy,
      })),
    },
    { weight: 2, arbitrary: at.map(i => ({ op: 'remove' as const, at: i })) },
    {
      weight: 1,
      arbitrary: at.map(i => ({ op: 'duplicate' as const, at: i })),
    },
    { weight: 1, arbitrary: at.map(i => ({ op: 'touch' as const, at: i })) },
    { weight: 1, arbitrary: fc.constant({ op: 'reverse' as const }) },
  );
}

/** Applies an edit to a list of private copies (fast-check's values are reused when it shrinks). */
function applyEdit(list: Policy[], edit: Edit): Policy[] {
  if (edit.op === 'put') {
    const policy = structuredClone(edit.policy);
    const same = (p: Policy) =>
      p.kind === policy.kind &&
      p.metadata.namespace === policy.metadata.namespace &&
      p.metadata.name === policy.metadata.name;
    const i = list.findIndex(same);
    return i < 0
      ? [...list, policy]
      : list.map((p, j) => (j === i ? policy : p));
  }
  if (edit.op === 'reverse') return [...list].reverse();
  if (list.length === 0) return list;
  const i = edit.at % list.length;
  if (edit.op === 'remove') return list.filter((_, j) => j !== i);
  if (edit.op === 'duplicate') {
    // Same name, other content: compile keeps the first, the policies/ file is the last.
    const copy = structuredClone(list[i]);
    touch(copy);
    return [...list, copy];
  }
  // In place, as an editor holding the objects might: the renderer must not trust identity.
  touch(list[i]);
  return list;
}

function touch(p: Policy) {
  if (p.kind === 'TrafficPolicy') {
    if (p.spec.timeout) delete p.spec.timeout;
    else p.spec.timeout = '9s';
  } else if (p.kind === 'VirtualDestination') {
    p.spec.outlierDetection.consecutive5xxErrors += 1;
  } else if (p.spec.allow) {
    delete p.spec.allow;
  } else {
    p.spec.allow = { paths: ['/x'] };
  }
}

describe('a render through a memo equals a render without one', () => {
  it.each(SCENARIOS)('after any sequence of edits (%s)', (_, scenario) => {
    let edited = 0;
    fc.assert(
      fc.property(
        fc.array(arbitraryEdit(scenario), { minLength: 4, maxLength: 10 }),
        edits => {
          const fleet = scenario.fleet();
          const renderer = warm(fleet, {
            validateSchema,
          });
          let list: Policy[] = [];
          for (const edit of edits) {
            list = applyEdit(list, edit);
            const warmed = renderer.render(list);
            const full = renderRepository(list, fleet, { validateSchema });
            expectSameRender(warmed, full);
            edited++;
          }
        },
      ),
      { numRuns: 60 },
    );
    expect(edited).toBeGreaterThanOrEqual(200);
  });
});

describe('a memo keyed by content', () => {
  const policies = () => [seedPolicy(), accessGrant(), failover()];

  it('compiles everything again for another fleet, and nothing for the same one rebuilt', () => {
    const renderer = warm(sharedGatewayFleet(), { validateSchema });
    renderer.render(policies());
    const again = warm(sharedGatewayFleet(), { validateSchema });
    // a fleet equal in content, assembled later: the mesh backend stamps every rebuild
    const rebuilt = {
      ...sharedGatewayFleet(),
      generatedAt: '2030-01-01T00:00:00Z',
    };
    const result = renderRepository(policies(), rebuilt, {
      validateSchema,
      memo: renderer.memo,
    });
    expect(renderer.memo.stats.recompiledUnits).toBe(0);
    expectSameRender(result, again.render(policies()));

    const other = twoNetworkPrimaryFleet();
    expectSameRender(
      renderRepository(policies(), other, {
        validateSchema,
        memo: renderer.memo,
      }),
      renderRepository(policies(), other, { validateSchema }),
    );
    expect(renderer.memo.stats.recompiledUnits).toBe(3);
  });

  /** The fleet, with a count of the reads of its top level: a comparison must read it. */
  function watched(fleet: Fleet) {
    const reads = { count: 0 };
    const proxy = new Proxy(fleet, {
      get(target, key, receiver) {
        reads.count++;
        return Reflect.get(target, key, receiver);
      },
      ownKeys(target) {
        reads.count++;
        return Reflect.ownKeys(target);
      },
    });
    return { fleet: proxy, reads };
  }

  it('knows the fleet of the last render by identity, without comparing it', () => {
    const memo = createCompileMemo();
    const { fleet, reads } = watched(sharedGatewayFleet());
    const first = renderRepository(policies(), fleet, { validateSchema, memo });
    reads.count = 0;
    const again = renderRepository(policies(), fleet, { validateSchema, memo });
    expect(reads.count).toBe(0);
    expect(memo.stats.recompiledUnits).toBe(0);
    expectSameRender(again, first);
  });

  it('compares an equal fleet in another object, and reuses what it compiled', () => {
    const memo = createCompileMemo();
    const first = renderRepository(policies(), sharedGatewayFleet(), {
      validateSchema,
      memo,
    });
    const { fleet, reads } = watched(sharedGatewayFleet());
    const again = renderRepository(policies(), fleet, { validateSchema, memo });
    expect(reads.count).toBeGreaterThan(0);
    expect(memo.stats.recompiledUnits).toBe(0);
    expectSameRender(again, first);
    // that object is now the one known by identity
    reads.count = 0;
    renderRepository(policies(), fleet, { validateSchema, memo });
    expect(reads.count).toBe(0);
  });

  it('compiles again for a changed fleet that shares most of its parts', () => {
    const fleet = sharedGatewayFleet();
    const memo = createCompileMemo();
    renderRepository(policies(), fleet, { validateSchema, memo });
    // how an immutable fleet changes: a new object, the unchanged parts shared
    const changed = {
      ...fleet,
      clusters: fleet.clusters.filter(c => c.name !== 'cluster-3'),
    };
    expectSameRender(
      renderRepository(policies(), changed, { validateSchema, memo }),
      renderRepository(policies(), changed, { validateSchema }),
    );
    expect(memo.stats.recompiledUnits).toBe(3);
    // and back to the first one, which is no longer the last: compared, and compiled again
    expectSameRender(
      renderRepository(policies(), fleet, { validateSchema, memo }),
      renderRepository(policies(), fleet, { validateSchema }),
    );
    expect(memo.stats.recompiledUnits).toBe(3);
  });

  it('compiles again when the options change', () => {
    const fleet = sharedGatewayFleet();
    const memo = createCompileMemo();
    renderRepository(policies(), fleet, { validateSchema, memo });
    const existingResources = {
      'cluster-1': [
        {
          apiVersion: 'networking.istio.io/v1',
          kind: 'VirtualService',
          metadata: { name: 'by-hand', namespace: 'bookinfo' },
          spec: { hosts: ['reviews.bookinfo.svc.cluster.local'] },
        },
      ],
    };
    expectSameRender(
      renderRepository(policies(), fleet, { memo, existingResources }),
      renderRepository(policies(), fleet, { existingResources }),
    );
    expect(memo.stats.recompiledUnits).toBe(3);
    expectSameRender(
      renderRepository(policies(), fleet, { memo, existingResources }),
      renderRepository(policies(), fleet, { existingResources }),
    );
    expect(memo.stats.recompiledUnits).toBe(0);
  });

  it('hands back the render of the same policies, fleet and options as it is', () => {
    const fleet = sharedGatewayFleet();
    const memo = createCompileMemo();
    const base = [seedPolicy(), accessGrant(), failover()];
    const first = renderRepository(base, fleet, { validateSchema, memo });
    const withRequest = renderRepository(
      [...base, timeoutPolicy('slow', '3s')],
      fleet,
      { validateSchema, memo },
    );
    // the scaffolder's next request renders the unchanged repository again, parsed anew
    const again = renderRepository(structuredClone(base), fleet, {
      validateSchema,
      memo,
    });
    expect(again).toBe(first);
    expect(withRequest).not.toBe(first);
    // another order, another fleet object with equal content, other options: not the same call
    const reordered = renderRepository([...base].reverse(), fleet, {
      validateSchema,
      memo,
    });
    expect(reordered).not.toBe(first);
    expectSameRender(reordered, first);
    const otherOptions = renderRepository(base, fleet, {
      validateSchema,
      memo,
      meshSettings: {},
    });
    expect(otherOptions).not.toBe(first);
    expectSameRender(
      renderRepository(base, structuredClone(fleet), { validateSchema, memo }),
      renderRepository(base, fleet, { validateSchema }),
    );
  });

  it('keeps no more than the last two renders used', () => {
    const renderer = warm(sharedGatewayFleet(), { validateSchema });
    renderer.render(policies());
    renderer.render([timeoutPolicy('slow', '3s')]);
    // alternating between two inputs (a repository with and without a request) keeps both
    renderer.render(policies());
    expect(renderer.memo.stats.recompiledUnits).toBe(0);
    renderer.render([timeoutPolicy('fast', '1s')]);
    renderer.render([timeoutPolicy('slower', '9s')]);
    // what neither of the last two renders used is gone: compiled again
    renderer.render(policies());
    expect(renderer.memo.stats.recompiledUnits).toBe(3);
    renderer.render(policies());
    expect(renderer.memo.stats).toEqual({
      recompiledUnits: 0,
      recomputedObjects: 0,
      reverifiedPolicies: 0,
    });
  });
});
