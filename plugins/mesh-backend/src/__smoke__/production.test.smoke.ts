/**
 * The production smoke test (`./scripts/test` runs it after the production build; run it
 * alone with `scripts/lib/production-smoke.sh`). Meshport deployed as deploy/README.md says:
 * the production bundle with NODE_ENV=production, started exactly as the Backstage Helm
 * chart starts it from deploy/helm/values.yaml (see chartLayout.ts), on a real PostgreSQL,
 * two replicas on one database. Only what lies outside the deployment is stood in for, by a
 * last --config layer: GitHub (a fake at the HTTP edge, reached as GitHub Enterprise is), the
 * clusters (one fake API server on loopback in the chart's cluster list, beside the demo
 * fleet's snapshot) and the public URL (replica A's address instead of the Ingress). Nothing
 * leaves loopback.
 *
 * It fails if the backend does not listen under the chart's environment, if nobody can sign
 * in through GitHub to a catalog User from the org data, or if a member of a service's
 * owning Group cannot request a route (or a non-member can), or if the bundle cannot watch
 * an API server with its list pages read and parsed in a projection thread.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { meshRouteRequestPermission } from '@meshport/backstage-plugin-mesh-common';
import type { KubeObject } from '@meshport/fake-kubernetes';
import { freeLoopbackPort } from '../__testUtils__/freeLoopbackPort';
import {
  PostgresHarness,
  startPostgres,
} from '../__testUtils__/postgresHarness';
import { chartReplica, HelmValues } from './__testUtils__/chartLayout';
import { FakeGithub, startFakeGithub } from './__testUtils__/fakeGithub';
import {
  FakeApiServerOverHttp,
  startFakeApiServerOverHttp,
} from '../__testUtils__/fakeApiServerOverHttp';
import {
  installBundle,
  Replica,
  ROOT,
  startReplica,
  waitUntilReady,
} from './__testUtils__/productionBundle';

jest.setTimeout(240_000);

const values: HelmValues = parse(
  fs.readFileSync(path.join(ROOT, 'deploy/helm/values.yaml'), 'utf8'),
);
const ORG = values.backstage.extraEnvVars?.find(
  v => v.name === 'GITHUB_ORG',
)?.value;

const OAUTH = { clientId: 'meshport-smoke', clientSecret: 'smoke-secret' };
const CLUSTER_TOKEN = 'smoke-cluster-token';

/** One API server's objects: a meshed `echo` service with one pod, on one labelled node. */
const API_CLUSTER = 'smoke-api-1';
const API_OBJECTS: KubeObject[] = [
  {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: 'node-a',
      labels: {
        'topology.kubernetes.io/region': 'smoke-region',
        'topology.kubernetes.io/zone': 'smoke-region-a',
      },
    },
  },
  {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: 'smoke',
      labels: {
        'istio-injection': 'enabled',
        'meshport.dev/owner': 'platform-team',
      },
    },
  },
  {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { namespace: 'smoke', name: 'echo' },
    spec: {
      selector: { app: 'echo' },
      ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }],
    },
  },
  {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      namespace: 'smoke',
      name: 'echo-1',
      labels: { app: 'echo', version: 'v1' },
      managedFields: [{ manager: 'kubelet', fieldsV1: { 'f:status': {} } }],
    },
    spec: {
      serviceAccountName: 'echo',
      nodeName: 'node-a',
      containers: [{ name: 'echo' }, { name: 'istio-proxy' }],
    },
    status: { conditions: [{ type: 'Ready', status: 'True' }] },
  },
];
const API_TOKEN = 'ghs_smoke-integration-token';

/**
 * alice is in bookinfo-team, which owns the demo fleet's bookinfo services (their namespace's
 * meshport.dev/owner label); bob is in orders-team only; carol is in platform-team.
 */
const GITHUB_ORG = {
  login: ORG ?? 'example-org',
  users: [
    { login: 'alice', nodeId: 'U_kgDOalice', name: 'Alice' },
    { login: 'bob', nodeId: 'U_kgDObob', name: 'Bob' },
    { login: 'carol', nodeId: 'U_kgDOcarol', name: 'Carol' },
  ],
  teams: {
    'bookinfo-team': ['alice'],
    'orders-team': ['bob'],
    'platform-team': ['carol'],
  },
};
/** Has a GitHub account, is not in the organisation. */
const MALLORY = { login: 'mallory', nodeId: 'U_kgDOmallory', name: 'Mallory' };

