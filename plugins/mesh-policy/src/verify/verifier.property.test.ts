import fc from 'fast-check';
import type { Fleet } from '@meshport/backstage-plugin-mesh-common';
import { compile } from '../compile';
import { createCompileMemo } from '../compileMemo';
import { renderRepository } from '../render';
import type {
  AccessPolicy,
  Policy,
  TrafficPolicy,
  VirtualDestination,
} from '../schema';
import { policyRef } from '../schema/policy';
import {
  both,
  ClusterSpec,
  fleet,
  ROOT_A,
  ROOT_B,
} from './__fixtures__/meshes';
import { summarizeVerification } from './format';
import { legFails } from './legFailure';

/**
 * Generated fleets over the topologies Meshport supports and generated policy sets: whatever
 * the mix, a compile either verifies every policy or refuses the ones that fail with a reason,
 * and a verified TrafficPolicy splits exactly 100 % with no leg reset or unrouted.
 */

type TopologyKind =
  | 'one-network'
  | 'multi-network'
  | 'federation-one-root'
  | 'federation-two-roots'
  | 'ambient'
  | 'ambient-waypoint'
  | 'linkerd';

const KINDS: TopologyKind[] = [
  'one-network',
  'multi-network',
  'federation-one-root',
  'federation-two-roots',
  'ambient',
  'ambient-waypoint',
  'linkerd',
];

const CLUSTERS = ['cluster-1', 'cluster-2', 'cluster-3'];
const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1'];

function buildFleet(kind: TopologyKind, size: number, sameTd: boolean): Fleet {
  const names = CLUSTERS.slice(0, size);
  const specs: ClusterSpec[] = names.map((name, i) => {
    const shared = kind === 'one-network' || kind.startsWith('ambient');
    const federated = kind.startsWith('federation');
    return {
      name,
      network: shared ? 'network-1' : `network-${i + 1}`,
      region: REGIONS[i],
      kind: kind === 'linkerd' ? 'linkerd' : 'istio',
      gateway: kind === 'linkerd' ? undefined : `198.51.100.${i + 1}`,
      reads:
        federated || kind === 'linkerd' ? [] : names.filter(n => n !== name),
      trustDomain: sameTd ? 'cluster.local' : `${name}.example`,
      root: kind === 'federation-two-roots' && i > 0 ? ROOT_B : ROOT_A,
      trustedRoots:
        kind === 'federation-two-roots' ? [ROOT_A, ROOT_B] : undefined,
    };
  });
  let via: Fleet['links'][number]['via'] = 'shared-endpoint-discovery';
  if (kind === 'linkerd') via = 'linkerd-multicluster';
  if (kind.startsWith('federation')) via = 'gateway-federation';
  const links = names.flatMap((a, i) =>
    names.slice(i + 1).flatMap(b => both(a, b, via)),
  );
  let mode: 'sidecar' | 'ambient' | 'linkerd' = 'sidecar';
  if (kind === 'linkerd') mode = 'linkerd';
  if (kind.startsWith('ambient')) mode = 'ambient';
  const td = (c: string) => (sameTd ? 'cluster.local' : `${c}.example`);
  return fleet(
    specs,
    [
      {
        namespace: 'bookinfo',
        name: 'reviews',
        instances: names.map((c, i) => ({
          cluster: c,
          versions: i === 0 ? ['v1', 'v2'] : ['v3'],
          mode,
          trustDomain: td(c),
          waypoint: kind === 'ambient-waypoint' ? 'waypoint' : undefined,
        })),
      },
      {
        namespace: 'bookinfo',
        name: 'productpage',
        instances: [
          {
            cluster: names[0],
            versions: ['v1'],
            mode,
            trustDomain: td(names[0]),
            serviceAccount: 'bookinfo-productpage',
          },
        ],
      },
    ],
    links,
  );
}

const meta = (kind: string, i: number) => ({
  name: `${kind}-${i}`,
  namespace: 'bookinfo',
});

function trafficPolicy(i: number, size: number): fc.Arbitrary<TrafficPolicy> {
  const target = fc.record({
    cluster: fc.option(fc.constantFrom(...CLUSTERS.slice(0, size)), {
      nil: undefined,
    }),
    subset: fc.option(
      fc.constantFrom({ version: 'v1' }, { version: 'v2' }, { version: 'v3' }),
      { nil: undefined },
    ),
  });
  const route = fc
    .array(target, { minLength: 1, maxLength: 3 })
    .chain(targets =>
      fc
        .array(fc.integer({ min: 1, max: 10 }), {
          minLength: targets.length,
          maxLength: targets.length,
        })
        .map(raw => {
          const sum = raw.reduce((a, b) => a + b, 0);
          const weights = raw.map(r => Math.floor((r * 100) / sum));
          weights[0] += 100 - weights.reduce((a, b) => a + b, 0);
          return targets.map((t, k) => ({
            ...(t.cluster ? { cluster: t.cluster } : {}),
            ...(t.subset ? { subset: t.subset } : {}),
            weight: weights[k],
          }));
        }),
    );
  return fc
    .record({
      source: fc.option(fc.constantFrom(...CLUSTERS.slice(0, size)), {
        nil: undefined,
      }),
      route: fc.option(route, { nil: undefined }),
      path: fc.option(fc.constantFrom('/reviews', '/reviews/beta', '/api'), {
        nil: undefined,
      }),
      timeout: fc.option(fc.constantFrom('2s', '5s'), { nil: undefined }),
    })
    .map(r => ({
      apiVersion: 'meshport.dev/v1alpha1' as const,
      kind: 'TrafficPolicy' as const,
      metadata: meta('traffic', i),
      spec: {
        ...(r.source ? { sources: [{ cluster: r.source }] } : {}),
        destination: { service: 'reviews', namespace: 'bookinfo' },
        ...(r.path ? { match: [{ path: { prefix: r.path } }] } : {}),
        ...(r.route ? { route: r.route } : {}),
        ...(r.timeout || !r.route ? { timeout: r.timeout ?? '1s' } : {}),
      },
    }));
}

