import type { Entity } from '@backstage/catalog-model';
import { mockServices } from '@backstage/backend-test-utils';
import {
  AuthorizeResult,
  isResourcePermission,
} from '@backstage/plugin-permission-common';
import type {
  Finding,
  FindingsResponse,
  ServiceTraffic,
} from '@meshport/backstage-plugin-mesh-common';
import type { Trace } from '@meshport/backstage-plugin-mesh-policy';
import request from 'supertest';
import {
  startMeshBackend,
  trafficModule,
} from '../metrics/__testUtils__/meshTestBackend';
import { createMeshPlugin } from '../plugin';
import type { Check } from './FleetAnalysis';

jest.setTimeout(60_000);

/** One finding per service named, and one about mesh-wide config that names no service. */
const configCheck: Check = {
  code: 'MESH901',
  severity: 'warning',
  title: 'test: every VirtualService is reported',
  run: ctx =>
    ctx.clustersWithConfig().flatMap(cluster =>
      ctx
        .objects(cluster)
        .filter(
          o =>
            o.kind === 'VirtualService' ||
            o.metadata.namespace === 'istio-system',
        )
        .map(o => {
          const service =
            o.kind === 'VirtualService'
              ? `${o.metadata.namespace}/${o.metadata.name}`
              : undefined;
          return {
            message: `${o.kind} ${o.metadata.namespace}/${o.metadata.name} in cluster ${cluster}`,
            fix: 'nothing',
            objects: [ctx.ref(cluster, o)],
            ...(service &&
            ctx.topology.service(...(service.split('/') as [string, string]))
              ? { services: [service] }
              : {}),
          };
        }),
    ),
};

const trafficCheck: Check = {
  code: 'MESH902',
  severity: 'error',
  title: 'test: a service with traffic',
  needsTraffic: true,
  run: ctx =>
    ctx.traffic('bookinfo/reviews')
      ? [
          {
            message: 'reviews has traffic',
            fix: 'nothing',
            objects: [ctx.serviceRef('cluster-1', 'bookinfo/reviews')],
            services: ['bookinfo/reviews'],
          },
        ]
      : [],
};

const plugin = createMeshPlugin({ checks: [configCheck, trafficCheck] });

function fakeTraffic(
  service: { namespace: string; name: string },
  state: 'ok' | 'unavailable',
): ServiceTraffic {
  return {
    service,
    window: '1h',
    windowSeconds: 3600,
    evaluatedAt: '2026-01-01T00:00:00.000Z',
    seriesStepSeconds: 60,
    source: 'test',
    inbound: [],
    outbound: [],
    clusters: [
      {
        cluster: 'cluster-1',
        state,
        source: 'test',
        ...(state === 'ok' ? {} : { reason: 'the test source is down' }),
      },
    ],
    partial: state !== 'ok',
  };
}

/** The Component standing for a service, as the catalog module publishes it. */
const entityOf = (namespace: string, name: string, owner: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: `${name}.${namespace}`,
    namespace: 'default',
    annotations: { 'meshport.dev/service': `${namespace}/${name}` },
  },
  spec: { type: 'service', lifecycle: 'production', owner },
});