interface Identity {
  token: string;
  userEntityRef: string;
  ownershipEntityRefs: string[];
}

/**
 * The cookies a browser keeps from a response: the last Set-Cookie of a name wins, and an
 * empty value removes it (the auth backend clears a legacy cookie before setting the new one).
 */
function cookiesOf(res: Response): string[] {
  const jar = new Map<string, string>();
  for (const header of res.headers.getSetCookie()) {
    const [pair] = header.split(';');
    const at = pair.indexOf('=');
    const name = pair.slice(0, at).trim();
    const value = pair.slice(at + 1).trim();
    if (value) jar.set(name, value);
    else jar.delete(name);
  }
  return [...jar].map(([name, value]) => `${name}=${value}`);
}

/**
 * The browser's GitHub sign-in: the backend's start endpoint, GitHub's consent (as `login`),
 * the callback on the public URL, then the refresh call the app makes on load, on `on`.
 */
async function signIn(
  start: Replica,
  on: Replica,
  login: string,
): Promise<Identity> {
  const begin = await fetch(
    `${start.url}/api/auth/github/start?env=production&scope=read:user`,
    { redirect: 'manual' },
  );
  if (begin.status !== 302) {
    throw new Error(
      `GET /api/auth/github/start answered ${
        begin.status
      }: ${await begin.text()}`,
    );
  }
  const authorize = new URL(begin.headers.get('location')!);
  authorize.searchParams.set('as', login);
  const consent = await fetch(authorize, { redirect: 'manual' });
  if (consent.status !== 302) {
    throw new Error(`GitHub's authorize answered ${consent.status}`);
  }
  const frame = await fetch(consent.headers.get('location')!, {
    headers: { cookie: cookiesOf(begin).join('; ') },
    redirect: 'manual',
  });
  // the session: the refresh token and the scopes GitHub granted
  const session = cookiesOf(frame);
  if (!session.some(c => c.startsWith('github-refresh-token='))) {
    throw new Error(
      `the sign-in callback set no session (${frame.status}): ${(
        await frame.text()
      ).slice(0, 600)}`,
    );
  }
  const refresh = await fetch(
    `${on.url}/api/auth/github/refresh?env=production`,
    {
      headers: {
        cookie: session.join('; '),
        'x-requested-with': 'XMLHttpRequest',
      },
    },
  );
  const body = await refresh.json();
  if (refresh.status !== 200) {
    throw new Error(
      `refresh answered ${refresh.status}: ${JSON.stringify(body)}`,
    );
  }
  const { token, identity } = body.backstageIdentity;
  return { token, ...identity };
}

/** Retries `attempt` until it succeeds: the catalog fills in the background after start. */
async function eventually<T>(
  what: string,
  attempt: () => Promise<T>,
  timeoutMs = 90_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (Date.now() > deadline) {
        throw new Error(
          `${what} did not happen within ${timeoutMs / 1000} s: ${
            (error as Error).message
          }`,
        );
      }
      await new Promise(resolve => setTimeout(resolve, 1000));
    }
  }
}

