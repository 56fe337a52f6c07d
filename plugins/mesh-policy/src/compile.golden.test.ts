import { parse } from 'yaml';
import { renderRepository } from './render';
import { compile } from './compile';
import { expectGolden } from './__fixtures__/golden';
import {
  linkerdFleet,
  multiNetworkFleet,
  multiPrimaryFleet,
} from './__fixtures__/fleets';
import { accessGrant, failover, seedPolicy } from './__fixtures__/policies';
import type { TrafficPolicy } from './schema';
import { loadSchemaValidator, SchemaValidator } from './translate/schemaCheck';

let validateSchema: SchemaValidator;
beforeAll(async () => {
  validateSchema = await loadSchemaValidator();
});

type Route = { destination: { host: string; subset?: string }; weight: number };

/** Follows a route's destinations to the endpoint labels its subset selects, per cluster. */
function effectiveRouting(files: Record<string, string>, cluster: string) {
  const docs = Object.entries(files)
    .filter(([p]) => p.startsWith(`rendered/${cluster}/`))
    .map(([, c]) => parse(c));
  const vs = docs.find(d => d.kind === 'VirtualService');
  const drs = docs.filter(d => d.kind === 'DestinationRule');
  return (vs.spec.http[0].route as Route[]).map(r => {
    const dr = drs.find(d => d.spec.host === r.destination.host);
    const subset = dr?.spec.subsets?.find(
      (s: { name: string }) => s.name === r.destination.subset,
    );
    return {
      host: r.destination.host,
      labels: subset?.labels,
      weight: r.weight,
    };
  });
}

describe('golden: the seed scenario', () => {
  it('routes 75/15/10 with shared endpoint discovery (multi-primary)', () => {
    const result = renderRepository([seedPolicy()], multiPrimaryFleet(), {
      validateSchema,
    });
    expect(result.errors).toEqual([]);
    expect(result.conflicts).toEqual([]);
    expect(result.ok).toBe(true);
    expect(effectiveRouting(result.files, 'cluster-1')).toEqual([
      {
        host: 'reviews.bookinfo.svc.cluster.local',
        labels: { 'topology.istio.io/cluster': 'cluster-2', version: 'v3' },
        weight: 75,
      },
      {
        host: 'reviews.bookinfo.svc.cluster.local',
        labels: { 'topology.istio.io/cluster': 'cluster-1', version: 'v1' },
        weight: 15,
      },
      {
        host: 'reviews.bookinfo.svc.cluster.local',
        labels: { 'topology.istio.io/cluster': 'cluster-1', version: 'v2' },
        weight: 10,
      },
    ]);
    // Nothing is needed on the serving cluster: cluster-1 already sees its endpoints.
    expect(
      Object.keys(result.files).filter(p =>
        p.startsWith('rendered/cluster-2/'),
      ),
    ).toEqual([]);
    expectGolden('seed-multi-primary', result.files);
  });

  it('routes 75/15/10 through east-west gateways (separate networks)', () => {
    const result = renderRepository([seedPolicy()], multiNetworkFleet(), {
      validateSchema,
    });
    expect(result.errors).toEqual([]);
    expect(result.ok).toBe(true);
    expect(effectiveRouting(result.files, 'cluster-1')).toEqual([
      {
        host: 'reviews.bookinfo.cluster-2.global',
        labels: { version: 'v3' },
        weight: 75,
      },
      {
        host: 'reviews.bookinfo.svc.cluster.local',
        labels: { 'topology.istio.io/cluster': 'cluster-1', version: 'v1' },
        weight: 15,
      },
      {
        host: 'reviews.bookinfo.svc.cluster.local',
        labels: { 'topology.istio.io/cluster': 'cluster-1', version: 'v2' },
        weight: 10,
      },
    ]);
    const se = parse(
      result.files[
        'rendered/cluster-1/bookinfo/reviews/serviceentry-meshport-reviews-cluster-2.yaml'
      ],
    );
    expect(se.spec.endpoints).toEqual([
      {
        address: '203.0.113.20',
        labels: { version: 'v3' },
        network: 'network2',
        ports: { http: 15443 },
      },
    ]);
    const gw = parse(
      result.files[
        'rendered/cluster-2/istio-system/gateway-meshport-istio-eastwestgateway.yaml'
      ],
    );
    expect(gw.spec.servers[0].tls.mode).toBe('AUTO_PASSTHROUGH');
    expect(gw.spec.servers[0].hosts).toEqual([
      'reviews.bookinfo.cluster-2.global',
    ]);
    const serving = parse(
      result.files[
        'rendered/cluster-2/bookinfo/reviews/destinationrule-meshport-reviews-cluster-2.yaml'
      ],
    );
    expect(serving.spec.subsets).toEqual([
      { name: 'v3', labels: { version: 'v3' } },
    ]);
    expectGolden('seed-multi-network', result.files);
  });
});

