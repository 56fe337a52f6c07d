import type {
  ServiceDependencies,
  ServiceDependency,
} from '@meshport/backstage-plugin-mesh-common';
import {
  nextDependencies,
  pairKey,
  presentDependencies,
} from './trafficDependencies';

const dep = (
  from: string,
  to: string,
  requestsPerSecond: number,
  clusters: [string, string] = ['east', 'east'],
): ServiceDependency => ({
  from: { namespace: 'shop', name: from },
  to: { namespace: 'shop', name: to },
  requestsPerSecond,
  connectionsPerSecond: 0,
  clusterPairs: [{ from: clusters[0], to: clusters[1] }],
});

const answer = (
  dependencies: ServiceDependency[],
  states: Record<string, 'ok' | 'partial' | 'unavailable'> = {
    east: 'ok',
    west: 'ok',
  },
): ServiceDependencies => ({
  window: '1h',
  windowSeconds: 3600,
  evaluatedAt: '2026-01-01T00:00:00Z',
  source: 'test',
  dependencies,
  clusters: Object.entries(states).map(([cluster, state]) => ({
    cluster,
    state,
    source: 'test',
  })),
  partial: Object.values(states).some(s => s !== 'ok'),
});

const key = (from: string, to: string) => pairKey(`shop/${from}`, `shop/${to}`);
const options = { minRequestsPerSecond: 0.1 };

describe('nextDependencies', () => {
  it('adds a pair at the minimum rate, not below it', () => {
    const next = nextDependencies(
      new Set(),
      answer([dep('web', 'cart', 0.1), dep('web', 'search', 0.05)]),
      options,
    );
    expect([...next]).toEqual([key('web', 'cart')]);
  });

  it('keeps a relation while any of its traffic is seen (no flapping near the minimum)', () => {
    const next = nextDependencies(
      new Set([key('web', 'search')]),
      answer([dep('web', 'search', 0.01)]),
      options,
    );
    expect([...next]).toEqual([key('web', 'search')]);
  });

  it('drops a relation when a complete answer shows no traffic for it in the window', () => {
    expect([
      ...nextDependencies(new Set([key('web', 'cart')]), answer([]), options),
    ]).toEqual([]);
  });

  it('derives nothing from a cluster whose metrics are not ok, and drops nothing while one is down', () => {
    const next = nextDependencies(
      new Set([key('web', 'cart')]),
      answer([dep('web', 'search', 5, ['east', 'west'])], {
        east: 'ok',
        west: 'unavailable',
      }),
      options,
    );
    expect([...next]).toEqual([key('web', 'cart')]);
  });

  it('keeps everything without an answer or a source', () => {
    const present = new Set([key('web', 'cart')]);
    expect([...nextDependencies(present, undefined, options)]).toEqual([
      key('web', 'cart'),
    ]);
    expect([
      ...nextDependencies(present, { ...answer([]), source: 'none' }, options),
    ]).toEqual([key('web', 'cart')]);
  });

  it('ignores a service calling itself and pairs with no traffic', () => {
    expect([
      ...nextDependencies(
        new Set(),
        answer([dep('web', 'web', 9), dep('web', 'cart', 0)]),
        options,
      ),
    ]).toEqual([]);
  });
});

describe('presentDependencies', () => {
  const component = (name: string, service: string, spec: object = {}) => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: { 'meshport.dev/service': service },
    },
    spec: { type: 'service', owner: 'group:default/a', ...spec },
  });

  it('reads pairs back from dependsOn and dependencyOf, skipping clusters and meshes', () => {
    const present = presentDependencies(
      [
        component('web.shop', 'shop/web', {
          dependsOn: ['resource:default/east', 'component:default/cart.shop'],
        }),
        component('cart.shop', 'shop/cart', {
          dependencyOf: ['component:default/checkout'],
        }),
      ],
      new Map([['shop/checkout', 'component:default/checkout']]),
    );
    expect([...present].sort()).toEqual(
      [key('checkout', 'cart'), key('web', 'cart')].sort(),
    );
  });

  it('survives a malformed spec', () => {
    expect(
      presentDependencies(
        [component('web.shop', 'shop/web', { dependsOn: 'nope' })],
        new Map(),
      ).size,
    ).toBe(0);
  });
});