describe('GET /findings', () => {
  let server: Awaited<ReturnType<typeof startMeshBackend>>['server'];
  beforeAll(async () => {
    ({ server } = await startMeshBackend({
      plugin,
      features: [
        trafficModule(async () => ({
          getTraffic: async service => fakeTraffic(service, 'ok'),
        })),
      ],
    }));
  });

  it('lists the fleet findings with counts over what matches', async () => {
    const res = await request(server).get('/api/mesh/findings').expect(200);
    const body: FindingsResponse = res.body;
    expect(body.items.map(f => f.message)).toEqual(
      expect.arrayContaining([
        'VirtualService orders/orders in cluster cluster-2',
        'Gateway istio-system/cross-network-gateway in cluster cluster-1',
      ]),
    );
    expect(body.totalCount).toBe(body.items.length);
    expect(body.counts.warning).toBe(body.totalCount);
    expect(body.counts.error).toBe(0);
    // the traffic check runs only with service=
    expect(body.notes.join('\n')).toContain('MESH902');
    expect(body.generatedAt).toEqual(expect.any(String));
  });

  it('filters by cluster, severity and service, and pages', async () => {
    const byCluster: FindingsResponse = (
      await request(server).get('/api/mesh/findings?cluster=cluster-3')
    ).body;
    expect(byCluster.items.length).toBeGreaterThan(0);
    expect(byCluster.items.every(f => f.clusters.includes('cluster-3'))).toBe(
      true,
    );
    const errors: FindingsResponse = (
      await request(server).get('/api/mesh/findings?severity=error,info')
    ).body;
    expect(errors.totalCount).toBe(0);
    const page: FindingsResponse = (
      await request(server).get('/api/mesh/findings?limit=1&offset=1')
    ).body;
    expect(page.items).toHaveLength(1);
    expect(page.totalCount).toBeGreaterThan(1);
  });

  it('runs the traffic-aware checks for one service with its traffic', async () => {
    const res = await request(server)
      .get('/api/mesh/findings?service=bookinfo/reviews')
      .expect(200);
    const body: FindingsResponse = res.body;
    expect(body.items.map((f: Finding) => f.code)).toContain('MESH902');
    expect(body.items.every(f => f.services.includes('bookinfo/reviews'))).toBe(
      true,
    );
    expect(body.counts.error).toBe(1);
  });

  it.each([
    ['service=bookinfo', 'is not <namespace>/<name>'],
    ['severity=fatal', 'unknown severity fatal'],
    ['limit=1001', 'limit must be at most 1000'],
    ['limit=0', 'limit must be at least 1'],
    ['offset=-1', 'offset must be a whole number'],
    ['owner=group:', 'is not an entity ref'],
    ['colour=red', 'unknown parameter(s) colour'],
  ])('refuses %s with a 400 saying why', async (query, message) => {
    const res = await request(server)
      .get(`/api/mesh/findings?${query}`)
      .expect(400);
    expect(res.body.error.message).toContain(message);
  });

  it('answers 404 for a service no cluster has', async () => {
    const res = await request(server)
      .get('/api/mesh/findings?service=bookinfo/nope')
      .expect(404);
    expect(res.body.error.message).toContain('No mesh service bookinfo/nope');
  });
});

describe('GET /findings without a traffic source', () => {
  it('says the traffic-aware checks did not run', async () => {
    const { server } = await startMeshBackend({ plugin });
    const body: FindingsResponse = (
      await request(server)
        .get('/api/mesh/findings?service=bookinfo/reviews')
        .expect(200)
    ).body;
    expect(body.items.map(f => f.code)).not.toContain('MESH902');
    expect(body.notes.join('\n')).toMatch(
      /MESH902\) did not run: no cluster's traffic is available/,
    );
  });
});