describe('golden: failover, access, Linkerd', () => {
  it('compiles a VirtualDestination to a global host with locality failover', () => {
    const result = renderRepository([failover()], multiNetworkFleet(), {
      validateSchema,
    });
    expect(result.errors).toEqual([]);
    const dr = parse(
      result.files[
        'rendered/cluster-1/bookinfo/reviews/destinationrule-meshport-bookinfo-reviews-global.yaml'
      ],
    );
    expect(dr.spec.trafficPolicy.outlierDetection.consecutive5xxErrors).toBe(5);
    expect(
      dr.spec.trafficPolicy.loadBalancer.localityLbSetting.failover,
    ).toEqual([
      { from: 'us-east-1', to: 'us-west-2' },
      { from: 'us-west-2', to: 'us-east-1' },
    ]);
    expectGolden('failover', result.files);
  });

  it('publishes a global host only where its namespace exists, and says where it did not', () => {
    const fleet = multiNetworkFleet();
    // bookinfo runs nowhere in cluster-2 but a service in another namespace keeps it in the fleet
    fleet.services = fleet.services.map(s =>
      s.namespace === 'bookinfo'
        ? {
            ...s,
            instances: s.instances.filter(i => i.cluster !== 'cluster-2'),
          }
        : s,
    );
    const vd = failover();
    vd.spec.clusters = ['cluster-1'];
    // Only cluster-1 (us-east-1) backs the host now: an explicit failover to us-west-2 would
    // name a region with no endpoint, which the verifier rightly refuses. Envoy's default
    // (nearest locality first) is what a one-region host can have.
    vd.spec.failover = { mode: 'locality' };
    const result = renderRepository([vd], fleet, { validateSchema });
    expect(result.errors).toEqual([]);
    expect(
      Object.keys(result.files).filter(f =>
        f.startsWith('rendered/cluster-2/'),
      ),
    ).toEqual([]);
    expect(result.warnings.map(w => w.message)).toContainEqual(
      expect.stringMatching(
        /^reviews.global is not published in cluster-2: no bookinfo namespace runs there/,
      ),
    );
  });

  it('grants access across trust domains with the caller cluster’s trust domain', () => {
    const result = renderRepository([accessGrant()], multiNetworkFleet(), {
      validateSchema,
    });
    // cluster-3 serves reviews too but has another root of trust: refused, not rendered.
    expect(result.errors.map(e => e.path)).toEqual(['spec.sources.0.cluster']);
    expect(result.errors[0].message).toMatch(
      /cluster-1 and cluster-3 do not share a root of trust/,
    );
    const withoutCluster3 = multiNetworkFleet();
    withoutCluster3.services[0].instances =
      withoutCluster3.services[0].instances.filter(
        i => i.cluster !== 'cluster-3',
      );
    const ok = renderRepository([accessGrant()], withoutCluster3, {
      validateSchema,
    });
    expect(ok.errors).toEqual([]);
    const ap = parse(
      ok.files[
        'rendered/cluster-2/bookinfo/reviews/authorizationpolicy-meshport-bookinfo-productpage-reads-reviews.yaml'
      ],
    );
    expect(ap.spec.rules[0].from[0].source.principals).toEqual([
      'cluster-1.example/ns/bookinfo/sa/bookinfo-productpage',
    ]);
    expect(ap.spec.action).toBe('ALLOW');
    expectGolden('access-cross-trust-domain', ok.files);
  });

  it('routes a Linkerd client through the mirrored service', () => {
    const policy: TrafficPolicy = {
      apiVersion: 'meshport.dev/v1alpha1',
      kind: 'TrafficPolicy',
      metadata: { name: 'checkout-split', namespace: 'shop' },
      spec: {
        sources: [{ cluster: 'east' }],
        destination: { service: 'checkout', namespace: 'shop' },
        route: [
          { cluster: 'east', weight: 80 },
          { cluster: 'west', weight: 20 },
        ],
        timeout: '3s',
      },
    };
    const access = {
      apiVersion: 'meshport.dev/v1alpha1' as const,
      kind: 'AccessPolicy' as const,
      metadata: { name: 'web-calls-checkout', namespace: 'shop' },
      spec: {
        sources: [
          {
            cluster: 'east',
            namespace: 'shop',
            serviceAccount: 'bookinfo-web',
          },
        ],
        destination: { service: 'checkout', namespace: 'shop' },
      },
    };
    const result = renderRepository([policy, access], linkerdFleet(), {
      validateSchema,
    });
    expect(result.errors).toEqual([]);
    const route = parse(
      result.files[
        'rendered/east/shop/checkout/httproute-meshport-checkout-9080.yaml'
      ],
    );
    expect(route.spec.rules[0].backendRefs).toEqual([
      { name: 'checkout', port: 9080, weight: 80 },
      { name: 'checkout-west', port: 9080, weight: 20 },
    ]);
    expectGolden('linkerd', result.files);
  });
});