async function getJson(replica: Replica, route: string, token: string) {
  const res = await fetch(`${replica.url}${route}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const body = await res.json();
  if (res.status !== 200) {
    throw new Error(`GET ${route}: ${res.status} ${JSON.stringify(body)}`);
  }
  return body;
}

async function mayRequestRoute(
  replica: Replica,
  user: Identity,
  entityRef: string,
) {
  const res = await fetch(`${replica.url}/api/permission/authorize`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${user.token}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({
      items: [
        {
          id: 'smoke',
          permission: meshRouteRequestPermission,
          resourceRef: entityRef,
        },
      ],
    }),
  });
  const body = await res.json();
  if (res.status !== 200) {
    throw new Error(`authorize: ${res.status} ${JSON.stringify(body)}`);
  }
  return body.items[0].result as string;
}

describe('the production deployment (bundle, Helm chart layout, PostgreSQL, GitHub)', () => {
  let dir: string;
  let postgres: PostgresHarness;
  let github: FakeGithub;
  let apiServer: FakeApiServerOverHttp;
  const replicas: Replica[] = [];
  let a: Replica;
  let b: Replica;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshport-smoke-'));
    const installDir = path.join(dir, 'app');
    fs.mkdirSync(installDir);
    installBundle(installDir);
    [postgres, github, apiServer] = await Promise.all([
      startPostgres(),
      startFakeGithub({
        org: GITHUB_ORG,
        outsiders: [MALLORY],
        ...OAUTH,
        apiToken: API_TOKEN,
      }),
      startFakeApiServerOverHttp(API_OBJECTS, { token: CLUSTER_TOKEN }),
    ]);
    const ports = [await freeLoopbackPort(), await freeLoopbackPort()];
    const publicUrl = `http://127.0.0.1:${ports[0]}`;
    const chart = chartReplica(values, {
      installDir,
      secrets: {
        'meshport-postgres': {
          host: postgres.host,
          port: String(postgres.port),
          user: postgres.user,
          password: postgres.password,
        },
        'meshport-auth': {
          'github-client-id': OAUTH.clientId,
          'github-client-secret': OAUTH.clientSecret,
          'github-token': API_TOKEN,
        },
        'meshport-clusters': {
          'cluster-1-token': CLUSTER_TOKEN,
          'cluster-1-ca-data': 'unused',
          'cluster-2-token': 'unused',
          'cluster-2-ca-data': 'unused',
        },
      },
    });
    chart.env.BACKSTAGE_BASE_URL = publicUrl;
    chart.env.MESH_PROMETHEUS_URL = `${github.url}/no-prometheus`;
    // The stand-ins for what lies outside the deployment, layered last.
    const outside = path.join(dir, 'outside-world.yaml');
    fs.writeFileSync(
      outside,
      stringify({
        integrations: {
          github: [
            {
              host: new URL(github.url).host,
              apiBaseUrl: `${github.url}/api/v3`,
              token: '${GITHUB_TOKEN}',
            },
          ],
        },
        auth: {
          providers: {
            github: { production: { enterpriseInstanceUrl: github.url } },
          },
        },
        catalog: { providers: { githubOrg: { githubUrl: github.url } } },
        // the chart's cluster list with one API server that answers: the token from the
        // chart's Secret, plain HTTP on loopback instead of TLS
        kubernetes: {
          clusterLocatorMethods: [
            {
              type: 'config',
              clusters: [
                {
                  name: API_CLUSTER,
                  url: apiServer.url,
                  authProvider: 'serviceAccount',
                  serviceAccountToken: '${CLUSTER_1_TOKEN}',
                },
              ],
            },
          ],
        },
        mesh: {
          snapshot: { directory: path.join(ROOT, 'examples/demo-fleet') },
        },
      }),
    );
    // The second replica starts once the first is ready, as `helm upgrade --set
    // backstage.replicas=2` after a first install with one (deploy/README.md): two
    // backends migrating one empty database at once race on knex's migration locks
    // (backstage/charts#300), and a lock left by the loser does not heal.
    const start = (i: number) =>
      startReplica({
        name: `replica-${'ab'[i]}`,
        installDir,
        chart,
        extraConfigs: [outside],
        port: ports[i],
        logDir: dir,
      });
    replicas.push(start(0));
    await waitUntilReady(replicas[0], 150_000);
    replicas.push(start(1));
    [a, b] = replicas;
  });

  afterAll(async () => {
    await Promise.all(replicas.map(r => r.stop()));
    await github?.stop();
    await apiServer?.stop();
    await postgres?.stop();
    if (process.env.MESHPORT_SMOKE_KEEP_LOGS) {
      // eslint-disable-next-line no-console
      console.log(`replica logs kept in ${dir}`);
    } else if (dir) {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('both replicas become ready under the chart’s environment (backend.listen from APP_CONFIG_backend_listen_port)', async () => {
    await waitUntilReady(b, 150_000);
    for (const replica of replicas) {
      // the events bus that carries signals and notifications between replicas
      expect(fs.readFileSync(replica.log, 'utf8')).toContain(
        'Database is PostgreSQL, using database store',
      );
    }
  });

  let alice: Identity;
  let bob: Identity;

  it('a GitHub user signs in and resolves to the catalog User from the org data, with their team', async () => {
    alice = await eventually('alice signing in', () => signIn(a, a, 'alice'));
    expect(alice.userEntityRef).toBe('user:default/alice');
    expect(alice.ownershipEntityRefs).toEqual(
      expect.arrayContaining([
        'user:default/alice',
        'group:default/bookinfo-team',
      ]),
    );
    const user = await getJson(
      a,
      '/api/catalog/entities/by-name/user/default/alice',
      alice.token,
    );
    expect(user.metadata.annotations['github.com/user-id']).toBe('U_kgDOalice');
    expect(github.requests).toEqual(
      expect.arrayContaining([
        'GET /login/oauth/authorize',
        'POST /login/oauth/access_token',
        'GET /api/v3/user',
        'POST /api/graphql',
      ]),
    );
  });

  it('the guest provider is off', async () => {
    const res = await fetch(`${a.url}/api/auth/guest/refresh?env=production`, {
      headers: { 'x-requested-with': 'XMLHttpRequest' },
    });
    expect(res.status).toBe(404);
  });

  it('someone outside the organisation cannot sign in', async () => {
    // mallory has a GitHub account but is no member: no User entity matches her
    await expect(signIn(a, a, MALLORY.login)).rejects.toThrow(
      /the sign-in callback set no session/,
    );
  });

  it('a member of a service’s owning group may request a route; a non-member is refused', async () => {
    bob = await eventually('bob signing in', () => signIn(a, a, 'bob'));
    const [service] = await eventually(
      'Meshport publishing the bookinfo services',
      async () => {
        const found = await getJson(
          a,
          '/api/catalog/entities?filter=kind=component,relations.ownedBy=group:default/bookinfo-team',
          alice.token,
        );
        if (found.length === 0)
          throw new Error('no component owned by bookinfo-team yet');
        return found;
      },
    );
    const ref = `component:${service.metadata.namespace}/${service.metadata.name}`;
    expect(await mayRequestRoute(a, alice, ref)).toBe('ALLOW');
    expect(await mayRequestRoute(a, bob, ref)).toBe('DENY');
  });

  it('two replicas share one database: a session and a token from one work on the other', async () => {
    const aliceOnB = await signIn(a, b, 'alice');
    expect(aliceOnB.userEntityRef).toBe('user:default/alice');
    const [service] = await getJson(
      b,
      '/api/catalog/entities?filter=kind=component,relations.ownedBy=group:default/bookinfo-team',
      alice.token,
    );
    const ref = `component:${service.metadata.namespace}/${service.metadata.name}`;
    expect(await mayRequestRoute(b, alice, ref)).toBe('ALLOW');
    expect(await mayRequestRoute(b, bob, ref)).toBe('DENY');
  });

  it('watches an API server from the chart’s cluster list, its list pages read and parsed in a projection thread', async () => {
    const cluster = await eventually(`${API_CLUSTER} synced`, async () => {
      const { items } = await getJson(a, '/api/mesh/clusters', alice.token);
      const found = items.find((c: { name: string }) => c.name === API_CLUSTER);
      if (found?.sync.state !== 'ok')
        throw new Error(`${API_CLUSTER}: ${JSON.stringify(found?.sync)}`);
      return found;
    });
    // the node list was read and projected
    expect(cluster.regions).toEqual(['smoke-region']);
    expect(cluster.zones).toEqual(['smoke-region-a']);
    // listed, then watched from the list's resourceVersion
    expect(apiServer.requests.some(r => r.includes('watch=1'))).toBe(true);
    // no page went back to the event loop for want of a thread (the bundle holds its file)
    for (const replica of replicas) {
      const said = fs
        .readFileSync(replica.log, 'utf8')
        .split('\n')
        .filter(line => line.includes('projection thread'));
      expect(said).toEqual([]);
    }
  });
});
