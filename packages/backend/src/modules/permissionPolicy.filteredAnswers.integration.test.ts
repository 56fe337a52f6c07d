import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  coreServices,
  createBackendModule,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import permissionPlugin from '@backstage/plugin-permission-backend';
import {
  AuthorizeResult,
  isResourcePermission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import meshPlugin from '@meshport/backstage-plugin-mesh-backend';
import request from 'supertest';

/**
 * "A caller denied one service sees it in no answer", through the real mesh backend (on the
 * demo fleet), the real catalog and the real permission backend: bob's policy lets him read
 * every catalog entity except the one standing for bookinfo/reviews, as a conditional decision
 * the catalog evaluates. The identity edge is set as in permissionPolicy.integration.test.ts:
 * mock on-behalf-of tokens carry the acting plugin, as real ones do.
 */

const DEMO_FLEET = path.resolve(__dirname, '../../../../examples/demo-fleet');

const ENTITIES = `
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: reviews
  namespace: default
  annotations: { meshport.dev/service: bookinfo/reviews }
spec: { type: service, lifecycle: production, owner: group:default/bookinfo-team }
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ratings
  namespace: default
  annotations: { meshport.dev/service: bookinfo/ratings }
spec: { type: service, lifecycle: production, owner: group:default/bookinfo-team }
`;

const OBO_PREFIX = 'mock-service-token:';

function onBehalfOf(token: string | undefined) {
  if (!token?.startsWith(OBO_PREFIX)) return undefined;
  const { obo } = JSON.parse(token.slice(OBO_PREFIX.length));
  return obo
    ? mockCredentials.user(obo, { actor: { subject: 'plugin:on-behalf-of' } })
    : undefined;
}

const httpAuthWithActors = createServiceFactory({
  service: coreServices.httpAuth,
  deps: { plugin: coreServices.pluginMetadata },
  factory({ plugin }) {
    const httpAuth = mockServices.httpAuth({ pluginId: plugin.getId() });
    return {
      async credentials(req, options) {
        const token =
          req.headers.authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
        const user = onBehalfOf(token);
        if (
          user &&
          (!options?.allow || (options.allow as string[]).includes('user'))
        )
          return user as never;
        return httpAuth.credentials(req, options);
      },
      issueUserCookie: (res, options) => httpAuth.issueUserCookie(res, options),
    };
  },
});

/** Everything allowed, except that bob may not read the entity of bookinfo/reviews. */
const hideReviewsFromBob = createBackendModule({
  pluginId: 'permission',
  moduleId: 'hide-reviews-from-bob',
  register(reg) {
    reg.registerInit({
      deps: { policy: policyExtensionPoint },
      async init({ policy }) {
        policy.setPolicy({
          async handle(
            req: PolicyQuery,
            user?: PolicyQueryUser,
          ): Promise<PolicyDecision> {
            if (
              isResourcePermission(req.permission, 'catalog-entity') &&
              req.permission.name === 'catalog.entity.read' &&
              user?.info.userEntityRef === 'user:default/bob'
            ) {
              return createCatalogConditionalDecision(req.permission, {
                not: catalogConditions.hasAnnotation({
                  annotation: 'meshport.dev/service',
                  value: 'bookinfo/reviews',
                }),
              });
            }
            return { result: AuthorizeResult.ALLOW };
          },
        });
      },
    });
  },
});

describe('mesh answers through the real catalog and permission backend', () => {
  let dir: string;
  let server: Awaited<ReturnType<typeof startTestBackend>>['server'];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshport-filtered-'));
    const entities = path.join(dir, 'entities.yaml');
    fs.writeFileSync(entities, ENTITIES);
    ({ server } = await startTestBackend({
      features: [
        permissionPlugin,
        hideReviewsFromBob,
        catalogPlugin,
        meshPlugin,
        mockServices.scheduler.factory(),
        httpAuthWithActors,
        mockServices.rootConfig.factory({
          data: {
            permission: { enabled: true },
            catalog: {
              rules: [{ allow: ['Component'] }],
              locations: [{ type: 'file', target: entities }],
            },
            mesh: { snapshot: { directory: DEMO_FLEET } },
          },
        }),
      ],
    }));
    const deadline = Date.now() + 30_000;
    for (;;) {
      const res = await request(server)
        .get('/api/catalog/entities/by-name/component/default/ratings')
        .set('authorization', mockCredentials.service.header());
      const fleet = await request(server)
        .get('/api/mesh/fleet')
        .set('authorization', mockCredentials.service.header());
      if (res.status === 200 && fleet.body.services?.length > 0) break;
      if (Date.now() > deadline)
        throw new Error(`the catalog or the fleet never came up`);
      await new Promise(resolve => setTimeout(resolve, 200));
    }
  }, 60_000);

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const get = (user: string, url: string) =>
    request(server)
      .get(url)
      .set('authorization', mockCredentials.user.header(user));
  const ids = (services: { id: string }[]) => services.map(s => s.id);

  it('leaves the service out of /services and /fleet for the caller denied its entity', async () => {
    const search = await get(
      'user:default/bob',
      '/api/mesh/services?q=reviews',
    );
    expect(search.status).toBe(200);
    expect(search.body).toMatchObject({ items: [], totalCount: 0 });
    const fleet = await get('user:default/bob', '/api/mesh/fleet');
    expect(ids(fleet.body.services)).not.toContain('bookinfo/reviews');
    expect(ids(fleet.body.services)).toContain('bookinfo/ratings');
    const detail = await get(
      'user:default/bob',
      '/api/mesh/services/bookinfo/reviews',
    );
    expect(detail.status).toBe(403);
  });

  it('serves it to everyone else, and the whole fleet to a backend module', async () => {
    const search = await get(
      'user:default/alice',
      '/api/mesh/services?q=reviews',
    );
    expect(ids(search.body.items)).toContain('bookinfo/reviews');
    const fleet = await request(server)
      .get('/api/mesh/fleet')
      .set('authorization', mockCredentials.service.header());
    expect(ids(fleet.body.services)).toContain('bookinfo/reviews');
  });
});
