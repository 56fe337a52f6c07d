import { POLICIES_ANNOTATION } from './constants';
import {
  legacyPolicyPath,
  legacyRenderedPath,
  policyDestinations,
  policyPath,
  renderedPath,
  renderedService,
  RenderedFileSubject,
  renderRepository,
} from './render';
import { multiPrimaryFleet } from './__fixtures__/fleets';
import { accessGrant, failover, seedPolicy } from './__fixtures__/policies';

const object = (namespace: string, policies?: string): RenderedFileSubject => ({
  kind: 'VirtualService',
  metadata: {
    namespace,
    name: 'meshport-reviews',
    annotations:
      policies === undefined ? {} : { [POLICIES_ANNOTATION]: policies },
  },
});

describe('policyPath', () => {
  it('files each kind under its destination service', () => {
    expect([seedPolicy(), accessGrant(), failover()].map(policyPath)).toEqual([
      'policies/bookinfo/reviews/trafficpolicy-reviews-shift.yaml',
      'policies/bookinfo/reviews/accesspolicy-productpage-reads-reviews.yaml',
      'policies/bookinfo/reviews/virtualdestination-reviews-global.yaml',
    ]);
  });

  it("files a policy of another namespace under the destination, in its own namespace's folder", () => {
    const shop = seedPolicy();
    shop.metadata.namespace = 'shop';
    const paths = [policyPath(seedPolicy()), policyPath(shop)];
    expect(paths).toEqual([
      'policies/bookinfo/reviews/trafficpolicy-reviews-shift.yaml',
      'policies/bookinfo/reviews/shop/trafficpolicy-reviews-shift.yaml',
    ]);
    expect(legacyPolicyPath(shop)).toBe(
      'policies/shop/trafficpolicy-reviews-shift.yaml',
    );
  });
});

describe('renderedService', () => {
  const destinations = policyDestinations([
    seedPolicy(),
    accessGrant(),
    {
      ...accessGrant(),
      metadata: { name: 'to-ratings', namespace: 'bookinfo' },
      spec: {
        ...accessGrant().spec,
        destination: { service: 'ratings', namespace: 'bookinfo' },
      },
    },
  ]);

  it.each([
    [
      'one policy',
      'bookinfo',
      'trafficpolicy.bookinfo.reviews-shift',
      'reviews',
    ],
    [
      'two policies about one service',
      'bookinfo',
      'accesspolicy.bookinfo.productpage-reads-reviews,trafficpolicy.bookinfo.reviews-shift',
      'reviews',
    ],
    [
      'policies about two services',
      'bookinfo',
      'accesspolicy.bookinfo.to-ratings,trafficpolicy.bookinfo.reviews-shift',
      undefined,
    ],
    [
      "an object outside the destination's namespace",
      'istio-system',
      'trafficpolicy.bookinfo.reviews-shift',
      undefined,
    ],
    [
      'a policy not given',
      'bookinfo',
      'trafficpolicy.bookinfo.other',
      undefined,
    ],
    ['no policies annotation', 'bookinfo', undefined, undefined],
    ['an empty annotation', 'bookinfo', '', undefined],
  ])('%s', (_case, namespace, policies, expected) => {
    expect(renderedService(object(namespace, policies), destinations)).toBe(
      expected,
    );
  });

  it('takes the first of two policies sharing a ref, as compile does', () => {
    const moved = seedPolicy();
    moved.spec.destination = { service: 'ratings', namespace: 'bookinfo' };
    const first = policyDestinations([seedPolicy(), moved]);
    expect(
      renderedService(
        object('bookinfo', 'trafficpolicy.bookinfo.reviews-shift'),
        first,
      ),
    ).toBe('reviews');
  });
});

describe('renderedPath', () => {
  it('puts an object about one service in its folder, any other at the namespace root', () => {
    const destinations = policyDestinations([seedPolicy()]);
    expect(
      renderedPath(
        'cluster-1',
        object('bookinfo', 'trafficpolicy.bookinfo.reviews-shift'),
        destinations,
      ),
    ).toBe(
      'rendered/cluster-1/bookinfo/reviews/virtualservice-meshport-reviews.yaml',
    );
    expect(renderedPath('cluster-1', object('bookinfo'), destinations)).toBe(
      'rendered/cluster-1/bookinfo/virtualservice-meshport-reviews.yaml',
    );
  });

  it('maps a path of a service folder back to the layout before it', () => {
    expect(
      legacyRenderedPath('rendered/c/bookinfo/reviews/virtualservice-x.yaml'),
    ).toBe('rendered/c/bookinfo/virtualservice-x.yaml');
    expect(
      legacyRenderedPath('rendered/c/istio-system/gateway-x.yaml'),
    ).toBeUndefined();
  });

  it('files the shared federation Gateway at the root and the rest under reviews', () => {
    const files = Object.keys(
      renderRepository(
        [seedPolicy(), accessGrant(), failover()],
        multiPrimaryFleet(),
      ).files,
    );
    const outside = files.filter(
      f =>
        !f.startsWith('rendered/cluster-1/bookinfo/reviews/') &&
        !f.startsWith('rendered/cluster-2/bookinfo/reviews/') &&
        !f.startsWith('policies/bookinfo/reviews/'),
    );
    expect(
      outside.every(f => /^rendered\/[^/]+\/istio-system\/[^/]+$/.test(f)),
    ).toBe(true);
  });
});
