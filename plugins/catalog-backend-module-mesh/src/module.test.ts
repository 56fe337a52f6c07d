import {
  coreServices,
  createBackendModule,
  createBackendPlugin,
  HttpRouterService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import {
  mockServices,
  startTestBackend,
  TestBackend,
} from '@backstage/backend-test-utils';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import {
  Fleet,
  PoliciesResponse,
} from '@meshport/backstage-plugin-mesh-common';
import request from 'supertest';
import {
  cluster,
  demoFleet,
  disputedService,
  instance,
  service,
} from './__fixtures__/fleet';
import { policiesResponse, policy, repository } from './__fixtures__/policies';
import { catalogModuleMesh } from './module';
import { captureScheduler, eventually } from './__testUtils__/testBackend';

jest.setTimeout(60_000);

const TASK_ID = 'MeshEntityProvider:default:refresh';
const PROVIDER_LOCATION = 'meshport-provider:default';

/** What the fake mesh backend answers; tests change it between refreshes. */
interface FakeMeshState {
  fleet: Fleet;
  status: number;
  callers: string[];
  /** `GET /policies`: the answer, or `route-missing` for a backend that predates it. */
  policies: PoliciesResponse | 'route-missing' | 'failing';
}

/** Stands in for `plugins/mesh-backend`: serves `GET /api/mesh/fleet` and `/policies`. */
function fakeMeshBackend(state: FakeMeshState) {
  return createBackendPlugin({
    pluginId: 'mesh',
    register(env) {
      env.registerInit({
        deps: {
          httpRouter: coreServices.httpRouter,
          httpAuth: coreServices.httpAuth,
        },
        async init({ httpRouter, httpAuth }) {
          const handler: Parameters<HttpRouterService['use']>[0] = (
            req,
            res,
            next,
          ) => {
            if (
              req.path === '/policies' &&
              state.policies !== 'route-missing'
            ) {
              httpAuth
                .credentials(req, { allow: ['service'] })
                .then(() => {
                  if (state.policies === 'failing') {
                    res.status(503).json({ error: { message: 'syncing' } });
                  } else {
                    res.json(state.policies);
                  }
                })
                .catch(next);
              return;
            }
            if (req.path !== '/fleet') {
              next();
              return;
            }
            httpAuth
              .credentials(req, { allow: ['service'] })
              .then(credentials => {
                state.callers.push(credentials.principal.subject);
                if (state.status !== 200) {
                  res.status(state.status).json({ error: { message: 'boom' } });
                } else {
                  res.json(state.fleet);
                }
              })
              .catch(next);
          };
          httpRouter.use(handler);
        },
      });
    },
  });
}

/** An entity someone wrote by hand that claims a mesh service. */
const productpage: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'productpage',
    annotations: {
      'meshport.dev/service': 'bookinfo/productpage',
      'backstage.io/managed-by-location':
        'url:https://git.example/catalog-info.yaml',
      'backstage.io/managed-by-origin-location':
        'url:https://git.example/catalog-info.yaml',
    },
  },
  spec: { type: 'service', lifecycle: 'production', owner: 'team-product' },
};

/**
 * What anyone may register in a default Backstage: an entity named to sort first, owned by
 * the attacker, claiming a service someone else owns.
 */
const malloryClaim: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'aaa-claim-reviews',
    annotations: {
      'meshport.dev/service': 'bookinfo/reviews',
      'backstage.io/managed-by-location': 'url:https://evil.example/x.yaml',
      'backstage.io/managed-by-origin-location':
        'url:https://evil.example/x.yaml',
    },
  },
  spec: { type: 'service', lifecycle: 'production', owner: 'user:mallory' },
};

const handWrittenEntities = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'hand-written',
  register(env) {
    env.registerInit({
      deps: { processing: catalogProcessingExtensionPoint },
      async init({ processing }) {
        processing.addEntityProvider({
          getProviderName: () => 'hand-written',
          connect: connection =>
            connection.applyMutation({
              type: 'full',
              entities: [
                {
                  entity: productpage,
                  locationKey: 'url:https://git.example/catalog-info.yaml',
                },
                {
                  entity: malloryClaim,
                  locationKey: 'url:https://evil.example/x.yaml',
                },
              ],
            }),
        });
      },
    });
  },
});

