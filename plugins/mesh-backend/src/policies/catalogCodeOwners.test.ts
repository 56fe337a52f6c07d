import type { Entity } from '@backstage/catalog-model';
import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { Fleet } from '@meshport/backstage-plugin-mesh-common';
import type { PolicyRepositoryConfig } from '@meshport/backstage-plugin-mesh-node';
import type {
  BranchSnapshot,
  PolicyPullRequestRecord,
} from '@meshport/backstage-plugin-mesh-policy';
import { renderCodeOwners } from '@meshport/backstage-plugin-mesh-policy';
import { catalogCodeOwners } from './catalogCodeOwners';

const GITHUB: PolicyRepositoryConfig = {
  url: 'github.com?owner=acme&repo=mesh-policies',
  host: 'github.com',
  owner: 'acme',
  repo: 'mesh-policies',
  provider: 'github',
  branch: 'main',
  webUrl: 'https://github.com/acme/mesh-policies',
};
const GITLAB: PolicyRepositoryConfig = {
  ...GITHUB,
  url: 'gitlab.example.com?owner=platform%2Fmesh&repo=policies',
  host: 'gitlab.example.com',
  owner: 'platform/mesh',
  repo: 'policies',
  provider: 'gitlab',
  webUrl: 'https://gitlab.example.com/platform/mesh/policies',
};

/** The Component the Meshport catalog module generates for a service. */
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
const group = (name: string, annotations: Record<string, string>): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name, namespace: 'default', annotations },
  spec: { type: 'team', children: [] },
});
const user = (
  name: string,
  annotations: Record<string, string>,
  memberOf: string[] = [],
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name, namespace: 'default', annotations },
  spec: { memberOf },
  relations: memberOf.map(g => ({
    type: 'memberOf',
    targetRef: `group:default/${g}`,
  })),
});

const fleet = (...ids: string[]): Fleet =>
  ({
    services: ids.map(id => {
      const [namespace, name] = id.split('/');
      return { id, namespace, name };
    }),
  } as unknown as Fleet);

const policyFile = (id: string) => ({
  [`policies/${id}/route.yaml`]: 'kind: TrafficPolicy',
});

const DEFAULTS = ['@acme/platform'];

function checker(entities: Entity[], ids: string[], defaultOwners = DEFAULTS) {
  return catalogCodeOwners({
    catalog: catalogServiceMock({ entities }),
    auth: mockServices.auth(),
    fleet: async () => fleet(...ids),
    defaultOwners,
  });
}

const ENTITIES = [
  component('bookinfo/reviews', 'bookinfo-team'),
  component('orders/orders', 'user:default/jdoe'),
  group('bookinfo-team', { 'github.com/team-slug': 'acme/bookinfo' }),
  user('jdoe', { 'github.com/user-login': 'jdoe' }),
];

const EXPECTED = renderCodeOwners({
  provider: 'github',
  defaultOwners: DEFAULTS,
  services: [
    { namespace: 'bookinfo', service: 'reviews', owners: ['@acme/bookinfo'] },
    { namespace: 'orders', service: 'orders', owners: ['@jdoe'] },
  ],
});

const branch = (files: Record<string, string>): BranchSnapshot => ({
  commit: 'c1',
  files: {
    ...policyFile('bookinfo/reviews'),
    ...policyFile('orders/orders'),
    ...files,
  },
});

