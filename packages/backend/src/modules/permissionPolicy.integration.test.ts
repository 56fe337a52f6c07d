import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import permissionPlugin from '@backstage/plugin-permission-backend';
import {
  meshRouteRequestPermission,
  standingEntity,
} from '@meshport/backstage-plugin-mesh-common';
import request from 'supertest';
import { meshportPermissionPolicyModule } from './permissionPolicy';

/**
 * The route-request rule end to end: the real permission backend runs Meshport's policy, gets
 * a conditional decision on the destination's catalog entity, and has the real catalog apply
 * `isEntityOwner` to that entity. The request is what the scaffolder action's permissions
 * service sends, here with the user's own token. Set here, at the identity edge: who belongs
 * to which group (a sign-in resolver's job), and the acting plugin on on-behalf-of tokens,
 * which real Backstage tokens carry and the mock's lose (the catalog refuses user calls to its
 * apply-conditions endpoint that no plugin makes on the user's behalf).
 */

const ENTITIES = `
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: reviews
  namespace: default
  annotations: { meshport.dev/service: bookinfo/reviews }
spec: { type: service, lifecycle: production, owner: group:default/reviews-team }
---
# what anyone may register: named to sort first, claiming reviews for its author
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: aaa-claim-reviews
  namespace: default
  annotations: { meshport.dev/service: bookinfo/reviews }
spec: { type: service, lifecycle: production, owner: user:default/mallory }
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: ratings, namespace: default }
spec: { type: service, lifecycle: production, owner: user:default/bob }
---
# what the Meshport catalog module publishes while the clusters dispute the owner
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: details
  namespace: default
  annotations:
    meshport.dev/ownership-conflict: 'group:default/reviews-team (Service label in cluster-1) vs group:default/mallory-team (Service label in a-dev)'
spec: { type: service, lifecycle: production, owner: group:default/reviews-team }
`;

const OBO_PREFIX = 'mock-service-token:';

/** The user a mock on-behalf-of token stands for, with an acting plugin, as real tokens say. */
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

/** Who owns what on behalf of whom: alice is in reviews-team, bob is only himself. */
const OWNERSHIP: Record<string, string[]> = {
  'user:default/alice': ['user:default/alice', 'group:default/reviews-team'],
  'user:default/bob': ['user:default/bob'],
  'user:default/mallory': ['user:default/mallory'],
};

const userInfoFactory = createServiceFactory({
  service: coreServices.userInfo,
  deps: {},
  factory: () => ({
    async getUserInfo(credentials) {
      const principal = credentials.principal as { userEntityRef?: string };
      const userEntityRef = principal.userEntityRef ?? '';
      return {
        userEntityRef,
        ownershipEntityRefs: OWNERSHIP[userEntityRef] ?? [userEntityRef],
      };
    },
  }),
});

describe('mesh.route.request through the permission backend and the catalog', () => {
  let dir: string;
  let server: Awaited<ReturnType<typeof startTestBackend>>['server'];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshport-permissions-'));
    const entities = path.join(dir, 'entities.yaml');
    fs.writeFileSync(entities, ENTITIES);
    ({ server } = await startTestBackend({
      features: [
        permissionPlugin,
        meshportPermissionPolicyModule,
        catalogPlugin,
        userInfoFactory,
        httpAuthWithActors,
        mockServices.rootConfig.factory({
          data: {
            permission: { enabled: true },
            catalog: {
              rules: [{ allow: ['Component'] }],
              locations: [{ type: 'file', target: entities }],
            },
          },
        }),
      ],
    }));
    // the catalog ingests the location in the background; asked as a service, which reads
    // without a permission decision of its own
    const deadline = Date.now() + 30_000;
    for (;;) {
      const res = await request(server)
        .get('/api/catalog/entities/by-name/component/default/ratings')
        .set('authorization', mockCredentials.service.header());
      if (res.status === 200) break;
      if (Date.now() > deadline)
        throw new Error(
          `the catalog never ingested: ${res.status} ${JSON.stringify(
            res.body,
          )}`,
        );
      await new Promise(resolve => setTimeout(resolve, 200));
    }
  }, 60_000);

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const ask = async (user: string, entity: string) => {
    const res = await request(server)
      .post('/api/permission/authorize')
      .set('authorization', mockCredentials.user.header(user))
      .send({
        items: [
          {
            id: 'route-request',
            permission: meshRouteRequestPermission,
            resourceRef: `component:default/${entity}`,
          },
        ],
      });
    expect(res.status).toBe(200);
    return { result: res.body.items[0].result };
  };

  it('allows a member of the owning group', async () => {
    expect(await ask('user:default/alice', 'reviews')).toEqual({
      result: 'ALLOW',
    });
  });

  it('denies a user outside the owning group, and an owner of another service', async () => {
    expect(await ask('user:default/bob', 'reviews')).toEqual({
      result: 'DENY',
    });
    expect(await ask('user:default/alice', 'ratings')).toEqual({
      result: 'DENY',
    });
    expect(await ask('user:default/bob', 'ratings')).toEqual({
      result: 'ALLOW',
    });
  });

  it("gives mallory's claim on reviews no say: the route is checked on the owner's entity", async () => {
    // the entities the scaffolder and the mesh backend see for bookinfo/reviews, from the catalog
    const res = await request(server)
      .get('/api/catalog/entities/by-query')
      .query({
        filter: 'metadata.annotations.meshport.dev/service=bookinfo/reviews',
      })
      .set('authorization', mockCredentials.service.header());
    expect(res.status).toBe(200);
    const entities = res.body.items as Parameters<typeof standingEntity>[0];
    expect(entities.map(e => e.metadata.name).sort()).toEqual([
      'aaa-claim-reviews',
      'reviews',
    ]);
    // what the mesh backend resolved from the clusters' labels
    const ownership = {
      owner: 'group:default/reviews-team',
      claims: [
        {
          owner: 'group:default/reviews-team',
          from: 'service-label' as const,
          cluster: 'cluster-1',
        },
      ],
    };
    expect(standingEntity(entities, ownership)?.metadata.name).toBe('reviews');
    expect(await ask('user:default/mallory', 'reviews')).toEqual({
      result: 'DENY',
    });
    // her own entity she does own: what picking the first claim by ref used to check
    expect(await ask('user:default/mallory', 'aaa-claim-reviews')).toEqual({
      result: 'ALLOW',
    });
  });

  it('denies everyone a destination whose ownership the clusters dispute', async () => {
    expect(await ask('user:default/alice', 'details')).toEqual({
      result: 'DENY',
    });
  });

  it('denies a destination the catalog does not hold', async () => {
    expect(await ask('user:default/alice', 'no-such-service')).toEqual({
      result: 'DENY',
    });
  });
});