describe('a caller who may not read the orders services', () => {
  let server: Awaited<ReturnType<typeof startMeshBackend>>['server'];
  beforeAll(async () => {
    const hidden = new Set([
      'component:default/orders.orders',
      'component:default/history.orders',
    ]);
    ({ server } = await startMeshBackend({
      plugin,
      entities: {
        entities: [
          entityOf('orders', 'orders', 'orders-team'),
          entityOf('orders', 'history', 'orders-team'),
        ],
      },
      features: [
        mockServices.permissions.mock({
          authorize: async requests =>
            requests.map(r => ({
              result:
                isResourcePermission(r.permission) &&
                hidden.has(r.resourceRef ?? '')
                  ? AuthorizeResult.DENY
                  : AuthorizeResult.ALLOW,
            })),
          // the catalog denies every entity to this caller: the services they stand for are
          // hidden, those no entity stands for yet are governed by the mesh permission alone
          authorizeConditional: async requests =>
            requests.map(() => ({ result: AuthorizeResult.DENY })),
        }).factory,
      ],
    }));
  });

  it('gets no finding naming them, and counts only what it may read', async () => {
    const body: FindingsResponse = (
      await request(server).get('/api/mesh/findings').expect(200)
    ).body;
    const services = body.items.flatMap(f => f.services);
    expect(services).toContain('bookinfo/ratings');
    expect(services).not.toContain('orders/orders');
    expect(body.totalCount).toBe(body.items.length);
    // mesh-wide config names no service: any fleet reader sees it
    expect(body.items.map(f => f.message)).toContain(
      'Gateway istio-system/cross-network-gateway in cluster cluster-1',
    );
  });

  it.each(['/fleet', '/clusters'])(
    'sees in %s the config of namespaces it may read and not the others',
    async path => {
      const body = (await request(server).get(`/api/mesh${path}`).expect(200))
        .body;
      const clusters = path === '/fleet' ? body.clusters : body.items;
      const namespaces = new Set(
        clusters.flatMap(
          (c: { config?: Array<{ metadata: { namespace: string } }> }) =>
            (c.config ?? []).map(o => o.metadata.namespace),
        ),
      );
      expect(namespaces.has('bookinfo')).toBe(true);
      expect(namespaces.has('istio-system')).toBe(true);
      expect(namespaces.has('orders')).toBe(false);
    },
  );

  it('gets the same trace 404 for an unreadable and an unknown destination', async () => {
    const q = 'fromCluster=cluster-1&fromNamespace=bookinfo';
    const hidden = await request(server)
      .get(`/api/mesh/trace?${q}&to=orders/orders`)
      .expect(404);
    const unknown = await request(server)
      .get(`/api/mesh/trace?${q}&to=orders/nope`)
      .expect(404);
    expect(hidden.body.error.message.replace('orders/orders', 'X')).toBe(
      unknown.body.error.message.replace('orders/nope', 'X'),
    );
  });
});

describe('GET /trace', () => {
  let server: Awaited<ReturnType<typeof startMeshBackend>>['server'];
  beforeAll(async () => {
    ({ server } = await startMeshBackend({ plugin }));
  });

  it('traces productpage → reviews from cluster-1 into cluster-1 and cluster-2', async () => {
    const res = await request(server)
      .get(
        '/api/mesh/trace?fromCluster=cluster-1&fromNamespace=bookinfo&fromServiceAccount=bookinfo-productpage&fromLabels=app=productpage,version=v1&to=bookinfo/reviews&path=/reviews/1&method=get',
      )
      .expect(200);
    const trace: Trace = res.body;
    expect(trace.request.port).toBe(9080);
    expect(trace.request.method).toBe('GET');
    const clusters = new Set(trace.legs.map(l => l.cluster));
    expect(clusters).toEqual(new Set(['cluster-1', 'cluster-2']));
  });

  it.each([
    [
      'fromCluster=cluster-9&fromNamespace=bookinfo&to=bookinfo/reviews',
      'fromCluster cluster-9 is not a cluster of the fleet',
    ],
    [
      'fromCluster=cluster-1&fromNamespace=nowhere&to=bookinfo/reviews',
      'fromNamespace nowhere',
    ],
    ['fromCluster=cluster-1&fromNamespace=bookinfo&to=reviews', 'to:'],
    [
      'fromCluster=cluster-1&fromNamespace=bookinfo&to=bookinfo/reviews&port=0',
      'port must be from 1 to 65535',
    ],
    [
      'fromCluster=cluster-1&fromNamespace=bookinfo&to=bookinfo/reviews&fromLabels=app',
      'is not key=value',
    ],
    ['fromNamespace=bookinfo&to=bookinfo/reviews', 'fromCluster'],
  ])('refuses %s with a 400 saying which', async (query, message) => {
    const res = await request(server)
      .get(`/api/mesh/trace?${query}`)
      .expect(400);
    expect(res.body.error.message).toContain(message);
  });

  it('refuses a caller without the fleet permission', async () => {
    const { server: denied } = await startMeshBackend({
      plugin,
      features: [
        mockServices.permissions.mock({
          authorize: async requests =>
            requests.map(() => ({ result: AuthorizeResult.DENY })),
        }).factory,
      ],
    });
    await request(denied)
      .get(
        '/api/mesh/trace?fromCluster=cluster-1&fromNamespace=bookinfo&to=bookinfo/reviews',
      )
      .expect(403);
    const res = await request(denied).get('/api/mesh/findings').expect(403);
    expect(res.body.error.message).toContain('mesh.fleet.read');
  });
});
