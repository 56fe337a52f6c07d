import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { ANNOTATION_ORIGIN_LOCATION } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  MESH_PROVIDER_LOCATION_TYPE,
  MESH_SERVICE_ANNOTATION,
  type ServiceRef,
  type ServiceTraffic,
} from '@meshport/backstage-plugin-mesh-common';
import type { MeshTrafficSource } from '@meshport/backstage-plugin-mesh-node';
import request from 'supertest';
import {
  startMeshBackend,
  trafficModule,
} from './__testUtils__/meshTestBackend';

jest.setTimeout(60_000);

/** What the test source answers: no edges, every cluster of the fleet ok. */
async function answer(
  fleet: { getFleet(): Promise<{ clusters: Array<{ name: string }> }> },
  service: ServiceRef,
  window: { text: string; seconds: number },
): Promise<ServiceTraffic> {
  return {
    service,
    window: window.text,
    windowSeconds: window.seconds,
    evaluatedAt: new Date(0).toISOString(),
    seriesStepSeconds: 15,
    source: 'test',
    inbound: [],
    outbound: [],
    clusters: (await fleet.getFleet()).clusters.map(c => ({
      cluster: c.name,
      state: 'ok',
      source: 'test',
    })),
    partial: false,
  };
}

describe('metrics router with a traffic source from a module', () => {
  const getTraffic = jest.fn<
    ReturnType<MeshTrafficSource['getTraffic']>,
    Parameters<MeshTrafficSource['getTraffic']>
  >();
  let server: Awaited<ReturnType<typeof startMeshBackend>>['server'];

  beforeAll(async () => {
    ({ server } = await startMeshBackend({
      features: [
        trafficModule(({ fleet }) => {
          getTraffic.mockImplementation((service, window) =>
            answer(fleet, service, window),
          );
          return { getTraffic };
        }),
      ],
    }));
  });

  beforeEach(() => getTraffic.mockClear());

  it("serves /traffic from the module's source, over the mesh plugin's fleet", async () => {
    const res = await request(server).get(
      '/api/mesh/services/bookinfo/reviews/traffic?window=15m',
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      source: 'test',
      window: '15m',
      windowSeconds: 900,
      partial: false,
    });
    expect(
      res.body.clusters.map((c: { cluster: string }) => c.cluster),
    ).toEqual(['cluster-1', 'cluster-2', 'cluster-3', 'cluster-4']);
    expect(getTraffic).toHaveBeenCalledWith(
      { namespace: 'bookinfo', name: 'reviews' },
      { text: '15m', seconds: 900 },
    );
  });

  it('answers mTLS status over a window of an hour by default', async () => {
    const res = await request(server).get(
      '/api/mesh/services/bookinfo/reviews/mtls',
    );
    expect(res.status).toBe(200);
    expect(res.body.window).toBe('1h');
    expect(res.body.source).toBe('test');
    expect(getTraffic).toHaveBeenCalledWith(
      { namespace: 'bookinfo', name: 'reviews' },
      { text: '1h', seconds: 3600 },
    );
  });

  it.each(['traffic', 'mtls'])(
    'answers /%s for a service no cluster runs with 404, before any traffic query',
    async endpoint => {
      const res = await request(server)
        .get(`/api/mesh/services/bookinfo/no-such-service/${endpoint}`)
        .expect(404);
      expect(res.body.error.message).toBe(
        'No mesh service bookinfo/no-such-service was discovered in any cluster; check the namespace and name',
      );
      expect(getTraffic).not.toHaveBeenCalled();
    },
  );

  it.each([
    [
      '/api/mesh/services/Book_Info/reviews/traffic',
      'Invalid service path: namespace: namespace "Book_Info" is not a DNS-1123 label',
    ],
    [
      '/api/mesh/services/bookinfo/rev%22iews/mtls',
      'Invalid service path: name: service name "rev\\"iews" is not a DNS-1123 label',
    ],
    [
      '/api/mesh/services/bookinfo/reviews.v1/traffic',
      'name: service name "reviews.v1" is not a DNS-1123 label',
    ],
    [
      `/api/mesh/services/${'a'.repeat(64)}/reviews/traffic`,
      'namespace: namespace "aaaa',
    ],
    [
      '/api/mesh/services/bookinfo/reviews/traffic?window=5x',
      "Invalid window: window: window '5x' is not a duration such as 30s, 5m, 1h or 1d",
    ],
    [
      '/api/mesh/services/bookinfo/reviews/traffic?window=7d',
      "window: window '7d' is out of range: it must be between 1m and 24h",
    ],
    [
      '/api/mesh/services/bookinfo/reviews/traffic?window=5m&window=1h',
      'window: ',
    ],
  ])('answers 400 for %s', async (path, message) => {
    const res = await request(server).get(path);
    expect(res.status).toBe(400);
    expect(res.body.error.name).toBe('InputError');
    expect(res.body.error.message).toContain(message);
    expect(getTraffic).not.toHaveBeenCalled();
  });

  it('answers 401 without credentials', async () => {
    const res = await request(server)
      .get('/api/mesh/services/bookinfo/reviews/mtls')
      .set('authorization', mockCredentials.none.header());
    expect(res.status).toBe(401);
    expect(getTraffic).not.toHaveBeenCalled();
  });
});

