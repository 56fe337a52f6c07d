import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  AuthorizeResult,
  isResourcePermission,
} from '@backstage/plugin-permission-common';
import request from 'supertest';
import { meshPlugin } from './plugin';
import { DEMO_FLEET_DIR } from './__testUtils__/demoFleet';

jest.setTimeout(60_000);

const demoConfig = mockServices.rootConfig.factory({
  data: { mesh: { snapshot: { directory: DEMO_FLEET_DIR } } },
});

/** The Component the catalog module publishes for bookinfo/reviews. */
const reviewsEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'reviews.bookinfo',
    namespace: 'default',
    annotations: { 'meshport.dev/service': 'bookinfo/reviews' },
  },
  spec: { type: 'service', lifecycle: 'production', owner: 'bookinfo-team' },
};

async function startDemo(
  extra: Parameters<typeof startTestBackend>[0]['features'] = [],
) {
  return startTestBackend({
    features: [
      meshPlugin,
      demoConfig,
      mockServices.scheduler.factory(),
      catalogServiceMock.factory({ entities: [reviewsEntity] }),
      ...extra,
    ],
  });
}

describe('mesh backend plugin', () => {
  it('answers health checks without credentials', async () => {
    const { server } = await startTestBackend({ features: [meshPlugin] });
    const res = await request(server)
      .get('/api/mesh/health')
      .set('authorization', mockCredentials.none.header());
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('serves an empty fleet when no cluster is configured', async () => {
    const { server } = await startTestBackend({ features: [meshPlugin] });
    const res = await request(server).get('/api/mesh/fleet');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ clusters: [], services: [], meshes: [] });
  });

  describe('on the demo fleet', () => {
    let server: Awaited<ReturnType<typeof startDemo>>['server'];
    beforeAll(async () => {
      ({ server } = await startDemo());
    });

    it('serves the fleet discovered from the snapshot', async () => {
      const res = await request(server).get('/api/mesh/fleet').expect(200);
      expect(
        res.body.clusters.map((c: any) => [c.name, c.source, c.sync.state]),
      ).toEqual([
        ['cluster-1', 'snapshot', 'ok'],
        ['cluster-2', 'snapshot', 'ok'],
        ['cluster-3', 'snapshot', 'ok'],
        ['cluster-4', 'snapshot', 'ok'],
      ]);
      expect(JSON.stringify(res.body)).not.toContain(
        'demo-remote-secret-token',
      );
    });

    it('answers 304 to a reader whose fleet is current, by its strong ETag', async () => {
      const first = await request(server).get('/api/mesh/fleet').expect(200);
      const etag = first.headers.etag;
      expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
      expect(first.headers['cache-control']).toBe('private, no-cache');

      const again = await request(server)
        .get('/api/mesh/fleet')
        .set('If-None-Match', etag)
        .expect(304);
      expect(again.headers.etag).toBe(etag);
      expect(again.text).toBeFalsy();
      // any tag of a list matches, weak or not (RFC 9110 §13.1.2)
      await request(server)
        .get('/api/mesh/fleet')
        .set('If-None-Match', `"other", W/${etag}`)
        .expect(304);
    });

    it.each([['"other"'], ['""'], ['not-a-tag']])(
      'serves the fleet in full when If-None-Match is %s',
      async tag => {
        const res = await request(server)
          .get('/api/mesh/fleet')
          .set('If-None-Match', tag)
          .expect(200);
        expect(res.body.services.length).toBeGreaterThan(0);
      },
    );

    it('lists clusters and meshes', async () => {
      const clusters = await request(server)
        .get('/api/mesh/clusters')
        .expect(200);
      expect(clusters.body.items.map((c: any) => c.network ?? null)).toEqual([
        'network-1',
        'network-2',
        'network-3',
        null,
      ]);
      const meshes = await request(server).get('/api/mesh/meshes').expect(200);
      expect(meshes.body.items.map((m: any) => [m.id, m.clusters])).toEqual([
        ['istio-mesh1', ['cluster-1', 'cluster-2']],
        ['istio-mesh2', ['cluster-3']],
        ['linkerd-cluster-4', ['cluster-4']],
      ]);
      expect(
        meshes.body.links.map(
          (l: { from: string; to: string; via: string }) =>
            `${l.from}>${l.to}:${l.via}`,
        ),
      ).toEqual([
        'cluster-1>cluster-2:shared-endpoint-discovery',
        'cluster-1>cluster-3:gateway-federation',
        'cluster-2>cluster-1:shared-endpoint-discovery',
        'cluster-2>cluster-3:gateway-federation',
        'cluster-3>cluster-1:gateway-federation',
        'cluster-3>cluster-2:gateway-federation',
      ]);
    });

    it('searches, filters and pages services', async () => {
      const all = await request(server).get('/api/mesh/services').expect(200);
      expect(all.body).toMatchObject({ totalCount: 11, offset: 0, limit: 50 });

      const text = await request(server)
        .get('/api/mesh/services?q=REVIEW')
        .expect(200);
      expect(text.body.items.map((s: any) => s.id)).toEqual([
        'bookinfo/reviews',
      ]);

      const byCluster = await request(server)
        .get('/api/mesh/services?cluster=cluster-3')
        .expect(200);
      expect(byCluster.body.items.map((s: any) => s.id)).toEqual([
        'accounts/users',
        'orders/history',
      ]);

      const page = await request(server)
        .get('/api/mesh/services?namespace=bookinfo&offset=1&limit=2')
        .expect(200);
      expect(page.body).toMatchObject({ totalCount: 4, offset: 1, limit: 2 });
      expect(page.body.items.map((s: any) => s.name)).toEqual([
        'productpage',
        'ratings',
      ]);
    });

    it.each([
      ['limit=0', 'limit'],
      ['limit=501', 'limit'],
      ['offset=-1', 'offset'],
      ['offset=abc', 'offset'],
      ['color=blue', 'unknown parameter(s) color'],
      ['limit=0x10', 'limit: must be a whole number in decimal digits'],
      ['limit=1e2', 'limit: must be a whole number in decimal digits'],
      ['limit[]=1', 'limit: must be a whole number, given once'],
      ['limit=1&limit=2', 'limit: must be a whole number, given once'],
      ['offset=%201', 'offset: must be a whole number in decimal digits'],
    ])('rejects ?%s with a 400 naming the problem', async (query, mention) => {
      const res = await request(server)
        .get(`/api/mesh/services?${query}`)
        .expect(400);
      expect(res.body.error.message).toContain('Invalid service query');
      expect(res.body.error.message).toContain(mention);
    });

    it('serves one service in full, v3 of reviews only in cluster-2', async () => {
      const res = await request(server)
        .get('/api/mesh/services/bookinfo/reviews')
        .expect(200);
      expect(
        res.body.instances.map((i: any) => [
          i.cluster,
          i.subsets.version,
          i.mtls.mode,
        ]),
      ).toEqual([
        ['cluster-1', ['v1', 'v2'], 'STRICT'],
        ['cluster-2', ['v1', 'v2', 'v3'], 'PERMISSIVE'],
      ]);
    });

    it('answers 404 with a clear message for an unknown service', async () => {
      const res = await request(server)
        .get('/api/mesh/services/bookinfo/nope')
        .expect(404);
      expect(res.body.error.message).toContain('No mesh service bookinfo/nope');
    });

    // the same rule as the traffic routes (src/service/http/parse.ts): a namespace is a
    // DNS-1123 label and so is a Service name (mesh-common SERVICE_NAME_RULE): dotted names
    // are refused, a name starting with a digit (KEP-5311) is looked up
    it.each([
      ['Book_Info/reviews', 'namespace "Book_Info" is not a DNS-1123 label'],
      [
        'bookinfo/reviews.v1',
        'service name "reviews.v1" is not a DNS-1123 label',
      ],
    ])('answers 400 for %s, naming the rule', async (path, problem) => {
      const res = await request(server)
        .get(`/api/mesh/services/${path}`)
        .expect(400);
      expect(res.body.error.message).toContain('Invalid service path');
      expect(res.body.error.message).toContain(problem);
    });
  });

  it.each([
    '/fleet',
    '/clusters',
    '/meshes',
    '/services',
    '/services/bookinfo/reviews',
  ])(
    'refuses %s without credentials and when mesh.fleet.read is denied',
    async path => {
      const { server } = await startDemo([
        mockServices.permissions.mock({
          authorize: async () => [{ result: AuthorizeResult.DENY }],
        }).factory,
      ]);
      await request(server)
        .get(`/api/mesh${path}`)
        .set('authorization', mockCredentials.none.header())
        .expect(401);
      const res = await request(server).get(`/api/mesh${path}`).expect(403);
      expect(res.body.error.message).toContain('mesh.fleet.read');
    },
  );

  describe("a service's detail follows its catalog entity's read permission", () => {
    let server: Awaited<ReturnType<typeof startDemo>>['server'];
    const asked: string[] = [];
    beforeAll(async () => {
      ({ server } = await startDemo([
        // the mesh permissions allow; the catalog hides component:default/reviews.bookinfo
        mockServices.permissions.mock({
          authorize: async requests =>
            requests.map(r => {
              if (!isResourcePermission(r.permission)) {
                return { result: AuthorizeResult.ALLOW };
              }
              asked.push(`${r.permission.name} ${r.resourceRef}`);
              return {
                result:
                  r.resourceRef === 'component:default/reviews.bookinfo'
                    ? AuthorizeResult.DENY
                    : AuthorizeResult.ALLOW,
              };
            }),
        }).factory,
      ]));
    });

    it.each([
      '/services/bookinfo/reviews',
      '/services/bookinfo/reviews/traffic',
      '/services/bookinfo/reviews/mtls',
    ])(
      'refuses %s to a caller the catalog hides the entity from',
      async path => {
        const res = await request(server).get(`/api/mesh${path}`).expect(403);
        expect(res.body.error.message).toContain(
          'not allowed to read the catalog entity of mesh service bookinfo/reviews (permission catalog.entity.read)',
        );
        expect(JSON.stringify(res.body)).not.toContain('cluster-2');
      },
    );

    it('asks about the entity that carries the annotation', async () => {
      expect(asked).toContain(
        'catalog.entity.read component:default/reviews.bookinfo',
      );
    });

    it('serves a service no entity stands for on the mesh permission alone', async () => {
      const res = await request(server)
        .get('/api/mesh/services/bookinfo/ratings')
        .expect(200);
      expect(res.body.id).toBe('bookinfo/ratings');
    });
  });

  describe('a caller denied one service sees it in no answer', () => {
    /** Registered by anyone: readable by the caller, claiming reviews for mallory. */
    const malloryClaim: Entity = {
      ...reviewsEntity,
      metadata: { ...reviewsEntity.metadata, name: 'aaa-claim-reviews' },
      spec: { ...reviewsEntity.spec, owner: 'user:default/mallory' },
    };
    const hidden = 'component:default/reviews.bookinfo';
    let server: Awaited<ReturnType<typeof startDemo>>['server'];
    beforeAll(async () => {
      const catalog = catalogServiceMock({
        entities: [reviewsEntity, malloryClaim],
      });
      ({ server } = await startTestBackend({
        features: [
          meshPlugin,
          demoConfig,
          mockServices.scheduler.factory(),
          // the catalog applies the caller's conditional read decision: the user does not
          // see reviews.bookinfo; the plugin's own credentials see everything
          createServiceFactory({
            service: catalogServiceRef,
            deps: {},
            factory: () => ({
              ...catalog,
              async *streamEntities(req, options) {
                const user = !!(
                  options.credentials.principal as { userEntityRef?: string }
                ).userEntityRef;
                for await (const page of catalog.streamEntities(req, options)) {
                  yield user
                    ? page.filter(e => stringifyEntityRef(e) !== hidden)
                    : page;
                }
              },
            }),
          }),
          mockServices.permissions.mock({
            authorize: async requests =>
              requests.map(r => ({
                result:
                  isResourcePermission(r.permission) && r.resourceRef === hidden
                    ? AuthorizeResult.DENY
                    : AuthorizeResult.ALLOW,
              })),
            authorizeConditional: async requests =>
              requests.map(() => ({
                result: AuthorizeResult.CONDITIONAL,
                pluginId: 'catalog',
                resourceType: 'catalog-entity',
                conditions: {
                  rule: 'IS_ENTITY_OWNER',
                  resourceType: 'catalog-entity',
                  params: { claims: ['user:default/mock'] },
                },
              })),
          }).factory,
        ],
      }));
    });

    it('leaves it out of /services, with counts that do not give it away', async () => {
      const res = await request(server)
        .get('/api/mesh/services')
        .query({ q: 'reviews' })
        .expect(200);
      expect(res.body).toMatchObject({ items: [], totalCount: 0 });
      const all = await request(server).get('/api/mesh/services').expect(200);
      expect(all.body.items.map((s: { id: string }) => s.id)).not.toContain(
        'bookinfo/reviews',
      );
      expect(all.body.items.map((s: { id: string }) => s.id)).toContain(
        'bookinfo/ratings',
      );
    });

    it('leaves it out of /fleet', async () => {
      const res = await request(server).get('/api/mesh/fleet').expect(200);
      const ids = res.body.services.map((s: { id: string }) => s.id);
      expect(ids).not.toContain('bookinfo/reviews');
      expect(ids).toContain('bookinfo/productpage');
      expect(JSON.stringify(res.body)).not.toContain('reviews-v3');
    });

    it("never confirms another caller's view of /fleet with a 304", async () => {
      const whole = await request(server)
        .get('/api/mesh/fleet')
        .set('authorization', mockCredentials.service.header())
        .expect(200);
      expect(whole.body.services.map((s: { id: string }) => s.id)).toContain(
        'bookinfo/reviews',
      );
      const mine = await request(server).get('/api/mesh/fleet').expect(200);
      expect(mine.headers.etag).not.toBe(whole.headers.etag);

      const res = await request(server)
        .get('/api/mesh/fleet')
        .set('If-None-Match', whole.headers.etag)
        .expect(200);
      expect(res.headers.etag).toBe(mine.headers.etag);
      expect(JSON.stringify(res.body)).not.toContain('reviews-v3');
      await request(server)
        .get('/api/mesh/fleet')
        .set('If-None-Match', mine.headers.etag)
        .expect(304);
    });

    it('refuses the detail even though another entity claiming it is readable', async () => {
      const res = await request(server).get(
        '/api/mesh/services/bookinfo/reviews',
      );
      expect(res.status).toBe(403);
      expect(JSON.stringify(res.body)).not.toContain('reviews-v3');
    });
  });

  describe('restart', () => {
    const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

    it('serves the last-known-good fleet from the database before discovery runs', async () => {
      const knex = await databases.init('SQLITE_3');
      const first = await startDemo([mockServices.database.factory({ knex })]);
      const before = await request(first.server)
        .get('/api/mesh/services')
        .expect(200);
      await first.stop();

      const second = await startTestBackend({
        features: [
          meshPlugin,
          demoConfig,
          mockServices.database.factory({ knex }),
          // discovery does not run: everything served comes from the database
          mockServices.scheduler.factory({ skipTaskRunOnStartup: true }),
        ],
      });
      const after = await request(second.server)
        .get('/api/mesh/services')
        .expect(200);
      expect(after.body).toEqual(before.body);
      const clusters = await request(second.server)
        .get('/api/mesh/clusters')
        .expect(200);
      expect(clusters.body.items.map((c: any) => c.sync.state)).toEqual([
        'ok',
        'ok',
        'ok',
        'ok',
      ]);
      await second.stop();
    });
  });
});