describe('golden: every TrafficPolicy field, priority failover', () => {
  it('compiles fault injection, mirroring, CORS, headers and outlier detection onto the route', () => {
    const policy: TrafficPolicy = {
      ...seedPolicy(),
      metadata: { name: 'reviews-everything', namespace: 'bookinfo' },
    };
    policy.spec = {
      ...policy.spec,
      match: [{ path: { prefix: '/reviews' }, method: 'GET' }],
      timeout: '3s',
      retries: { attempts: 2, perTryTimeout: '1s', retryOn: ['5xx'] },
      faultInjection: {
        delay: { percent: 5, fixedDelay: '200ms' },
        abort: { percent: 1, httpStatus: 503 },
      },
      mirror: { cluster: 'cluster-2', subset: { version: 'v3' }, percent: 10 },
      outlierDetection: { consecutive5xxErrors: 3, interval: '10s' },
      cors: {
        allowOrigins: [{ exact: 'https://shop.example.com' }],
        allowMethods: ['GET'],
        maxAge: '1h',
      },
      headers: {
        request: { set: { 'x-meshport-route': 'reviews-everything' } },
        response: { remove: ['x-envoy-upstream-service-time'] },
      },
    };
    const result = renderRepository([policy], multiPrimaryFleet(), {
      validateSchema,
    });
    expect(result.errors).toEqual([]);
    const vs = parse(
      result.files[
        'rendered/cluster-1/bookinfo/reviews/virtualservice-meshport-reviews.yaml'
      ],
    );
    const [http] = vs.spec.http;
    expect(http).toMatchObject({
      match: [{ uri: { prefix: '/reviews' }, method: { exact: 'GET' } }],
      timeout: '3s',
      retries: { attempts: 2, perTryTimeout: '1s', retryOn: '5xx' },
      fault: {
        delay: { percentage: { value: 5 }, fixedDelay: '200ms' },
        abort: { percentage: { value: 1 }, httpStatus: 503 },
      },
      mirrorPercentage: { value: 10 },
      corsPolicy: { allowMethods: ['GET'], maxAge: '1h' },
      headers: {
        request: { set: { 'x-meshport-route': 'reviews-everything' } },
        response: { remove: ['x-envoy-upstream-service-time'] },
      },
    });
    // the weights still add up to 100 beside everything else
    expect(
      http.route.reduce(
        (sum: number, r: { weight: number }) => sum + r.weight,
        0,
      ),
    ).toBe(100);
    expectGolden('every-field', result.files);
  });

  it('compiles priority failover to failoverPriority on the global host', () => {
    const vd = failover();
    vd.spec.failover = {
      mode: 'priority',
      labels: ['topology.istio.io/network', 'topology.istio.io/cluster'],
    };
    const result = renderRepository([vd], multiNetworkFleet(), {
      validateSchema,
    });
    expect(result.errors).toEqual([]);
    const dr = parse(
      result.files[
        'rendered/cluster-1/bookinfo/reviews/destinationrule-meshport-bookinfo-reviews-global.yaml'
      ],
    );
    expect(dr.spec.trafficPolicy.loadBalancer.localityLbSetting).toEqual({
      enabled: true,
      failoverPriority: [
        'topology.istio.io/network',
        'topology.istio.io/cluster',
      ],
    });
    expectGolden('priority-failover', result.files);
  });
});

describe('labels', () => {
  it('stamps every object with the policy and the manager', () => {
    const result = compile([seedPolicy(), accessGrant()], multiPrimaryFleet());
    for (const list of Object.values(result.resources)) {
      for (const r of list) {
        expect(r.metadata.labels['app.kubernetes.io/managed-by']).toBe(
          'meshport',
        );
        expect(r.metadata.labels['meshport.dev/policy']).toMatch(
          /^(trafficpolicy|accesspolicy)\.bookinfo\./,
        );
      }
    }
  });
});

describe('schema validation', () => {
  it('passes every object of every scenario and catches an invalid one', () => {
    const all = compile(
      [seedPolicy(), accessGrant(), failover()],
      multiNetworkFleet(),
      { validateSchema },
    );
    const count = Object.values(all.resources).flat().length;
    expect(count).toBeGreaterThan(10);
    for (const r of Object.values(all.resources).flat())
      expect(validateSchema(r)).toBeUndefined();
    const vs = all.resources['cluster-1'].find(
      r => r.kind === 'VirtualService',
    )!;
    const broken = {
      ...vs,
      spec: {
        ...vs.spec,
        http: [{ route: [{ destination: { host: 'x' }, weight: 'most' }] }],
      },
    };
    expect(validateSchema(broken)).toMatch(/weight/);
  });
});