describe('metrics router, permissions', () => {
  it('answers 403 when the policy denies mesh.traffic.read, before looking at anything', async () => {
    const getTraffic = jest.fn();
    const { server } = await startMeshBackend({
      features: [
        trafficModule(() => ({ getTraffic })),
        mockServices.permissions.mock({
          authorize: async () => [{ result: AuthorizeResult.DENY }],
        }).factory,
      ],
    });
    const res = await request(server).get(
      '/api/mesh/services/bookinfo/reviews/traffic',
    );
    expect(res.status).toBe(403);
    expect(res.body.error.message).toBe(
      'You are not allowed to read mesh traffic (permission mesh.traffic.read)',
    );
    expect(getTraffic).not.toHaveBeenCalled();
  });
});

describe('metrics router without a traffic-source module', () => {
  it('says for every cluster which module to install and which key to set', async () => {
    const { server } = await startMeshBackend();
    const res = await request(server).get(
      '/api/mesh/services/bookinfo/reviews/traffic',
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      source: 'none',
      partial: true,
      inbound: [],
      outbound: [],
    });
    expect(res.body.clusters).toHaveLength(4);
    expect(res.body.clusters[0]).toEqual({
      cluster: 'cluster-1',
      state: 'unavailable',
      source: 'none',
      reason:
        'no traffic source is configured for cluster-1 — install @meshport/backstage-plugin-mesh-backend-module-prometheus in the backend and set mesh.clusters[].prometheus.url for it, or mesh.prometheus.url for all clusters',
    });
  });
});

describe('two traffic-source modules', () => {
  it('refuse to start, naming the fix', async () => {
    const source = () => ({ getTraffic: jest.fn() });
    await expect(
      startMeshBackend({
        features: [
          trafficModule(source, 'first-traffic'),
          trafficModule(source, 'second-traffic'),
        ],
      }),
    ).rejects.toThrow(
      /A traffic source for the mesh plugin is already set: configure exactly one traffic-source module, either @meshport\/backstage-plugin-mesh-backend-module-prometheus \(mesh.prometheus.url\) or @meshport\/backstage-plugin-mesh-backend-module-traffic-snapshot \(mesh.traffic.snapshot.file\), and remove the other's config/,
    );
  });
});

describe('GET /dependencies', () => {
  const pair = (from: string, to: string) => ({
    from: { namespace: 'bookinfo', name: from },
    to: { namespace: 'bookinfo', name: to },
    requestsPerSecond: 1,
    connectionsPerSecond: 0,
    clusterPairs: [{ from: 'cluster-1', to: 'cluster-1' }],
  });
  const source = (): MeshTrafficSource => ({
    getTraffic: jest.fn(),
    getDependencies: async window => ({
      window: window.text,
      windowSeconds: window.seconds,
      evaluatedAt: new Date(0).toISOString(),
      source: 'test',
      dependencies: [
        pair('productpage', 'reviews'),
        pair('reviews', 'ratings'),
        pair('productpage', 'details'),
        // a service discovery does not know: no entity decides who may read it
        pair('reviews', 'ghost'),
      ],
      clusters: [{ cluster: 'cluster-1', state: 'ok', source: 'test' }],
      partial: false,
    }),
  });

  it("lists the source's pairs between services discovery knows, over 15 minutes by default", async () => {
    const { server } = await startMeshBackend({
      features: [trafficModule(source)],
    });
    const res = await request(server).get('/api/mesh/dependencies');
    expect(res.status).toBe(200);
    expect(res.body.window).toBe('15m');
    expect(
      res.body.dependencies.map(
        (d: { from: ServiceRef; to: ServiceRef }) =>
          `${d.from.name}>${d.to.name}`,
      ),
    ).toEqual([
      'productpage>reviews',
      'reviews>ratings',
      'productpage>details',
    ]);
  });

  it('lists only pairs whose both services the caller may read', async () => {
    // the catalog module's component for reviews stands for it; the policy lets this caller
    // read no entity, so reviews is hidden and only pairs without it remain
    const reviews = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: 'reviews.bookinfo',
        namespace: 'default',
        annotations: {
          [MESH_SERVICE_ANNOTATION]: 'bookinfo/reviews',
          [ANNOTATION_ORIGIN_LOCATION]: `${MESH_PROVIDER_LOCATION_TYPE}:default`,
        },
      },
      spec: { type: 'service', owner: 'group:default/bookinfo-team' },
    };
    const { server } = await startMeshBackend({
      entities: { entities: [reviews] },
      features: [
        trafficModule(source),
        mockServices.permissions.mock({
          authorize: async requests =>
            requests.map(() => ({ result: AuthorizeResult.ALLOW })),
          authorizeConditional: async requests =>
            requests.map(() => ({ result: AuthorizeResult.DENY })),
        }).factory,
      ],
    });
    const res = await request(server).get('/api/mesh/dependencies');
    expect(res.status).toBe(200);
    expect(
      res.body.dependencies.map(
        (d: { from: ServiceRef; to: ServiceRef }) =>
          `${d.from.name}>${d.to.name}`,
      ),
    ).toEqual(['productpage>details']);
  });

  it('refuses a malformed window, saying what a window looks like', async () => {
    const { server } = await startMeshBackend({
      features: [trafficModule(source)],
    });
    const res = await request(server).get(
      '/api/mesh/dependencies?window=5%20minutes',
    );
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/window/);
  });

  it('says the source cannot tell when it does not list dependencies', async () => {
    const { server } = await startMeshBackend({
      features: [trafficModule(() => ({ getTraffic: jest.fn() }))],
    });
    const res = await request(server).get('/api/mesh/dependencies');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      source: 'none',
      dependencies: [],
      partial: true,
    });
    expect(res.body.clusters[0].reason).toMatch(/cannot list dependencies/);
  });
});
