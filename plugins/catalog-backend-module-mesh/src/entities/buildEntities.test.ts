import {
  Entity,
  makeValidator,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  cluster,
  demoFleet,
  disputedService,
  fleet,
  instance,
  mesh,
  service,
} from '../__fixtures__/fleet';
import { buildEntities, BuildEntitiesOptions } from './buildEntities';
import { fleetToView } from './fleetView';
import { pairKey } from './trafficDependencies';

const options: BuildEntitiesOptions = {
  locationRef: 'meshport-provider:default',
  namespace: 'default',
  defaultOwner: 'group:default/platform',
  excludeNamespaces: ['istio-system'],
  components: true,
  appBaseUrl: 'http://localhost:3000/',
  claimedServices: new Set(),
};

const refs = (entities: Entity[]) => entities.map(e => stringifyEntityRef(e));
const byRef = (entities: Entity[], ref: string) =>
  entities.find(e => stringifyEntityRef(e) === ref)!;

describe('buildEntities', () => {
  const entities = buildEntities(fleetToView(demoFleet()), options);

  it('relates callers to callees from traffic, pointing at whichever entity stands for each', () => {
    const withTraffic = buildEntities(fleetToView(demoFleet()), {
      ...options,
      // productpage is claimed by a hand-written entity: it has no generated Component
      claimedServices: new Set(['bookinfo/productpage']),
      claimRefs: new Map([
        ['bookinfo/productpage', 'component:web/product-page'],
      ]),
      dependencies: new Set([
        pairKey('bookinfo/productpage', 'bookinfo/reviews'),
        pairKey('bookinfo/reviews', 'bookinfo/ratings'),
        // a service this provider does not publish and nobody claims: no relation
        pairKey('bookinfo/reviews', 'istio-system/istiod'),
      ]),
    });
    const spec = (ref: string) =>
      byRef(withTraffic, ref).spec as Record<string, unknown>;
    expect(spec('component:default/reviews.bookinfo').dependsOn).toContain(
      'component:default/ratings.bookinfo',
    );
    expect(
      (spec('component:default/reviews.bookinfo').dependsOn as string[]).filter(
        r => r.startsWith('component:'),
      ),
    ).toEqual(['component:default/ratings.bookinfo']);
    // the hand-written caller is not ours to change: its callee names it instead
    expect(spec('component:default/reviews.bookinfo').dependencyOf).toEqual([
      'component:web/product-page',
    ]);
    expect(
      spec('component:default/ratings.bookinfo').dependencyOf,
    ).toBeUndefined();
  });

  it('publishes clusters, meshes and services', () => {
    expect(refs(entities)).toEqual([
      'resource:default/east',
      'resource:default/west',
      'resource:default/istio-mesh1',
      'component:default/productpage.bookinfo',
      'component:default/ratings.bookinfo',
      'component:default/reviews.bookinfo',
      'component:default/cart.shop',
    ]);
    for (const entity of entities) {
      expect(makeValidator().isValidEntityName(entity.metadata.name)).toBe(
        true,
      );
      expect(entity.metadata.annotations).toMatchObject({
        'backstage.io/managed-by-location': 'meshport-provider:default',
        'backstage.io/managed-by-origin-location': 'meshport-provider:default',
      });
    }
  });

  it('describes a service for the mesh UI and the Kubernetes plugin', () => {
    const reviews = byRef(entities, 'component:default/reviews.bookinfo');
    expect(reviews.metadata.annotations).toMatchObject({
      'meshport.dev/service': 'bookinfo/reviews',
      'backstage.io/kubernetes-id': 'reviews',
      'backstage.io/kubernetes-namespace': 'bookinfo',
      'meshport.dev/clusters': 'east,west',
      'meshport.dev/data-plane-mode': 'ambient,sidecar',
    });
    expect(reviews.metadata.annotations).not.toHaveProperty(
      'meshport.dev/stale',
    );
    expect(reviews.metadata.links).toEqual([
      {
        url: 'http://localhost:3000/mesh/services/bookinfo/reviews',
        title: 'Mesh service',
        icon: 'dashboard',
      },
    ]);
    expect(reviews.spec).toEqual({
      type: 'service',
      lifecycle: 'production',
      owner: 'group:default/team-reviews',
      dependsOn: [
        'resource:default/east',
        'resource:default/west',
        'resource:default/istio-mesh1',
      ],
    });
  });

  it('owns services as the mesh resolved, else by the default', () => {
    const owner = (ref: string) => byRef(entities, ref).spec?.owner;
    expect(owner('component:default/reviews.bookinfo')).toBe(
      'group:default/team-reviews',
    );
    expect(owner('component:default/cart.shop')).toBe(
      'group:default/team-shop',
    );
    expect(owner('component:default/ratings.bookinfo')).toBe(
      'group:default/platform',
    );
    expect(owner('resource:default/east')).toBe('group:default/platform');
  });

  it('names no owner for a disputed service, and says who disputes it', () => {
    const [reviews] = buildEntities(
      fleetToView(
        fleet({
          clusters: [cluster('a-dev'), cluster('east')],
          services: [
            disputedService('bookinfo/reviews', {
              'a-dev': 'group:default/mallory-team',
              east: 'group:default/team-reviews',
            }),
          ],
        }),
      ),
      options,
    ).filter(e => e.kind === 'Component');
    expect(reviews.spec?.owner).toBe('group:default/platform');
    expect(
      reviews.metadata.annotations?.['meshport.dev/ownership-conflict'],
    ).toBe(
      'group:default/mallory-team (Service label in a-dev) vs group:default/team-reviews (Service label in east)',
    );
  });

  it('relates a mesh to its clusters', () => {
    expect(byRef(entities, 'resource:default/istio-mesh1').spec).toEqual({
      type: 'service-mesh',
      owner: 'group:default/platform',
      dependsOn: ['resource:default/east', 'resource:default/west'],
    });
  });

  it('leaves out claimed services, excluded namespaces, or all Components', () => {
    const view = fleetToView(
      fleet({
        ...demoFleet(),
        services: [
          ...demoFleet().services,
          service('istio-system/istiod', [instance('east')]),
        ],
      }),
    );
    const claimed = buildEntities(view, {
      ...options,
      claimedServices: new Set(['bookinfo/productpage']),
    });
    expect(refs(claimed)).not.toContain(
      'component:default/productpage.bookinfo',
    );
    expect(refs(claimed).filter(r => r.includes('istiod'))).toEqual([]);

    const noComponents = buildEntities(view, { ...options, components: false });
    expect(refs(noComponents)).toEqual([
      'resource:default/east',
      'resource:default/west',
      'resource:default/istio-mesh1',
    ]);
  });

  it('never collides: same name in two namespaces, a cluster named like a mesh', () => {
    const built = buildEntities(
      fleetToView(
        fleet({
          clusters: [cluster('istio-mesh1')],
          meshes: [mesh('istio-mesh1', ['istio-mesh1'])],
          services: [
            service('a/api', [instance('istio-mesh1')]),
            service('b/api', [instance('istio-mesh1')]),
            service(`${'n'.repeat(63)}/${'s'.repeat(63)}`, [
              instance('istio-mesh1'),
            ]),
          ],
        }),
      ),
      { ...options, namespace: 'mesh' },
    );
    const names = refs(built);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toContain('resource:mesh/istio-mesh1');
    expect(names).toContain('component:mesh/api.a');
    expect(names).toContain('component:mesh/api.b');
    for (const entity of built) {
      expect(makeValidator().isValidEntityName(entity.metadata.name)).toBe(
        true,
      );
    }
    const component = byRef(built, 'component:mesh/api.a');
    const meshName = built.find(
      e => e.metadata.annotations?.['meshport.dev/mesh'] === 'istio-mesh1',
    )!.metadata.name;
    expect(component.spec?.dependsOn).toEqual([
      'resource:mesh/istio-mesh1',
      `resource:mesh/${meshName}`,
    ]);
  });

  it('marks a service stale only when every cluster it runs on is stale', () => {
    const view = fleetToView(
      fleet({
        clusters: [cluster('east'), cluster('west', 'stale')],
        services: [
          service('bookinfo/reviews', [
            instance('east'),
            instance('west', { stale: true }),
          ]),
          service('shop/cart', [instance('west', { stale: true })]),
        ],
      }),
    );
    const built = buildEntities(view, options);
    expect(
      byRef(built, 'component:default/reviews.bookinfo').metadata.annotations,
    ).not.toHaveProperty('meshport.dev/stale');
    expect(
      byRef(built, 'component:default/cart.shop').metadata.annotations,
    ).toMatchObject({
      'meshport.dev/stale': 'true',
      'meshport.dev/stale-reason':
        'cluster west is unreachable (unreachable: connect ECONNREFUSED, data from 2025-01-01T00:00:00Z)',
    });
    expect(
      byRef(built, 'resource:default/west').metadata.annotations,
    ).toMatchObject({
      'meshport.dev/sync-state': 'stale',
      'meshport.dev/stale': 'true',
    });
  });

  it('does not relate services outside the data plane to the mesh', () => {
    const built = buildEntities(
      fleetToView(
        fleet({
          clusters: [cluster('east')],
          meshes: [mesh('istio-mesh1', ['east'])],
          services: [
            service('legacy/db', [instance('east', { dataPlaneMode: 'none' })]),
          ],
        }),
      ),
      options,
    );
    expect(byRef(built, 'component:default/db.legacy').spec?.dependsOn).toEqual(
      ['resource:default/east'],
    );
  });
});