describe('catalogModuleMesh', () => {
  let backend: TestBackend;
  let scheduler: SchedulerService;
  let state: FakeMeshState;

  async function entities(filter: string): Promise<Entity[]> {
    const res = await request(backend.server)
      .get('/api/catalog/entities/by-query')
      .query({ filter, limit: 100 });
    expect(res.status).toBe(200);
    return res.body.items;
  }
  const meshEntities = () =>
    entities(
      `metadata.annotations.backstage.io/managed-by-origin-location=${PROVIDER_LOCATION}`,
    );
  const refsOf = (items: Entity[]) =>
    items.map(e => stringifyEntityRef(e)).sort();
  const find = (items: Entity[], ref: string) =>
    items.find(e => stringifyEntityRef(e) === ref);

  const everyRef = [
    'component:default/cart.shop',
    'component:default/ratings.bookinfo',
    'component:default/reviews.bookinfo',
    'resource:default/east',
    'resource:default/istio-mesh1',
    'resource:default/west',
  ];

  beforeEach(async () => {
    state = {
      fleet: demoFleet(),
      status: 200,
      callers: [],
      policies: 'route-missing',
    };
    backend = await startTestBackend({
      features: [
        catalogPlugin,
        catalogModuleMesh,
        handWrittenEntities,
        fakeMeshBackend(state),
        mockServices.scheduler.factory({ skipTaskRunOnStartup: true }),
        captureScheduler('catalog', s => {
          scheduler = s;
        }),
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'http://localhost:3000' },
            catalog: {
              providers: {
                meshport: { defaultOwner: 'platform' },
              },
            },
          },
        }),
      ],
    });
  });

  /** Starts from the demo fleet published, with the hand-written claim in place. */
  async function publishDemoFleet() {
    // The claim must be visible before the first refresh looks for claims.
    await eventually(async () => {
      expect(refsOf(await entities('kind=component'))).toContain(
        'component:default/productpage',
      );
    });
    await scheduler.triggerTask(TASK_ID);
    await eventually(async () => {
      const fleetEntities = (await meshEntities()).filter(
        e => e.spec?.type !== 'mesh-policy',
      );
      expect(refsOf(fleetEntities)).toEqual(everyRef);
    });
  }

  afterEach(async () => {
    await backend?.stop();
  });

  it('publishes clusters, meshes and services with owners and relations', async () => {
    await publishDemoFleet();
    expect(state.callers).toEqual(['plugin:catalog']);
    const items = await eventually(async () => {
      const all = await meshEntities();
      const reviews = find(all, 'component:default/reviews.bookinfo')!;
      expect(reviews.relations).toBeDefined();
      expect(reviews.relations!.length).toBeGreaterThan(0);
      return all;
    });

    const reviews = find(items, 'component:default/reviews.bookinfo')!;
    expect(reviews.spec?.owner).toBe('group:default/team-reviews');
    expect(
      reviews.relations!.map(r => `${r.type} ${r.targetRef}`).sort(),
    ).toEqual([
      'dependsOn resource:default/east',
      'dependsOn resource:default/istio-mesh1',
      'dependsOn resource:default/west',
      'ownedBy group:default/team-reviews',
    ]);
    expect(find(items, 'component:default/cart.shop')!.spec?.owner).toBe(
      'group:default/team-shop',
    );
    expect(find(items, 'component:default/ratings.bookinfo')!.spec?.owner).toBe(
      'group:default/platform',
    );
    expect(reviews.metadata.links?.[0].url).toBe(
      'http://localhost:3000/mesh/services/bookinfo/reviews',
    );

    // The reverse relation shows up on the cluster.
    await eventually(async () => {
      const east = find(await meshEntities(), 'resource:default/east')!;
      expect(east.relations?.map(r => `${r.type} ${r.targetRef}`)).toEqual(
        expect.arrayContaining([
          'dependencyOf component:default/reviews.bookinfo',
          'dependencyOf resource:default/istio-mesh1',
        ]),
      );
    });
  });

  it('does not duplicate a service claimed by a hand-written entity', async () => {
    await publishDemoFleet();
    const claiming = await entities(
      'metadata.annotations.meshport.dev/service=bookinfo/productpage',
    );
    expect(refsOf(claiming)).toEqual(['component:default/productpage']);
  });

  it('keeps publishing a service whose claim comes from someone other than its owner', async () => {
    await publishDemoFleet();
    const claiming = await entities(
      'metadata.annotations.meshport.dev/service=bookinfo/reviews',
    );
    expect(refsOf(claiming)).toEqual([
      'component:default/aaa-claim-reviews',
      'component:default/reviews.bookinfo',
    ]);
    expect(
      find(claiming, 'component:default/reviews.bookinfo')!.spec?.owner,
    ).toBe('group:default/team-reviews');
  });

  it('names no owner while the clusters dispute it, and says who disputes it', async () => {
    await publishDemoFleet();
    state.fleet = {
      ...demoFleet(),
      clusters: [cluster('a-dev'), cluster('east'), cluster('west')],
      services: demoFleet().services.map(s =>
        s.id === 'bookinfo/reviews'
          ? disputedService('bookinfo/reviews', {
              'a-dev': 'group:default/mallory-team',
              east: 'group:default/team-reviews',
            })
          : s,
      ),
    };
    await scheduler.triggerTask(TASK_ID);
    await eventually(async () => {
      const reviews = find(
        await meshEntities(),
        'component:default/reviews.bookinfo',
      )!;
      expect(reviews.spec?.owner).toBe('group:default/platform');
      expect(reviews.metadata.annotations).toMatchObject({
        'meshport.dev/ownership-conflict':
          'group:default/mallory-team (Service label in a-dev) vs group:default/team-reviews (Service label in east)',
      });
    });
  });

  it('removes nothing when the mesh backend fails', async () => {
    await publishDemoFleet();
    state.status = 500;
    await scheduler.triggerTask(TASK_ID);
    expect(state.callers).toHaveLength(2);
    expect(refsOf(await meshEntities())).toEqual(everyRef);
  });

  it('removes nothing when a cluster goes stale and loses its data', async () => {
    await publishDemoFleet();
    // West is down, and the mesh backend restarted and lost its last-known-good data.
    state.fleet = {
      ...demoFleet(),
      clusters: [cluster('east'), cluster('west', 'stale')],
      services: demoFleet().services.map(s => ({
        ...s,
        instances: s.instances.filter(i => i.cluster !== 'west'),
      })),
    };
    await scheduler.triggerTask(TASK_ID);

    await eventually(async () => {
      const items = await meshEntities();
      expect(refsOf(items)).toEqual(everyRef);
      const cart = find(items, 'component:default/cart.shop')!;
      expect(cart.metadata.annotations).toMatchObject({
        'meshport.dev/stale': 'true',
        'meshport.dev/clusters': 'west',
      });
      const reviews = find(items, 'component:default/reviews.bookinfo')!;
      expect(reviews.metadata.annotations).toMatchObject({
        'meshport.dev/clusters': 'east,west',
      });
      expect(reviews.metadata.annotations).not.toHaveProperty(
        'meshport.dev/stale',
      );
      expect(
        find(items, 'resource:default/west')!.metadata.annotations,
      ).toMatchObject({ 'meshport.dev/sync-state': 'stale' });
    });
  });

  it('removes a service deleted from a reachable cluster', async () => {
    await publishDemoFleet();
    state.fleet = {
      ...demoFleet(),
      services: [
        ...demoFleet().services.filter(s => s.name !== 'ratings'),
        service('bookinfo/details', [instance('east')]),
      ],
    };
    await scheduler.triggerTask(TASK_ID);

    await eventually(async () => {
      expect(refsOf(await meshEntities())).toEqual(
        [
          ...everyRef.filter(r => !r.includes('ratings')),
          'component:default/details.bookinfo',
        ].sort(),
      );
    });
  });

  describe('policies', () => {
    const policyEntities = async () =>
      (await meshEntities()).filter(e => e.spec?.type === 'mesh-policy');
    const relationsOf = (entity: Entity) =>
      (entity.relations ?? []).map(r => `${r.type} ${r.targetRef}`).sort();
    const demoRefs = [
      'resource:default/accesspolicy.shop.cart-callers',
      'resource:default/trafficpolicy.bookinfo.productpage-retries',
      'resource:default/trafficpolicy.bookinfo.ratings-timeout',
      'resource:default/trafficpolicy.bookinfo.reviews-canary',
      'resource:default/trafficpolicy.bookinfo.reviews-retries',
    ];

    beforeEach(() => {
      state.policies = policiesResponse([
        ...policiesResponse().items,
        // about a service whose owner describes it in a hand-written entity
        policy('bookinfo/productpage-retries', {
          owner: undefined,
          destinations: ['bookinfo/productpage'],
        }),
      ]);
    });

    it('publishes each policy owned by its team, depending on its destination, as the Catalog Graph reads it', async () => {
      await publishDemoFleet();
      const items = await eventually(async () => {
        const all = await policyEntities();
        expect(refsOf(all)).toEqual(demoRefs);
        expect(all.every(e => (e.relations ?? []).length > 0)).toBe(true);
        return all;
      });
      expect(
        relationsOf(
          find(
            items,
            'resource:default/trafficpolicy.bookinfo.ratings-timeout',
          )!,
        ),
      ).toEqual([
        'dependsOn component:default/ratings.bookinfo',
        'ownedBy group:default/team-ratings',
      ]);
      // the destination's hand-written entity, and its owner when no team is known
      expect(
        relationsOf(
          find(
            items,
            'resource:default/trafficpolicy.bookinfo.productpage-retries',
          )!,
        ),
      ).toEqual([
        'dependsOn component:default/productpage',
        'ownedBy group:default/team-product',
      ]);
      expect(
        find(items, 'resource:default/accesspolicy.shop.cart-callers')!.metadata
          .annotations,
      ).toMatchObject({
        'meshport.dev/policy': 'accesspolicy.shop.cart-callers',
        'meshport.dev/policy-state': 'rejected',
        'meshport.dev/policy-clusters': 'west=rejected',
      });
      // the reverse relation: the service's page lists the policies about it
      await eventually(async () => {
        const ratings = find(
          await meshEntities(),
          'component:default/ratings.bookinfo',
        )!;
        expect(relationsOf(ratings)).toContain(
          'dependencyOf resource:default/trafficpolicy.bookinfo.ratings-timeout',
        );
      });
    });

    it('names a long policy, and one ref in two repositories, validly and apart', async () => {
      const other = 'gitlab.example?owner=platform&repo=policies';
      const retries = policy('bookinfo/reviews-retries');
      state.policies = policiesResponse(
        [
          retries,
          { ...retries, repository: other },
          policy(`bookinfo/reviews-${'a'.repeat(60)}`),
        ],
        [
          repository(),
          repository({
            url: other,
            webUrl: 'https://gitlab.example/platform/policies',
            provider: 'gitlab',
          }),
        ],
      );
      await publishDemoFleet();
      const names = await eventually(async () => {
        const items = await policyEntities();
        expect(items).toHaveLength(3);
        return items.map(e => e.metadata.name).sort();
      });
      expect(names).toEqual([
        expect.stringMatching(
          /^trafficpolicy\.bookinfo\.reviews-a+-[0-9a-f]{8}$/,
        ),
        'trafficpolicy.bookinfo.reviews-retries',
        expect.stringMatching(
          /^trafficpolicy\.bookinfo\.reviews-retries-[0-9a-f]{8}$/,
        ),
      ]);
      expect(names[0].length).toBeLessThanOrEqual(63);
    });

    it('publishes the rest of the fleet from a mesh backend without the policies route', async () => {
      state.policies = 'route-missing';
      await publishDemoFleet();
      expect(await policyEntities()).toEqual([]);
    });

    it('keeps the policy entities while the policies cannot be read, marked stale, then removes one a sync no longer finds', async () => {
      await publishDemoFleet();
      await eventually(async () => {
        expect(refsOf(await policyEntities())).toEqual(demoRefs);
      });

      state.policies = 'failing';
      await scheduler.triggerTask(TASK_ID);
      await eventually(async () => {
        const items = await policyEntities();
        expect(refsOf(items)).toEqual(demoRefs);
        expect(
          items.every(
            e => e.metadata.annotations?.['meshport.dev/stale'] === 'true',
          ),
        ).toBe(true);
      });

      state.policies = policiesResponse(
        policiesResponse().items.filter(p => p.name !== 'reviews-canary'),
      );
      await scheduler.triggerTask(TASK_ID);
      await eventually(async () => {
        const items = await policyEntities();
        expect(refsOf(items)).toEqual(
          demoRefs.filter(
            r => !r.includes('reviews-canary') && !r.includes('productpage'),
          ),
        );
        expect(
          items.some(e => e.metadata.annotations?.['meshport.dev/stale']),
        ).toBe(false);
      });
    });
  });
});
