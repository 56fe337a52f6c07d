import {
  Entity,
  FieldFormatEntityPolicy,
  makeValidator,
  resourceEntityV1alpha1Validator,
  SchemaValidEntityPolicy,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import type { PolicyLifecycle } from '@meshport/backstage-plugin-mesh-common';
import {
  cluster,
  demoFleet,
  disputedService,
  fleet,
  mesh,
} from '../__fixtures__/fleet';
import {
  demoPolicies,
  policiesResponse,
  policy,
  REPOSITORY,
  repository,
} from '../__fixtures__/policies';
import { buildEntities, BuildEntitiesOptions } from './buildEntities';
import { fleetToView } from './fleetView';
import { policiesToView } from './policiesView';
import { policyFileUrl } from './policyEntities';

const options: BuildEntitiesOptions = {
  locationRef: 'meshport-provider:default',
  namespace: 'default',
  defaultOwner: 'group:default/platform',
  excludeNamespaces: ['istio-system'],
  components: true,
  claimedServices: new Set(),
};

/** The policy entities built from `items` over the demo fleet (or `fleetValue`). */
function build(
  items: PolicyLifecycle[],
  extra: Partial<BuildEntitiesOptions> = {},
  fleetValue = demoFleet(),
  published: Entity[] = [],
): Entity[] {
  return buildEntities(fleetToView(fleetValue), {
    ...options,
    ...extra,
    policies: policiesToView(
      { status: 'ok', response: policiesResponse(items) },
      published,
    ),
  }).filter(e => e.spec?.type === 'mesh-policy');
}

const byRef = (entities: Entity[], ref: string) =>
  entities.find(e => e.metadata.annotations?.['meshport.dev/policy'] === ref)!;

describe('policy entities', () => {
  const entities = build(demoPolicies());

  it('publishes one valid mesh-policy Resource per policy, in a stable order', async () => {
    expect(entities.map(e => stringifyEntityRef(e))).toEqual([
      'resource:default/accesspolicy.shop.cart-callers',
      'resource:default/trafficpolicy.bookinfo.ratings-timeout',
      'resource:default/trafficpolicy.bookinfo.reviews-canary',
      'resource:default/trafficpolicy.bookinfo.reviews-retries',
    ]);
    for (const entity of entities) {
      await expect(
        new SchemaValidEntityPolicy().enforce(entity),
      ).resolves.toBeDefined();
      await expect(
        new FieldFormatEntityPolicy().enforce(entity),
      ).resolves.toBeDefined();
      await expect(resourceEntityV1alpha1Validator.check(entity)).resolves.toBe(
        true,
      );
    }
    expect(build(demoPolicies())).toEqual(entities);
  });

  it('describes a policy applied everywhere', () => {
    expect(byRef(entities, 'trafficpolicy.bookinfo.reviews-retries')).toEqual({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: {
        name: 'trafficpolicy.bookinfo.reviews-retries',
        namespace: 'default',
        title: 'TrafficPolicy bookinfo/reviews-retries',
        description:
          'TrafficPolicy bookinfo/reviews-retries for bookinfo/reviews: applied in east, west',
        annotations: {
          'backstage.io/managed-by-location': 'meshport-provider:default',
          'backstage.io/managed-by-origin-location':
            'meshport-provider:default',
          'meshport.dev/policy': 'trafficpolicy.bookinfo.reviews-retries',
          'meshport.dev/policy-state': 'applied',
          'meshport.dev/policy-clusters': 'east=applied,west=applied',
          'meshport.dev/policy-repository': REPOSITORY,
          'backstage.io/view-url':
            'https://github.com/acme/mesh-policies/blob/main/services/bookinfo/reviews-retries/trafficpolicy-reviews-retries.yaml',
        },
        links: [
          {
            url: 'https://github.com/acme/mesh-policies/pull/1',
            title: 'Pull request #1 (merged)',
          },
          {
            url: 'https://github.com/acme/mesh-policies/blob/main/services/bookinfo/reviews-retries/trafficpolicy-reviews-retries.yaml',
            title: 'Policy file on main',
          },
          {
            url: 'https://github.com/acme/mesh-policies',
            title: 'Policy repository',
          },
        ],
      },
      spec: {
        type: 'mesh-policy',
        owner: 'group:default/team-reviews',
        dependsOn: ['component:default/reviews.bookinfo'],
      },
    });
  });

  it('describes a requested policy by its open pull request', () => {
    const canary = byRef(entities, 'trafficpolicy.bookinfo.reviews-canary');
    expect(canary.metadata.description).toBe(
      'TrafficPolicy bookinfo/reviews-canary for bookinfo/reviews: requested in pull request #4, not merged yet',
    );
    expect(canary.metadata.annotations).toMatchObject({
      'meshport.dev/policy-state': 'requested',
      'backstage.io/view-url': 'https://github.com/acme/mesh-policies/pull/4',
    });
    expect(canary.metadata.annotations).not.toHaveProperty(
      'meshport.dev/policy-clusters',
    );
    expect(canary.metadata.links?.map(l => l.title)).toEqual([
      'Pull request #4 (open)',
      'Policy repository',
    ]);
  });

  it('lists the worst cluster states first for a drifted or rejected policy', () => {
    const ratings = byRef(entities, 'trafficpolicy.bookinfo.ratings-timeout');
    expect(ratings.metadata.description).toBe(
      'TrafficPolicy bookinfo/ratings-timeout for bookinfo/ratings: drifted in west; applied in east',
    );
    expect(ratings.metadata.annotations).toMatchObject({
      'meshport.dev/policy-state': 'drifted',
      'meshport.dev/policy-clusters': 'east=applied,west=drifted',
    });
    const cart = byRef(entities, 'accesspolicy.shop.cart-callers');
    expect(cart.metadata).toMatchObject({
      title: 'AccessPolicy shop/cart-callers',
      description:
        'AccessPolicy shop/cart-callers for shop/cart: rejected by Istio in west',
    });
    expect(cart.spec).toEqual({
      type: 'mesh-policy',
      owner: 'group:default/team-shop',
      dependsOn: ['component:default/cart.shop'],
    });
  });

  describe('owner', () => {
    const ownerOf = (
      p: Partial<PolicyLifecycle>,
      fleetValue = demoFleet(),
    ): unknown =>
      build([policy('bookinfo/reviews-retries', p)], {}, fleetValue)[0].spec
        ?.owner;

    it('is the requesting team, as a full ref', () => {
      expect(ownerOf({ owner: 'team-mobile' })).toBe(
        'group:default/team-mobile',
      );
      expect(ownerOf({ owner: undefined, request: { team: 'team-web' } })).toBe(
        'group:default/team-web',
      );
    });

    it("falls back to the destination's owner when no team is known, or it is no entity ref", () => {
      expect(ownerOf({ owner: undefined })).toBe('group:default/team-reviews');
      expect(ownerOf({ owner: 'not a ref: at all' })).toBe(
        'group:default/team-reviews',
      );
      expect(
        ownerOf({
          owner: undefined,
          destinations: ['bookinfo/ratings', 'shop/cart'],
        }),
      ).toBe('group:default/team-shop');
    });

    it('falls back to the default owner when the destination has none, or a disputed one', () => {
      expect(
        ownerOf({ owner: undefined, destinations: ['bookinfo/ratings'] }),
      ).toBe('group:default/platform');
      expect(
        ownerOf({ owner: undefined, destinations: ['bookinfo/unknown'] }),
      ).toBe('group:default/platform');
      const disputed = {
        ...demoFleet(),
        services: demoFleet().services.map(s =>
          s.id === 'bookinfo/reviews'
            ? disputedService('bookinfo/reviews', {
                east: 'group:default/team-reviews',
                west: 'group:default/mallory',
              })
            : s,
        ),
      };
      expect(ownerOf({ owner: undefined }, disputed)).toBe(
        'group:default/platform',
      );
    });
  });

  describe('dependsOn', () => {
    it('points at the entity that claims the destination', () => {
      const [entity] = build([policy('bookinfo/productpage-retries')], {
        claimedServices: new Set(['bookinfo/productpage']),
        claimRefs: new Map([
          ['bookinfo/productpage', 'component:web/product-page'],
        ]),
      });
      expect(entity.spec?.dependsOn).toEqual(['component:web/product-page']);
    });

    it('names no entity the catalog does not have', () => {
      const [unknown, excluded] = build([
        policy('bookinfo/ghost-retries'),
        policy('istio-system/istiod-x', {
          destinations: ['istio-system/istiod'],
        }),
      ]);
      expect(unknown.spec?.dependsOn).toEqual([]);
      expect(excluded.spec?.dependsOn).toEqual([]);
      const [withoutComponents] = build([policy('bookinfo/reviews-retries')], {
        components: false,
      });
      expect(withoutComponents.spec?.dependsOn).toEqual([]);
    });
  });

  describe('names', () => {
    it('keeps a cluster named like a policy, and hashes the policy, stably', () => {
      const ref = 'trafficpolicy.bookinfo.reviews-retries';
      const clash = fleet({
        clusters: [cluster('east'), cluster(ref)],
        meshes: [mesh('istio-mesh1', ['east'])],
        services: demoFleet().services,
      });
      const all = buildEntities(fleetToView(clash), {
        ...options,
        policies: policiesToView(
          {
            status: 'ok',
            response: policiesResponse([policy('bookinfo/reviews-retries')]),
          },
          [],
        ),
      });
      const names = all
        .filter(e => e.kind === 'Resource')
        .map(e => e.metadata.name);
      expect(names).toContain(ref);
      const policyName = byRef(all, ref).metadata.name;
      expect(policyName).toMatch(
        /^trafficpolicy\.bookinfo\.reviews-retries-[0-9a-f]{8}$/,
      );
      expect(new Set(names).size).toBe(names.length);
    });

    it('fits a long ref into 63 characters, the same on every refresh', () => {
      const name = `${'a'.repeat(60)}-${'b'.repeat(2)}`;
      const long = policy(`bookinfo/${name}`);
      const [first] = build([long]);
      expect(first.metadata.name.length).toBeLessThanOrEqual(63);
      expect(makeValidator().isValidEntityName(first.metadata.name)).toBe(true);
      expect(first.metadata.name).toMatch(
        /^trafficpolicy\.bookinfo\.a+-[0-9a-f]{8}$/,
      );
      // another refresh, with another policy listed before it: the same name
      const [, again] = build([policy('bookinfo/aaa'), long]);
      expect(again.metadata.name).toBe(first.metadata.name);
    });

    it('rewrites a ref outside the name alphabet into a valid name', () => {
      const odd = {
        ...policy('bookinfo/reviews-retries'),
        ref: 'trafficpolicy.book info.reviews--retries',
      };
      const [entity] = build([odd]);
      expect(entity.metadata.name).toBe(
        'trafficpolicy.book-info.reviews-retries',
      );
      expect(entity.metadata.annotations?.['meshport.dev/policy']).toBe(
        odd.ref,
      );
    });

    it('gives the same ref in two repositories two names', () => {
      const other = 'gitlab.example?owner=p&repo=q';
      const first = policy('bookinfo/reviews-retries');
      const all = buildEntities(fleetToView(demoFleet()), {
        ...options,
        policies: policiesToView(
          {
            status: 'ok',
            response: policiesResponse(
              [first, { ...first, repository: other }],
              [repository(), repository({ url: other })],
            ),
          },
          [],
        ),
      }).filter(e => e.spec?.type === 'mesh-policy');
      // the first by repository keeps the plain name, as between two clusters
      expect(all.map(e => e.metadata.name)).toEqual([
        'trafficpolicy.bookinfo.reviews-retries',
        expect.stringMatching(
          /^trafficpolicy\.bookinfo\.reviews-retries-[0-9a-f]{8}$/,
        ),
      ]);
    });
  });

  it("publishes a kept entity as it was, under its name, marked stale, without the catalog's fields", () => {
    const [previous] = build([policy('bookinfo/reviews-retries')]);
    const stored: Entity = {
      ...previous,
      metadata: { ...previous.metadata, uid: 'u', etag: 'e', generation: 3 },
    };
    const [kept] = buildEntities(fleetToView(demoFleet()), {
      ...options,
      policies: policiesToView({ status: 'unavailable' }, [stored]),
    }).filter(e => e.spec?.type === 'mesh-policy');
    expect(kept).toEqual({
      ...previous,
      metadata: {
        ...previous.metadata,
        annotations: {
          ...previous.metadata.annotations,
          'meshport.dev/stale': 'true',
          'meshport.dev/stale-reason':
            'the mesh backend did not answer for policies: the state is the last one read',
        },
      },
    });
  });

  it('links to a GitLab merge request and file, and shows no link that is not http(s)', () => {
    const gitlab = repository({
      provider: 'gitlab',
      webUrl: 'https://gitlab.example/platform/mesh policies/',
      branch: 'release/2026',
    });
    expect(policyFileUrl(gitlab, 'services/a b/#1.yaml')).toBe(
      'https://gitlab.example/platform/mesh policies/-/blob/release/2026/services/a%20b/%231.yaml',
    );
    const [entity] = buildEntities(fleetToView(demoFleet()), {
      ...options,
      policies: policiesToView(
        {
          status: 'ok',
          response: policiesResponse(
            [
              policy('bookinfo/reviews-retries', {
                pullRequest: {
                  ...policy('x/y').pullRequest!,
                  url: 'file:///etc/passwd',
                },
              }),
            ],
            [{ ...gitlab, webUrl: 'https://gitlab.example/platform/policies' }],
          ),
        },
        [],
      ),
    }).filter(e => e.spec?.type === 'mesh-policy');
    expect(entity.metadata.links).toEqual([
      {
        url: 'https://gitlab.example/platform/policies/-/blob/release/2026/services/bookinfo/reviews-retries/trafficpolicy-reviews-retries.yaml',
        title: 'Policy file on release/2026',
      },
      {
        url: 'https://gitlab.example/platform/policies',
        title: 'Policy repository',
      },
    ]);
  });
});