function accessPolicy(i: number, size: number): fc.Arbitrary<AccessPolicy> {
  return fc
    .record({
      cluster: fc.constantFrom(...CLUSTERS.slice(0, size)),
      l7: fc.boolean(),
    })
    .map(r => ({
      apiVersion: 'meshport.dev/v1alpha1' as const,
      kind: 'AccessPolicy' as const,
      metadata: meta('access', i),
      spec: {
        sources: [
          {
            cluster: r.cluster,
            namespace: 'bookinfo',
            serviceAccount: 'bookinfo-productpage',
          },
        ],
        destination: { service: 'reviews', namespace: 'bookinfo', port: 9080 },
        ...(r.l7
          ? { allow: { methods: ['GET' as const], paths: ['/reviews/*'] } }
          : {}),
      },
    }));
}

function virtualDestination(
  i: number,
  size: number,
): fc.Arbitrary<VirtualDestination> {
  const region = fc.constantFrom(...REGIONS.slice(0, size));
  return fc
    .array(fc.record({ from: region, to: region }), { maxLength: 2 })
    .map(regions => ({
      apiVersion: 'meshport.dev/v1alpha1' as const,
      kind: 'VirtualDestination' as const,
      metadata: meta('global', i),
      spec: {
        hostname: `reviews-${i}.global`,
        destination: { service: 'reviews', namespace: 'bookinfo', port: 9080 },
        failover: { mode: 'locality' as const, regions },
        outlierDetection: {
          consecutive5xxErrors: 5,
          interval: '10s',
          baseEjectionTime: '30s',
        },
      },
    }));
}

const scenario = fc
  .record({
    kind: fc.constantFrom(...KINDS),
    size: fc.integer({ min: 2, max: 3 }),
    sameTd: fc.boolean(),
  })
  .chain(t =>
    fc
      .array(fc.constantFrom('traffic', 'access', 'global'), {
        minLength: 1,
        maxLength: 4,
      })
      .chain(kinds =>
        fc.tuple(
          ...kinds.map((k, i): fc.Arbitrary<Policy> => {
            if (k === 'traffic') return trafficPolicy(i, t.size);
            if (k === 'access') return accessPolicy(i, t.size);
            return virtualDestination(i, t.size);
          }),
        ),
      )
      .map(policies => ({ ...t, policies })),
  );

describe('property: every compile verifies or refuses with a reason', () => {
  it('holds over generated fleets and policy sets', () => {
    let cases = 0;
    const statuses: Record<string, number> = {};
    fc.assert(
      fc.property(scenario, ({ kind, size, sameTd, policies }) => {
        cases++;
        const result = compile(policies, buildFleet(kind, size, sameTd));
        expect(result.ok).toBe(
          result.errors.length === 0 && result.conflicts.length === 0,
        );
        for (const e of result.errors)
          expect(e.message.length).toBeGreaterThan(10);
        for (const e of result.errors.filter(x =>
          x.message.startsWith('verification: '),
        ))
          expect(e.policy).toBeTruthy();
        const verified = new Map(result.verification.map(v => [v.policy, v]));
        for (const p of policies) {
          const ref = policyRef(p);
          const v = verified.get(ref);
          statuses[v?.status ?? 'not compiled'] =
            (statuses[v?.status ?? 'not compiled'] ?? 0) + 1;
          const reasons = [
            ...result.errors.filter(e =>
              (e.policy ?? '').split(',').includes(ref),
            ),
            ...result.conflicts.filter(c => c.policies.includes(ref)),
          ];
          // Not verified means refused, and a refusal always names its reason.
          expect(
            v?.status === 'refused' || !v ? reasons.length : 1,
          ).toBeGreaterThan(0);
        }
        const splits = result.verification
          .filter(
            v =>
              v.status === 'verified' && v.policy.startsWith('trafficpolicy.'),
          )
          .flatMap(v => v.traces);
        for (const { trace } of splits) {
          const total = trace.legs.reduce((n, l) => n + l.share, 0);
          expect(Math.abs(total - 100)).toBeLessThan(0.01);
          expect(trace.legs.filter(legFails)).toEqual([]);
        }
        // The pull request's split and the refusal agree: an accepted policy shows no FAILS.
        expect(
          summarizeVerification(
            result.verification.filter(v => v.status === 'verified'),
          ).filter(line => line.includes('FAILS')),
        ).toEqual([]);
      }),
      { numRuns: 1000 },
    );
    // eslint-disable-next-line no-console
    console.log(
      `verifier property: ${cases} generated compiles (${Object.entries(
        statuses,
      )
        .map(([s, n]) => `${n} ${s}`)
        .join(', ')})`,
    );
    expect(cases).toBeGreaterThanOrEqual(1000);
  });
});

describe('property: a render through a memo verifies as a full render does', () => {
  it('gives the same verification after policies are removed and added back', () => {
    let cases = 0;
    fc.assert(
      fc.property(scenario, scenario, (a, b) => {
        cases++;
        const f = buildFleet(a.kind, a.size, a.sameTd);
        const memo = createCompileMemo();
        const mixed = [...a.policies, ...b.policies.slice(1)];
        for (const step of [
          a.policies,
          mixed,
          a.policies.slice(1),
          a.policies,
        ]) {
          expect(JSON.stringify(renderRepository(step, f, { memo }))).toBe(
            JSON.stringify(renderRepository(step, f)),
          );
        }
      }),
      { numRuns: 150 },
    );
    expect(cases).toBe(150);
  });
});
