import { registerMswTestHooks } from '@backstage/test-utils';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { demoFleet } from '../__testUtils__/demoFleet';
import { explainError } from '../components/MeshErrorPanel/explainError';
import { MalformedFleetError, MeshClient } from './MeshClient';

const baseUrl = 'http://backstage.test/api/mesh';

describe('MeshClient', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  const client = new MeshClient({
    discoveryApi: { getBaseUrl: async () => baseUrl },
    fetchApi: { fetch: (input, init) => fetch(input, init) },
  });

  it('passes the service filters as query parameters, leaving out the unset ones', async () => {
    let seen: URL | undefined;
    server.use(
      http.get(`${baseUrl}/services`, ({ request }) => {
        seen = new URL(request.url);
        return HttpResponse.json({
          items: [],
          totalCount: 0,
          offset: 0,
          limit: 20,
        });
      }),
    );
    await client.getServices({ q: 'rev iews', limit: 20 });
    expect(seen?.searchParams.get('q')).toBe('rev iews');
    expect(seen?.searchParams.get('limit')).toBe('20');
    expect(seen?.searchParams.has('cluster')).toBe(false);
    expect(seen?.searchParams.has('offset')).toBe(false);
  });

  it('encodes path segments so a name cannot address another route', async () => {
    let path: string | undefined;
    server.use(
      http.get(
        `${baseUrl}/services/:namespace/:name/traffic`,
        ({ request }) => {
          path = new URL(request.url).pathname;
          return HttpResponse.json({ inbound: [], outbound: [] });
        },
      ),
    );
    await client.getServiceTraffic(
      { namespace: 'book info', name: 'a/b?c' },
      { window: '15m' },
    );
    expect(path).toBe('/api/mesh/services/book%20info/a%2Fb%3Fc/traffic');
  });

  it('asks for the mTLS status with the window', async () => {
    let window: string | null = null;
    server.use(
      http.get(`${baseUrl}/services/bookinfo/reviews/mtls`, ({ request }) => {
        window = new URL(request.url).searchParams.get('window');
        return HttpResponse.json({ clusters: [] });
      }),
    );
    await client.getServiceMtls(
      { namespace: 'bookinfo', name: 'reviews' },
      { window: '1h' },
    );
    expect(window).toBe('1h');
  });

  it('asks for the fleet-wide dependencies with the window, once', async () => {
    const asked: string[] = [];
    server.use(
      http.get(`${baseUrl}/dependencies`, ({ request }) => {
        asked.push(new URL(request.url).search);
        return HttpResponse.json({ dependencies: [], clusters: [] });
      }),
    );
    await client.getDependencies({ window: '5m' });
    await client.getDependencies();
    expect(asked).toEqual(['?window=5m', '']);
  });

  it('turns an error response into a ResponseError carrying the backend message', async () => {
    server.use(
      http.get(`${baseUrl}/services/bookinfo/nope`, () =>
        HttpResponse.json(
          {
            error: {
              name: 'NotFoundError',
              message: 'no service bookinfo/nope in the fleet',
            },
            request: { method: 'GET', url: '/services/bookinfo/nope' },
            response: { statusCode: 404 },
          },
          { status: 404 },
        ),
      ),
    );
    await expect(
      client.getService({ namespace: 'bookinfo', name: 'nope' }),
    ).rejects.toMatchObject({
      name: 'ResponseError',
      statusCode: 404,
      body: { error: { message: 'no service bookinfo/nope in the fleet' } },
    });
  });

  it('reads the clusters and the fleet', async () => {
    const fleet = demoFleet();
    server.use(
      http.get(`${baseUrl}/clusters`, () =>
        HttpResponse.json({ items: [{ name: 'cluster-1' }] }),
      ),
      http.get(`${baseUrl}/fleet`, () => HttpResponse.json(fleet)),
    );
    expect((await client.getClusters()).items[0].name).toBe('cluster-1');
    expect(await client.getFleet()).toEqual(fleet);
  });

  it('turns an answer that is not a fleet into one error saying what is wrong', async () => {
    server.use(
      http.get(`${baseUrl}/fleet`, () =>
        HttpResponse.json({ clusters: [], services: [] }),
      ),
    );
    const error = await client.getFleet().catch(e => e);
    expect(error).toBeInstanceOf(MalformedFleetError);
    expect(error.name).toBe('MalformedFleetError');
    expect(error.message).toBe(
      "The mesh backend's answer to /fleet is not a fleet: generatedAt: Invalid input: expected string, received undefined; meshes: Invalid input: expected array, received undefined",
    );
    expect(explainError(error, 'the fleet').title).toBe(
      "The mesh backend's answer for the fleet is not one this page can read",
    );
  });

  it('leaves out a malformed service and shows the rest', async () => {
    const fleet = demoFleet();
    const [first, ...rest] = fleet.services;
    server.use(
      http.get(`${baseUrl}/fleet`, () =>
        HttpResponse.json({
          ...fleet,
          services: [{ ...first, instances: 'none' }, ...rest],
        }),
      ),
    );
    expect((await client.getFleet()).services).toEqual(rest);
  });
  it('asks for findings with the severities joined and the unset filters left out', async () => {
    let seen: URL | undefined;
    server.use(
      http.get(`${baseUrl}/findings`, ({ request }) => {
        seen = new URL(request.url);
        return HttpResponse.json({
          items: [],
          totalCount: 0,
          counts: { error: 0, warning: 0, info: 0 },
          generatedAt: '2026-11-22T10:00:00.000Z',
          notes: [],
        });
      }),
    );
    await client.getFindings({
      service: 'bookinfo/reviews',
      severity: ['error', 'warning'],
      owner: 'group:default/team-books',
      limit: 10,
    });
    expect(seen?.searchParams.get('service')).toBe('bookinfo/reviews');
    expect(seen?.searchParams.get('severity')).toBe('error,warning');
    expect(seen?.searchParams.get('owner')).toBe('group:default/team-books');
    expect(seen?.searchParams.get('limit')).toBe('10');
    expect(seen?.searchParams.has('cluster')).toBe(false);
    expect(seen?.searchParams.has('offset')).toBe(false);

    await client.getFindings({ severity: [] });
    expect(seen?.searchParams.has('severity')).toBe(false);
  });

  it('sends the caller of a trace as query parameters, labels sorted', async () => {
    let seen: URL | undefined;
    server.use(
      http.get(`${baseUrl}/trace`, ({ request }) => {
        seen = new URL(request.url);
        return HttpResponse.json({ legs: [], notes: [], ok: true });
      }),
    );
    await client.traceRequest({
      from: {
        cluster: 'cluster-1',
        namespace: 'bookinfo',
        serviceAccount: 'bookinfo-productpage',
        labels: { version: 'v1', app: 'productpage' },
      },
      to: { namespace: 'bookinfo', name: 'reviews' },
      port: 9080,
      path: '/reviews/1?x=1&y=2',
      method: 'GET',
    });
    expect(Object.fromEntries(seen!.searchParams)).toEqual({
      fromCluster: 'cluster-1',
      fromNamespace: 'bookinfo',
      fromServiceAccount: 'bookinfo-productpage',
      fromLabels: 'app=productpage,version=v1',
      to: 'bookinfo/reviews',
      port: '9080',
      path: '/reviews/1?x=1&y=2',
      method: 'GET',
    });
  });

  it("turns the trace's 400 into an error carrying the backend's message", async () => {
    server.use(
      http.get(`${baseUrl}/trace`, () =>
        HttpResponse.json(
          {
            error: {
              name: 'InputError',
              message: 'port 1234 is not a port of bookinfo/reviews',
            },
            request: { method: 'GET', url: '/trace' },
            response: { statusCode: 400 },
          },
          { status: 400 },
        ),
      ),
    );
    await expect(
      client.traceRequest({
        from: { cluster: 'cluster-1', namespace: 'bookinfo' },
        to: { namespace: 'bookinfo', name: 'reviews' },
        port: 1234,
      }),
    ).rejects.toMatchObject({
      statusCode: 400,
      body: {
        error: { message: 'port 1234 is not a port of bookinfo/reviews' },
      },
    });
  });
  it('asks for policies with the filters as query parameters, leaving out the blank ones', async () => {
    let seen: URL | undefined;
    server.use(
      http.get(`${baseUrl}/policies`, ({ request }) => {
        seen = new URL(request.url);
        return HttpResponse.json({
          repositories: [],
          items: [],
          totalCount: 0,
          counts: {},
          orphans: [],
        });
      }),
    );
    await client.getPolicies({
      state: 'drifted',
      service: 'bookinfo/reviews',
      team: 'group:default/bookinfo-team',
      cluster: '',
      limit: 100,
    });
    expect(seen?.searchParams.get('state')).toBe('drifted');
    expect(seen?.searchParams.get('service')).toBe('bookinfo/reviews');
    expect(seen?.searchParams.get('team')).toBe('group:default/bookinfo-team');
    expect(seen?.searchParams.get('limit')).toBe('100');
    expect(seen?.searchParams.has('cluster')).toBe(false);

    await client.getPolicies();
    expect(seen?.search).toBe('');
  });

  it('reads one policy by its lower-case kind, namespace and name, each encoded', async () => {
    let path: string | undefined;
    server.use(
      http.get(`${baseUrl}/policies/:kind/:namespace/:name`, ({ request }) => {
        path = new URL(request.url).pathname;
        return HttpResponse.json({ ref: 'x' });
      }),
    );
    await client.getPolicy('TrafficPolicy', 'book info', 'a/b?c');
    expect(path).toBe('/api/mesh/policies/trafficpolicy/book%20info/a%2Fb%3Fc');
  });

  it("turns the policies' 404 into an error carrying the backend's message", async () => {
    server.use(
      http.get(`${baseUrl}/policies/:kind/:namespace/:name`, () =>
        HttpResponse.json(
          {
            error: {
              name: 'NotFoundError',
              message: 'No policy trafficpolicy.bookinfo.nope',
            },
            response: { statusCode: 404 },
          },
          { status: 404 },
        ),
      ),
    );
    await expect(
      client.getPolicy('TrafficPolicy', 'bookinfo', 'nope'),
    ).rejects.toMatchObject({
      name: 'ResponseError',
      body: { error: { message: 'No policy trafficpolicy.bookinfo.nope' } },
    });
  });
});
