import fc from 'fast-check';
import type { Fleet } from '@meshport/backstage-plugin-mesh-common';
import { renderRepository } from './render';
import { compile } from './compile';
import { multiNetworkFleet, multiPrimaryFleet } from './__fixtures__/fleets';
import {
  accessGrant,
  failover,
  seedPolicy,
  timeoutPolicy,
} from './__fixtures__/policies';
import type { Policy, TrafficPolicy } from './schema';

function shuffledFleet(fleet: Fleet, perm: (n: number) => number[]): Fleet {
  const shuffle = <T>(list: T[]) => perm(list.length).map(i => list[i]);
  return {
    ...fleet,
    clusters: shuffle(fleet.clusters),
    links: shuffle(fleet.links),
    services: shuffle(fleet.services).map(s => ({
      ...s,
      instances: shuffle(s.instances),
    })),
  };
}

const permutation = fc
  .func(fc.integer())
  .map(
    f => (n: number) =>
      Array.from({ length: n }, (_, i) => i).sort(
        (a, b) => f(a) - f(b) || a - b,
      ),
  );

describe('determinism', () => {
  const policies: Policy[] = [
    seedPolicy(),
    accessGrant(),
    failover(),
    timeoutPolicy('slow', '10s'),
  ];

  it.each([
    ['multi-primary', multiPrimaryFleet],
    ['multi-network', multiNetworkFleet],
  ])('renders identical bytes whatever the input order (%s)', (_, fleet) => {
    const reference = renderRepository(policies, fleet());
    fc.assert(
      fc.property(permutation, perm => {
        const again = renderRepository(
          perm(policies.length).map(i => policies[i]),
          shuffledFleet(fleet(), perm),
        );
        expect(again.files).toEqual(reference.files);
        expect(JSON.stringify(again)).toBe(JSON.stringify(reference));
      }),
      { numRuns: 30 },
    );
  });
});

describe('weight preservation', () => {
  const targets = [
    { cluster: 'cluster-2', subset: { version: 'v3' } },
    { cluster: 'cluster-1', subset: { version: 'v1' } },
    { cluster: 'cluster-1', subset: { version: 'v2' } },
    { cluster: 'cluster-1' },
  ];
  // Cut points in [0, 100] give weights that always add up to 100.
  const weights = fc
    .uniqueArray(fc.integer({ min: 0, max: 100 }), {
      minLength: 1,
      maxLength: targets.length - 1,
    })
    .map(cuts => {
      const points = [0, ...cuts.sort((a, b) => a - b), 100];
      return points.slice(1).map((p, i) => p - points[i]);
    });

  it.each([
    ['multi-primary', multiPrimaryFleet],
    ['multi-network', multiNetworkFleet],
  ])('keeps every weight, in order (%s)', (_, fleet) => {
    fc.assert(
      fc.property(weights, ws => {
        const p: TrafficPolicy = seedPolicy();
        p.spec.route = ws.map((weight, i) => ({ ...targets[i], weight }));
        const result = compile([p], fleet());
        expect(result.errors).toEqual([]);
        const vs = result.resources['cluster-1'].find(
          r => r.kind === 'VirtualService',
        )!;
        const route = (vs.spec.http as { route: { weight: number }[] }[])[0]
          .route;
        expect(route.map(r => r.weight)).toEqual(ws);
        expect(route.reduce((s, r) => s + r.weight, 0)).toBe(100);
      }),
      { numRuns: 50 },
    );
  });
});
