import {
  cluster,
  demoFleet,
  disputedService,
  fleet,
  instance,
  mesh,
  service,
} from '../__fixtures__/fleet';
import { buildEntities } from './buildEntities';
import { fleetToView } from './fleetView';
import { lastKnownFromEntities, retainLastKnown } from './lastKnown';

const options = {
  locationRef: 'meshport-provider:default',
  namespace: 'default',
  defaultOwner: 'group:default/platform',
  excludeNamespaces: [],
  components: true,
  claimedServices: new Set<string>(),
};

/** What the provider published from the demo fleet, as read back from the catalog. */
const published = () =>
  lastKnownFromEntities(buildEntities(fleetToView(demoFleet()), options));

describe('lastKnownFromEntities', () => {
  it('reads back services and meshes', () => {
    const lastKnown = published();
    expect(lastKnown.meshes).toEqual([
      { id: 'istio-mesh1', kind: 'istio', clusters: ['east', 'west'] },
    ]);
    expect(lastKnown.services.find(s => s.name === 'reviews')).toEqual({
      namespace: 'bookinfo',
      name: 'reviews',
      owner: 'group:default/team-reviews',
      placements: [
        { cluster: 'east', stale: true },
        { cluster: 'west', stale: true },
      ],
      dataPlaneModes: ['ambient', 'sidecar'],
    });
  });
});

describe('retainLastKnown', () => {
  it('changes nothing while every cluster is reachable', () => {
    const current = fleetToView(fleet({ clusters: [cluster('east')] }));
    expect(retainLastKnown(current, published())).toBe(current);
  });

  it('keeps what a stale cluster lost, marked stale', () => {
    // West is down and the mesh backend lost its last-known-good data.
    const current = fleetToView(
      fleet({
        clusters: [cluster('east'), cluster('west', 'stale')],
        meshes: [mesh('istio-mesh1', ['east'])],
        services: [
          service('bookinfo/reviews', [instance('east')], 'team-reviews'),
          service('bookinfo/ratings', [instance('east')]),
          service('bookinfo/productpage', [instance('east')]),
        ],
      }),
    );
    const view = retainLastKnown(current, published());
    const byId = new Map(
      view.services.map(s => [`${s.namespace}/${s.name}`, s]),
    );
    expect(byId.get('bookinfo/reviews')!.placements).toEqual([
      { cluster: 'east', stale: false },
      { cluster: 'west', stale: true },
    ]);
    expect(byId.get('shop/cart')).toEqual({
      namespace: 'shop',
      name: 'cart',
      owner: 'group:default/team-shop',
      placements: [{ cluster: 'west', stale: true }],
      dataPlaneModes: ['sidecar'],
    });
    expect(view.meshes).toEqual([
      { id: 'istio-mesh1', kind: 'istio', clusters: ['east', 'west'] },
    ]);
  });

  it('drops a service that a reachable cluster no longer has', () => {
    const current = fleetToView(
      fleet({
        clusters: [cluster('east'), cluster('west', 'stale')],
        services: [],
      }),
    );
    const view = retainLastKnown(current, published());
    expect(view.services.map(s => `${s.namespace}/${s.name}`).sort()).toEqual([
      'bookinfo/reviews',
      'shop/cart',
    ]);
    expect(view.services.find(s => s.name === 'reviews')!.placements).toEqual([
      { cluster: 'west', stale: true },
    ]);
  });

  it('keeps nothing for a cluster removed from the fleet', () => {
    const current = fleetToView(
      fleet({ clusters: [cluster('east'), cluster('north', 'stale')] }),
    );
    const view = retainLastKnown(current, published());
    expect(view.services).toEqual([]);
  });

  it('keeps a disputed service disputed', () => {
    const disputed = lastKnownFromEntities(
      buildEntities(
        fleetToView(
          fleet({
            clusters: [cluster('east'), cluster('west')],
            services: [
              disputedService('bookinfo/reviews', {
                east: 'group:default/team-reviews',
                west: 'group:default/mallory-team',
              }),
            ],
          }),
        ),
        options,
      ),
    );
    expect(disputed.services[0]).toMatchObject({
      owner: 'group:default/platform',
      ownershipConflict:
        'group:default/team-reviews (Service label in east) vs group:default/mallory-team (Service label in west)',
    });
  });
});
