import { compile } from '../compile';
import { multiPrimaryFleet } from '../__fixtures__/fleets';
import type { TrafficPolicy } from '../schema';

// Rendered specs are plain YAML-shaped data; the test reads them as Istio would, untyped.
type Route = Record<string, any>;

/**
 * The route Istio picks for a request: the first `http` entry one of whose `match` entries
 * fits, an entry with no `match` fitting everything (VirtualService reference, "HTTPRoute":
 * "match conditions … are evaluated in order … the first rule matching an incoming request is
 * used"; `prefix` is a plain string prefix).
 */
function firstRoute(routes: Route[], req: { path: string; method?: string }) {
  const fits = (m: Route) =>
    (!m.uri ||
      ('exact' in m.uri
        ? req.path === m.uri.exact
        : req.path.startsWith(m.uri.prefix))) &&
    (!m.method || m.method.exact === req.method);
  return routes.find(r => !r.match || r.match.some(fits));
}

function policy(
  name: string,
  spec: Partial<TrafficPolicy['spec']>,
): TrafficPolicy {
  return {
    apiVersion: 'meshport.dev/v1alpha1',
    kind: 'TrafficPolicy',
    metadata: { name, namespace: 'bookinfo' },
    spec: {
      sources: [{ cluster: 'cluster-1' }],
      destination: { service: 'reviews', namespace: 'bookinfo' },
      ...spec,
    },
  };
}

function http(policies: TrafficPolicy[]): Route[] {
  const result = compile(policies, multiPrimaryFleet());
  expect(result.errors).toEqual([]);
  expect(result.conflicts).toEqual([]);
  return result.resources['cluster-1'].find(r => r.kind === 'VirtualService')!
    .spec.http as Route[];
}

describe('merged routes (issue 15, defect 3)', () => {
  it('a narrower match keeps the broader policy’s destinations and timeout', () => {
    const routes = http([
      policy('base', {
        route: [
          { cluster: 'cluster-1', subset: { version: 'v1' }, weight: 100 },
        ],
        timeout: '5s',
      }),
      policy('retry-reviews', {
        match: [{ path: { prefix: '/reviews' } }],
        retries: { attempts: 3 },
      }),
    ]);
    const r = firstRoute(routes, { path: '/reviews/1' })!;
    expect(r.name).toBe('trafficpolicy.bookinfo.retry-reviews');
    expect(r.route).toEqual([
      {
        destination: {
          host: 'reviews.bookinfo.svc.cluster.local',
          subset: 'cluster-1-v1',
        },
        weight: 100,
      },
    ]);
    expect(r.timeout).toBe('5s');
    expect(r.retries).toEqual({ attempts: 3 });
    expect(firstRoute(routes, { path: '/other' })!.timeout).toBe('5s');
  });

  it('orders nested prefixes most specific first, exact before prefix', () => {
    const routes = http([
      policy('a-short', {
        match: [{ path: { prefix: '/reviews' } }],
        timeout: '1s',
      }),
      policy('b-long', {
        match: [{ path: { prefix: '/reviews/beta' } }],
        timeout: '2s',
      }),
      policy('c-exact', {
        match: [{ path: { exact: '/reviews/beta/x' } }],
        timeout: '3s',
      }),
    ]);
    expect(firstRoute(routes, { path: '/reviews/1' })!.timeout).toBe('1s');
    expect(firstRoute(routes, { path: '/reviews/beta/y' })!.timeout).toBe('2s');
    expect(firstRoute(routes, { path: '/reviews/beta/x' })!.timeout).toBe('3s');
  });

  it('a narrower route inherits from the nearest broader route that sets the field', () => {
    const routes = http([
      policy('a-short', {
        match: [{ path: { prefix: '/reviews' } }],
        timeout: '1s',
        retries: { attempts: 1 },
      }),
      policy('b-long', {
        match: [{ path: { prefix: '/reviews/beta' } }],
        timeout: '2s',
      }),
      policy('c-exact', {
        match: [{ path: { exact: '/reviews/beta/x' }, method: 'GET' }],
        faultInjection: { abort: { percent: 1, httpStatus: 503 } },
      }),
    ]);
    const r = firstRoute(routes, { path: '/reviews/beta/x', method: 'GET' })!;
    expect(r.name).toBe('trafficpolicy.bookinfo.c-exact');
    expect(r.timeout).toBe('2s');
    expect(r.retries).toEqual({ attempts: 1 });
    // A POST is not the exact route's: it falls to the /reviews/beta route.
    expect(
      firstRoute(routes, { path: '/reviews/beta/x', method: 'POST' })!.name,
    ).toBe('trafficpolicy.bookinfo.b-long');
  });
});
