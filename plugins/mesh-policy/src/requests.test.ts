import { parsePolicy } from './schema';
import {
  accessPolicyFromRequest,
  routeFromRequest,
  trafficPolicyFromRequest,
} from './requests';

describe('trafficPolicyFromRequest', () => {
  it('builds the policy a route request asks for, dropping rows left empty', () => {
    const document = trafficPolicyFromRequest({
      service: 'bookinfo/reviews',
      sourceClusters: ['cluster-1'],
      route: [
        { cluster: 'cluster-1', subset: { version: 'v1' }, weight: 80 },
        { cluster: '', subset: '', weight: '' },
        { cluster: 'cluster-2', weight: 20 },
      ],
      timeout: '',
      retries: { attempts: 3, perTryTimeout: '2s', retryOn: [] },
    });
    expect(document).toEqual({
      apiVersion: 'meshport.dev/v1alpha1',
      kind: 'TrafficPolicy',
      metadata: {
        name: expect.stringMatching(/^reviews-from-cluster-1/),
        namespace: 'bookinfo',
      },
      spec: {
        sources: [{ cluster: 'cluster-1' }],
        destination: { service: 'reviews', namespace: 'bookinfo' },
        route: [
          { cluster: 'cluster-1', subset: { version: 'v1' }, weight: 80 },
          { cluster: 'cluster-2', weight: 20 },
        ],
        retries: { attempts: 3, perTryTimeout: '2s' },
      },
    });
    expect(parsePolicy(document)).toMatchObject({ ok: true });
  });

  it('keeps a half-filled row, so the schema can say which half is missing', () => {
    expect(routeFromRequest([{}, { weight: 50 }, { cluster: 'c' }])).toEqual([
      { row: 1, target: { weight: 50 } },
      { row: 2, target: { cluster: 'c' } },
    ]);
    const document = trafficPolicyFromRequest({
      service: 'bookinfo/reviews',
      name: 'reviews-canary',
      route: [{ cluster: 'cluster-1', weight: 100 }, { cluster: 'cluster-2' }],
    });
    expect(document).toMatchObject({
      metadata: { name: 'reviews-canary' },
      spec: {
        route: [
          { cluster: 'cluster-1', weight: 100 },
          { cluster: 'cluster-2' },
        ],
      },
    });
    expect(parsePolicy(document)).toMatchObject({
      ok: false,
      errors: [
        expect.objectContaining({ path: expect.stringContaining('route') }),
      ],
    });
  });

  it('asks for no retries without attempts, and names a route with no sources', () => {
    const document = trafficPolicyFromRequest({
      service: 'shop/cart',
      timeout: '5s',
      retries: { perTryTimeout: '1s' },
    }) as { metadata: { name: string }; spec: Record<string, unknown> };
    expect(document.spec).toEqual({
      destination: { service: 'cart', namespace: 'shop' },
      timeout: '5s',
    });
    expect(document.metadata.name).toMatch(/^cart-route/);
  });
});

describe('accessPolicyFromRequest', () => {
  it('builds the grant, whole namespaces where no service account is named', () => {
    const document = accessPolicyFromRequest({
      service: 'bookinfo/ratings',
      port: 9080,
      sources: [
        {
          cluster: 'cluster-1',
          namespace: 'bookinfo',
          serviceAccount: 'reviews',
        },
        { cluster: 'cluster-2', namespace: 'shop', serviceAccount: '' },
      ],
      methods: ['GET'],
      paths: [],
      ports: [9080],
    });
    expect(document).toEqual({
      apiVersion: 'meshport.dev/v1alpha1',
      kind: 'AccessPolicy',
      metadata: {
        name: expect.stringMatching(/^reviews-cluster-1-and-1-more-to-ratings/),
        namespace: 'bookinfo',
      },
      spec: {
        sources: [
          {
            cluster: 'cluster-1',
            namespace: 'bookinfo',
            serviceAccount: 'reviews',
          },
          { cluster: 'cluster-2', namespace: 'shop' },
        ],
        destination: { service: 'ratings', namespace: 'bookinfo', port: 9080 },
        allow: { methods: ['GET'], ports: [9080] },
      },
    });
    expect(parsePolicy(document)).toMatchObject({ ok: true });
  });
});