describe('catalogCodeOwners', () => {
  const ids = ['bookinfo/reviews', 'orders/orders'];

  it('is current when CODEOWNERS names the catalog owners', async () => {
    const check = await checker(ENTITIES, ids)(
      GITHUB,
      branch({ CODEOWNERS: EXPECTED }),
      [],
    );
    expect(check).toEqual({
      status: 'current',
      owners: {
        provider: 'github',
        default: DEFAULTS,
        services: {
          'bookinfo/reviews': ['@acme/bookinfo'],
          'orders/orders': ['@jdoe'],
        },
      },
    });
  });

  it('is out of date when an owner changed in the catalog, naming the service and the fix', async () => {
    const moved = ENTITIES.map(e =>
      e.metadata.name === 'bookinfo-team'
        ? group('bookinfo-team', { 'github.com/team-slug': 'acme/reviewers' })
        : e,
    );
    const check = await checker(moved, ids)(
      GITHUB,
      branch({ CODEOWNERS: EXPECTED }),
      [],
    );
    expect(check.status).toBe('out-of-date');
    expect(check.message).toBe(
      "CODEOWNERS differs from the catalog's owners in the rules of bookinfo/reviews: save GET /api/mesh/policies/code-owners?repository=github.com%3Fowner%3Dacme%26repo%3Dmesh-policies as owners.json and run `meshport-policy codeowners <repo> --owners owners.json --write` in a clone of https://github.com/acme/mesh-policies",
    );
  });

  it('reads the file GitHub reads first: .github/ shadows the root', async () => {
    const check = await checker(ENTITIES, ids)(
      GITHUB,
      branch({
        CODEOWNERS: EXPECTED,
        '.github/CODEOWNERS': '* @acme/platform',
      }),
      [],
    );
    expect(check.status).toBe('out-of-date');
    expect(check.message).toMatch(
      /^\.github\/CODEOWNERS differs .* the rules of bookinfo\/reviews, orders\/orders and the rules for \/CODEOWNERS:/,
    );
  });

  it('is absent without a CODEOWNERS the SCM reads (.gitlab/ is GitLab only)', async () => {
    const check = await checker(ENTITIES, ids)(
      GITHUB,
      branch({ '.gitlab/CODEOWNERS': EXPECTED }),
      [],
    );
    expect(check.status).toBe('absent');
    expect(check.message).toMatch(
      /no CODEOWNERS where GitHub reads it \(\.github\/CODEOWNERS, CODEOWNERS, docs\/CODEOWNERS\)/,
    );
  });

  it.each([
    [
      'a CODEOWNERS',
      { CODEOWNERS: EXPECTED },
      'unknown',
      /compare CODEOWNERS of https/,
    ],
    [
      'no CODEOWNERS',
      {},
      'absent',
      /Set mesh\.policyLifecycle\.codeOwners\.defaultOwners/,
    ],
  ])(
    'without default owners, a branch with %s is %s and says to set them',
    async (_what, files, status, message) => {
      const check = await catalogCodeOwners({
        catalog: catalogServiceMock({ entities: ENTITIES }),
        auth: mockServices.auth(),
        fleet: async () => fleet(...ids),
      })(GITHUB, branch(files), []);
      expect(check.status).toBe(status);
      expect(check.message).toMatch(message);
      expect(check.owners).toBeUndefined();
    },
  );

  it('gives the default owners a service whose owner has no SCM identity, or no entity stands for', async () => {
    const entities = [
      component('bookinfo/reviews', 'bookinfo-team'),
      group('bookinfo-team', {}),
      // a hand-written entity not owned by the service's owner stands for nothing
      {
        ...component('bookinfo/details', 'intruders'),
        metadata: {
          name: 'details-claim',
          namespace: 'default',
          annotations: { 'meshport.dev/service': 'bookinfo/details' },
        },
      },
    ];
    const services = ['bookinfo/reviews', 'bookinfo/details'];
    const check = await checker(entities, services)(
      GITHUB,
      {
        files: {
          ...policyFile('bookinfo/reviews'),
          ...policyFile('bookinfo/details'),
        },
      },
      [],
    );
    expect(check.owners?.services).toEqual({
      'bookinfo/details': [],
      'bookinfo/reviews': [],
    });
    expect(check.status).toBe('absent');
  });

  it("names an open request's destinations, not a closed one's", async () => {
    const record = (
      state: 'open' | 'closed',
      destination: string,
    ): PolicyPullRequestRecord => ({
      pullRequest: {
        url: 'https://github.com/acme/mesh-policies/pull/1',
        number: 1,
        title: 't',
        state,
        author: 'a',
        reviewers: [],
        approvedBy: [],
        createdAt: '2026-12-01T00:00:00Z',
      },
      policies: [],
      destinations: [destination],
    });
    const check = await checker(ENTITIES, ids)(
      GITHUB,
      { files: policyFile('bookinfo/reviews') },
      [record('open', 'orders/orders'), record('closed', 'orders/history')],
    );
    expect(Object.keys(check.owners?.services ?? {})).toEqual([
      'bookinfo/reviews',
      'orders/orders',
    ]);
  });

  it('is unknown, saying why, when an identity cannot be written in CODEOWNERS', async () => {
    const entities = [
      component('bookinfo/reviews', 'bookinfo-team'),
      group('bookinfo-team', { 'github.com/team-slug': 'acme/book info' }),
    ];
    const check = await checker(entities, ['bookinfo/reviews'])(
      GITHUB,
      { files: policyFile('bookinfo/reviews') },
      [],
    );
    expect(check.status).toBe('unknown');
    expect(check.message).toMatch(/"@acme\/book info" is not an owner GitHub/);
  });

  it('names GitLab groups by path, users by username, and a group without a path by its members', async () => {
    const host = 'gitlab.example.com';
    const entities = [
      component('bookinfo/reviews', 'bookinfo-team'),
      component('orders/orders', 'orders-team'),
      component('identity/users', 'user:default/ann'),
      group('bookinfo-team', { [`${host}/team-path`]: 'acme/bookinfo' }),
      group('orders-team', {}),
      user('ann', { [`${host}/user-login`]: `https://${host}/ann` }),
      user('bob', { [`${host}/user-login`]: 'bob' }, ['orders-team']),
      user('cy', { 'github.com/user-login': 'cy' }, ['orders-team']),
    ];
    const services = ['bookinfo/reviews', 'orders/orders', 'identity/users'];
    const files = Object.assign({}, ...services.map(policyFile));
    const check = await checker(entities, services, ['@platform'])(
      GITLAB,
      { files },
      [],
    );
    expect(check.owners).toEqual({
      provider: 'gitlab',
      default: ['@platform'],
      services: {
        'bookinfo/reviews': ['@acme/bookinfo'],
        'identity/users': ['@ann'],
        'orders/orders': ['@bob'],
      },
    });
  });
});
