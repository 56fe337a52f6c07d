import {
  coreServices,
  createBackendModule,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import {
  AuthorizeResult,
  isResourcePermission,
} from '@backstage/plugin-permission-common';
import type { PoliciesResponse } from '@meshport/backstage-plugin-mesh-common';
import { renderCodeOwners } from '@meshport/backstage-plugin-mesh-policy';
import request from 'supertest';
import { startMeshBackend } from '../metrics/__testUtils__/meshTestBackend';
import { createMeshPlugin } from '../plugin';
import { DEMO_FLEET_DIR } from '../__testUtils__/demoFleet';
import { FakeScm } from './__testUtils__/fakeScm';
import { POLICY_SYNC_TASK_ID } from './schedulePolicySync';

jest.setTimeout(120_000);

const REPO = 'github.com?owner=acme&repo=mesh-policies';
const ROUTE = `/api/mesh/policies/code-owners?repository=${encodeURIComponent(
  REPO,
)}`;

const component = (id: string, owner: string): Entity => {
  const [namespace, name] = id.split('/');
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: `${name}.${namespace}`,
      namespace: 'default',
      annotations: {
        'meshport.dev/service': id,
        'backstage.io/managed-by-origin-location': 'meshport-provider:fleet',
      },
    },
    spec: { type: 'service', lifecycle: 'production', owner },
  };
};
const group = (name: string, slug: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: {
    name,
    namespace: 'default',
    annotations: { 'github.com/team-slug': slug },
  },
  spec: { type: 'team', children: [] },
});

const OWNERS = {
  provider: 'github',
  default: ['@acme/platform'],
  services: {
    'bookinfo/reviews': ['@acme/bookinfo'],
    'orders/orders': ['@acme/orders'],
    // in no cluster yet: only the fleet permission governs it
    'payments/refunds': ['@acme/payments'],
  },
};

describe('GET /policies/code-owners and the repositories CODEOWNERS status', () => {
  const scm = new FakeScm();
  let sync: () => Promise<void>;
  let server: Parameters<typeof request>[0];

  beforeAll(async () => {
    let scheduler: SchedulerService | undefined;
    const backend = await startMeshBackend({
      plugin: createMeshPlugin({ policyRepositoryScm: scm }),
      config: {
        mesh: {
          snapshot: { directory: DEMO_FLEET_DIR },
          policyRepositories: [REPO],
          policyLifecycle: {
            codeOwners: { defaultOwners: ['@acme/platform'] },
          },
        },
      },
      entities: {
        entities: [
          component('bookinfo/reviews', 'bookinfo-team'),
          component('orders/orders', 'orders-team'),
          component('payments/refunds', 'payments-team'),
          group('bookinfo-team', 'acme/bookinfo'),
          group('orders-team', 'acme/orders'),
          group('payments-team', 'acme/payments'),
        ],
      },
      features: [
        // a user may read no service's entity; a service principal (the CI's token) reads all
        mockServices.permissions.mock({
          authorize: async requests =>
            requests.map(r => ({
              result: isResourcePermission(r.permission)
                ? AuthorizeResult.DENY
                : AuthorizeResult.ALLOW,
            })),
          authorizeConditional: async (requests, options) =>
            requests.map(() => ({
              result:
                (options?.credentials.principal as { type?: string })?.type ===
                'service'
                  ? AuthorizeResult.ALLOW
                  : AuthorizeResult.DENY,
            })),
        }).factory,
        createBackendModule({
          pluginId: 'mesh',
          moduleId: 'capture-policy-scheduler',
          register(env) {
            env.registerInit({
              deps: { s: coreServices.scheduler },
              async init({ s }) {
                scheduler = s;
              },
            });
          },
        }),
      ],
    });
    server = backend.server;
    sync = () => scheduler!.triggerTask(POLICY_SYNC_TASK_ID);
  });

  const repositoryStatus = async () =>
    (
      (await request(server).get('/api/mesh/policies').expect(200))
        .body as PoliciesResponse
    ).repositories[0];

  it('is absent, saying how to write it, while the branch has no CODEOWNERS', async () => {
    scm.branches.set(REPO, {
      commit: 'c1',
      files: {
        'policies/bookinfo/reviews/a.yaml': 'x',
        'policies/orders/orders/b.yaml': 'x',
        'policies/payments/refunds/c.yaml': 'x',
      },
    });
    await sync();
    const status = await repositoryStatus();
    expect(status.codeOwners).toBe('absent');
    expect(status.codeOwnersMessage).toMatch(
      /meshport-policy codeowners <repo> --owners owners\.json --write/,
    );
  });

  it('gives a service principal every service', async () => {
    const res = await request(server)
      .get(ROUTE)
      .set('Authorization', mockCredentials.service.header())
      .expect(200);
    expect(res.body).toEqual(OWNERS);
  });

  it('gives a user only the services they may read', async () => {
    const res = await request(server).get(ROUTE).expect(200);
    expect(res.body).toEqual({
      ...OWNERS,
      services: { 'payments/refunds': ['@acme/payments'] },
    });
  });

  it('is current once CODEOWNERS is what the owners file asks for', async () => {
    const files = scm.branches.get(REPO)!.files;
    scm.branches.set(REPO, {
      commit: 'c2',
      files: {
        ...files,
        CODEOWNERS: renderCodeOwners({
          provider: 'github',
          defaultOwners: OWNERS.default,
          services: Object.entries(OWNERS.services).map(([id, owners]) => ({
            namespace: id.split('/')[0],
            service: id.split('/')[1],
            owners,
          })),
        }),
      },
    });
    await sync();
    const status = await repositoryStatus();
    expect(status.codeOwners).toBe('current');
    expect(status.codeOwnersMessage).toBeUndefined();
  });

  it.each([
    ['', /repository must be one configured policy repository URL/],
    [
      '?repository=github.com%3Fowner%3Dacme%26repo%3Dother',
      /github\.com\?owner=acme&repo=other is not a configured policy repository .*use one of github\.com\?owner=acme&repo=mesh-policies/,
    ],
    [`?repository=${encodeURIComponent(REPO)}&x=1`, /unknown parameter\(s\) x/],
    ['?repository=a&repository=b', /repository must be one/],
  ])('refuses %s with 400', async (query, message) => {
    const res = await request(server)
      .get(`/api/mesh/policies/code-owners${query}`)
      .expect(400);
    expect(res.body.error.message).toMatch(message);
  });
});
