import {
  mockServices,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import type {
  Fleet,
  PoliciesResponse,
} from '@meshport/backstage-plugin-mesh-common';
import { http, HttpResponse, type JsonBodyType } from 'msw';
import { setupServer } from 'msw/node';
import { MeshApiClient } from './MeshApiClient';

const FLEET_URL = 'http://backstage.test/api/mesh/fleet';

function fleet(): Fleet {
  return {
    generatedAt: '2026-01-01T00:00:00.000Z',
    clusters: [
      {
        name: 'east',
        sync: { state: 'ok', lastSuccessAt: '2026-01-01T00:00:00.000Z' },
        regions: ['eu-west-1'],
        zones: [],
        controlPlanes: [],
        eastWestGateways: [],
      },
    ],
    meshes: [
      {
        id: 'istio-mesh1',
        kind: 'istio',
        clusters: ['east'],
        trustDomains: ['cluster.local'],
        rootCertFingerprints: [],
        sharedRootOfTrust: true,
      },
    ],
    services: ['reviews', 'ratings'].map(name => ({
      id: `bookinfo/${name}`,
      namespace: 'bookinfo',
      name,
      instances: [
        {
          cluster: 'east',
          stale: false,
          labels: {},
          ports: [{ port: 9080, protocol: 'TCP' }],
          selector: { app: name },
          endpoints: { ready: 1, total: 1 },
          subsets: {},
          workloads: [],
          identities: [],
          dataPlaneMode: 'sidecar',
          localities: [],
          mtls: { mode: 'STRICT' },
          config: [],
        },
      ],
    })),
    links: [],
  };
}

describe('MeshApiClient', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  const discovery = mockServices.discovery.mock({
    getBaseUrl: async (pluginId: string) =>
      `http://backstage.test/api/${pluginId}`,
  });
  const client = (options: Partial<{ malformedParts: 'refuse' }> = {}) => {
    const logger = mockServices.logger.mock();
    return {
      logger,
      client: new MeshApiClient({
        discovery,
        auth: mockServices.auth({ pluginId: 'catalog' }),
        logger,
        ...options,
      }),
    };
  };
  const answer = (body: JsonBodyType, init?: ResponseInit) =>
    server.use(http.get(FLEET_URL, () => HttpResponse.json(body, init)));

  it('reads the fleet as the calling plugin, with a token for the mesh plugin', async () => {
    let authorization: string | null = null;
    server.use(
      http.get(FLEET_URL, ({ request }) => {
        authorization = request.headers.get('authorization');
        return HttpResponse.json(fleet());
      }),
    );
    await expect(client().client.getFleet()).resolves.toEqual(fleet());
    expect(authorization).toMatch(/^Bearer /);
    expect(authorization).toContain('"sub":"plugin:catalog"');
    expect(authorization).toContain('"target":"mesh"');
  });

  it('says where it looked when the mesh backend cannot be reached', async () => {
    server.use(http.get(FLEET_URL, () => HttpResponse.error()));
    await expect(client().client.getFleet()).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
      message: expect.stringMatching(
        /^Could not reach the mesh backend at http:\/\/backstage.test\/api\/mesh\/fleet: .+ Check that @meshport\/backstage-plugin-mesh-backend is installed/,
      ),
    });
  });

  it.each([
    [401, /did not accept this plugin's service token/],
    [403, /permission policy must allow mesh.fleet.read/],
    [404, /installed under the plugin id "mesh"/],
    [500, /Try again once the mesh backend has started/],
  ])(
    'turns an error answer (%i) into a ServiceUnavailableError saying what to check',
    async (status, advice) => {
      // the body Backstage's error handler middleware sends
      answer(
        {
          error: { name: 'SomeError', message: 'the backend said no' },
          request: { method: 'GET', url: '/fleet' },
          response: { statusCode: status },
        },
        { status },
      );
      const error = await client()
        .client.getFleet()
        .catch(e => e);
      expect(error.name).toBe('ServiceUnavailableError');
      expect(error.message).toMatch(
        new RegExp(
          `^The mesh backend answered ${status} .*: the backend said no\\. `,
        ),
      );
      expect(error.message).toMatch(advice);
      expect(error.cause).toMatchObject({
        name: 'ResponseError',
        statusCode: status,
      });
    },
  );

  it('refuses a body that is not JSON', async () => {
    server.use(http.get(FLEET_URL, () => HttpResponse.text('<html>')));
    await expect(client().client.getFleet()).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
      message: expect.stringContaining('its body is not JSON'),
    });
  });

  it.each([
    ['an empty body', null],
    ['a list', []],
    ['a fleet without its meshes', { ...fleet(), meshes: undefined }],
  ])('refuses %s, naming what is missing', async (_what, body) => {
    answer(body);
    await expect(client().client.getFleet()).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
      message: expect.stringMatching(
        /is not what this plugin can read: .+\. Upgrade the Meshport plugins together/,
      ),
    });
  });

  it('leaves out a malformed service, logs why and returns the rest', async () => {
    const body = fleet();
    (body.services[0] as any).instances[0].ports = 'http';
    answer(body);
    const { client: reader, logger } = client();
    const read = await reader.getFleet();
    expect(read.services.map(s => s.name)).toEqual(['ratings']);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining(
        'services.0.instances.0.ports: bookinfo/reviews: ',
      ),
    );
  });

  it('refuses the whole fleet for a malformed part when asked to', async () => {
    const body = fleet();
    (body.clusters[0] as any).sync = undefined;
    answer(body);
    await expect(
      client({ malformedParts: 'refuse' }).client.getFleet(),
    ).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
      message: expect.stringContaining('clusters.0.sync: '),
    });
  });
  describe('while the fleet has not changed', () => {
    /** A mesh backend that tags each fleet and answers 304 to a current reader. */
    function taggingBackend(current: { body: Fleet; etag: string }) {
      const asked: Array<string | null> = [];
      server.use(
        http.get(FLEET_URL, ({ request }) => {
          const tag = request.headers.get('if-none-match');
          asked.push(tag);
          if (tag === current.etag)
            return new HttpResponse(null, {
              status: 304,
              headers: { ETag: current.etag },
            });
          return HttpResponse.json(current.body, {
            headers: { ETag: current.etag },
          });
        }),
      );
      return asked;
    }

    it('asks with the last ETag and resolves a 304 to the same fleet object', async () => {
      const asked = taggingBackend({ body: fleet(), etag: '"v1"' });
      const { client: reader } = client();
      const first = await reader.getFleet();
      const second = await reader.getFleet();
      expect(second).toBe(first);
      expect(asked).toEqual([null, '"v1"']);
    });

    it('returns a new fleet once the fleet changed', async () => {
      const current = { body: fleet(), etag: '"v1"' };
      const asked = taggingBackend(current);
      const { client: reader } = client();
      const first = await reader.getFleet();
      current.body = { ...fleet(), links: [] };
      current.body.services.pop();
      current.etag = '"v2"';
      const second = await reader.getFleet();
      expect(second).not.toBe(first);
      expect(second.services.map(s => s.name)).toEqual(['reviews']);
      expect(await reader.getFleet()).toBe(second);
      expect(asked).toEqual([null, '"v1"', '"v2"']);
    });

    it('asks for the body again when a 304 comes with no fleet to confirm', async () => {
      const asked: Array<string | null> = [];
      server.use(
        http.get(FLEET_URL, ({ request }) => {
          asked.push(request.headers.get('if-none-match'));
          return asked.length === 1
            ? new HttpResponse(null, { status: 304 })
            : HttpResponse.json(fleet(), { headers: { ETag: '"v1"' } });
        }),
      );
      await expect(client().client.getFleet()).resolves.toEqual(fleet());
      expect(asked).toEqual([null, null]);
    });

    it('refuses a second 304 to a request naming no tag', async () => {
      server.use(
        http.get(FLEET_URL, () => new HttpResponse(null, { status: 304 })),
      );
      await expect(client().client.getFleet()).rejects.toMatchObject({
        name: 'ServiceUnavailableError',
        message: expect.stringMatching(/^The mesh backend answered 304 /),
      });
    });

    it.each([
      ['no ETag', {}],
      ['a weak ETag', { ETag: 'W/"v1"' }],
    ])(
      'asks in full every time after an answer with %s',
      async (_what, headers) => {
        const asked: Array<string | null> = [];
        server.use(
          http.get(FLEET_URL, ({ request }) => {
            asked.push(request.headers.get('if-none-match'));
            return HttpResponse.json(fleet(), { headers });
          }),
        );
        const { client: reader } = client();
        const first = await reader.getFleet();
        expect(await reader.getFleet()).not.toBe(first);
        expect(asked).toEqual([null, null]);
      },
    );

    it('keeps the last fleet when a request fails, and confirms it afterwards', async () => {
      const asked = taggingBackend({ body: fleet(), etag: '"v1"' });
      const { client: reader } = client();
      const first = await reader.getFleet();
      server.use(
        http.get(FLEET_URL, () => HttpResponse.error(), { once: true }),
      );
      await expect(reader.getFleet()).rejects.toMatchObject({
        name: 'ServiceUnavailableError',
      });
      expect(await reader.getFleet()).toBe(first);
      expect(asked).toEqual([null, '"v1"']);
    });
  });

  describe('getDependencies', () => {
    const dependencies = {
      window: '15m',
      windowSeconds: 900,
      evaluatedAt: '2026-01-01T00:00:00.000Z',
      source: 'snapshot',
      dependencies: [
        {
          from: { namespace: 'bookinfo', name: 'reviews' },
          to: { namespace: 'bookinfo', name: 'ratings' },
          requestsPerSecond: 2.5,
          connectionsPerSecond: 0,
          clusterPairs: [{ from: 'east', to: 'east' }],
        },
      ],
      clusters: [{ cluster: 'east', state: 'ok', source: 'snapshot' }],
      partial: false,
    };

    it('asks for the window, encoded, and returns the checked answer', async () => {
      let asked: string | null = null;
      server.use(
        http.get(
          'http://backstage.test/api/mesh/dependencies',
          ({ request }) => {
            asked = new URL(request.url).searchParams.get('window');
            return HttpResponse.json(dependencies);
          },
        ),
      );
      await expect(client().client.getDependencies('15m&x=1')).resolves.toEqual(
        dependencies,
      );
      expect(asked).toBe('15m&x=1');
    });

    it('refuses an answer that is not dependencies, naming the field', async () => {
      server.use(
        http.get('http://backstage.test/api/mesh/dependencies', () =>
          HttpResponse.json({
            ...dependencies,
            dependencies: [{ from: 'reviews' }],
          }),
        ),
      );
      await expect(client().client.getDependencies('15m')).rejects.toThrow(
        /dependencies\.0\.from/,
      );
    });

    it('passes on the status of an error answer', async () => {
      server.use(
        http.get('http://backstage.test/api/mesh/dependencies', () =>
          HttpResponse.json(
            { error: { name: 'NotAllowedError', message: 'no' } },
            { status: 403 },
          ),
        ),
      );
      await expect(client().client.getDependencies('15m')).rejects.toThrow(
        /answered 403.*mesh\.traffic\.read/,
      );
    });
  });
  describe('getPolicies', () => {
    const POLICIES_URL = 'http://backstage.test/api/mesh/policies';
    const policies: PoliciesResponse = {
      repositories: [
        {
          url: 'github.com?owner=acme&repo=mesh-policies',
          webUrl: 'https://github.com/acme/mesh-policies',
          provider: 'github',
          branch: 'main',
          clusters: ['east'],
          status: 'ok',
          codeOwners: 'current',
        },
      ],
      items: [
        {
          ref: 'trafficpolicy.bookinfo.reviews-canary',
          kind: 'TrafficPolicy',
          namespace: 'bookinfo',
          name: 'reviews-canary',
          repository: 'github.com?owner=acme&repo=mesh-policies',
          path: 'services/bookinfo/reviews/reviews-canary.yaml',
          destinations: ['bookinfo/reviews'],
          state: 'applied',
          onBranch: true,
          clusters: [{ cluster: 'east', state: 'applied', objects: [] }],
          timings: {},
        },
      ],
      totalCount: 1,
      counts: { applied: 1 },
      orphans: [],
    };

    it('asks for every policy, unfiltered, as the calling plugin, and returns the checked answer', async () => {
      let asked: URL | undefined;
      let authorization: string | null = null;
      server.use(
        http.get(POLICIES_URL, ({ request }) => {
          asked = new URL(request.url);
          authorization = request.headers.get('authorization');
          return HttpResponse.json(policies);
        }),
      );
      await expect(client().client.getPolicies()).resolves.toEqual(policies);
      expect(asked?.search).toBe('?limit=1000&offset=0');
      expect(authorization).toContain('"sub":"plugin:catalog"');
      expect(authorization).toContain('"target":"mesh"');
    });

    /** `total` policies served in pages as the mesh backend does, sorted by ref. */
    const many = (total: number) =>
      Array.from({ length: total }, (_, i) => ({
        ...policies.items[0],
        ref: `trafficpolicy.bookinfo.p${String(i).padStart(4, '0')}`,
        name: `p${String(i).padStart(4, '0')}`,
      }));
    const paged = (
      items: () => PoliciesResponse['items'],
      asked: string[] = [],
    ) =>
      http.get(POLICIES_URL, ({ request }) => {
        const params = new URL(request.url).searchParams;
        asked.push(`${params.get('offset')}+${params.get('limit')}`);
        const offset = Number(params.get('offset'));
        const limit = Number(params.get('limit'));
        const all = items();
        return HttpResponse.json({
          ...policies,
          items: all.slice(offset, offset + limit),
          totalCount: all.length,
        });
      });

    it('reads every page, so a reader publishing the whole set loses none', async () => {
      const asked: string[] = [];
      server.use(paged(() => many(2500), asked));
      const read = await client().client.getPolicies();
      expect(read.items).toHaveLength(2500);
      expect(read.totalCount).toBe(2500);
      expect(new Set(read.items.map(p => p.ref)).size).toBe(2500);
      expect(asked).toEqual(['0+1000', '1000+1000', '2000+1000']);
    });

    it('reads an answer whole from a backend that ignores the page size', async () => {
      server.use(
        http.get(POLICIES_URL, () =>
          HttpResponse.json({
            ...policies,
            items: many(1500),
            totalCount: 1500,
          }),
        ),
      );
      await expect(client().client.getPolicies()).resolves.toMatchObject({
        totalCount: 1500,
        items: expect.arrayContaining([
          expect.objectContaining({ name: 'p1499' }),
        ]),
      });
    });

    it('reads again when a sync changed the policies between two pages', async () => {
      let reads = 0;
      const asked: string[] = [];
      // the second page is read after a sync added a policy; the next read is stable
      server.use(paged(() => many(++reads === 2 ? 1501 : 1500), asked));
      const read = await client().client.getPolicies();
      expect(read.items).toHaveLength(1500);
      expect(asked).toEqual(['0+1000', '1000+1000', '0+1000', '1000+1000']);
    });

    it('refuses policies that keep changing between pages, or come twice', async () => {
      let reads = 0;
      server.use(paged(() => many(1000 + ++reads)));
      await expect(client().client.getPolicies()).rejects.toMatchObject({
        name: 'ServiceUnavailableError',
        message: expect.stringMatching(
          /changed while they were read page by page, twice: 1003 policies at first, 1004 at offset 1000/,
        ),
      });
      server.use(
        http.get(POLICIES_URL, () =>
          HttpResponse.json({
            ...policies,
            items: [policies.items[0], policies.items[0]],
            totalCount: 2,
          }),
        ),
      );
      await expect(client().client.getPolicies()).rejects.toThrow(
        /2 policies announced, 1 distinct read/,
      );
    });

    it('rejects with a NotFoundError when the mesh backend has no policies route', async () => {
      server.use(
        http.get(POLICIES_URL, () =>
          HttpResponse.json(
            { error: { name: 'NotFoundError', message: 'Not found' } },
            { status: 404 },
          ),
        ),
      );
      const error = await client()
        .client.getPolicies()
        .catch(e => e);
      expect(error.name).toBe('NotFoundError');
      expect(error.message).toMatch(
        /no policies route .*answered 404.*predates the policy lifecycle/,
      );
      expect(error.cause).toMatchObject({ statusCode: 404 });
    });

    it('refuses an answer that is not policies, naming the field', async () => {
      server.use(
        http.get(POLICIES_URL, () =>
          HttpResponse.json({
            ...policies,
            items: [{ ...policies.items[0], state: 'exploded' }],
          }),
        ),
      );
      await expect(client().client.getPolicies()).rejects.toMatchObject({
        name: 'ServiceUnavailableError',
        message: expect.stringMatching(/items\.0\.state/),
      });
    });

    it.each([
      [500, /Try again once the mesh backend has started/],
      [401, /did not accept this plugin's service token/],
    ])(
      'turns an error answer (%i) into a ServiceUnavailableError',
      async (status, advice) => {
        server.use(
          http.get(POLICIES_URL, () =>
            HttpResponse.json(
              { error: { name: 'Error', message: 'no' } },
              { status },
            ),
          ),
        );
        await expect(client().client.getPolicies()).rejects.toMatchObject({
          name: 'ServiceUnavailableError',
          message: expect.stringMatching(advice),
        });
      },
    );

    it('says where it looked when the mesh backend cannot be reached', async () => {
      server.use(http.get(POLICIES_URL, () => HttpResponse.error()));
      await expect(client().client.getPolicies()).rejects.toMatchObject({
        name: 'ServiceUnavailableError',
        message: expect.stringContaining(
          'Could not reach the mesh backend at http://backstage.test/api/mesh/policies',
        ),
      });
    });
  });
});
