/**
 * One test per auth provider of the Kubernetes plugin: the strategy Backstage exports gives
 * the credential, and the fake API server checks what reaches it. Token endpoints (Google,
 * Azure) are faked with msw too; nothing leaves the process.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import type { ClusterDetails } from '@backstage/plugin-kubernetes-node';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { fakeApiServer } from '@meshport/fake-kubernetes';
import { KubernetesApiReader } from '../../readers/KubernetesApiReader';
import { ClusterReadError } from '../../readers/ClusterReadError';
import { RESOURCES } from '../../readers/resources';
import { LocalKubectlProxyClusterLocator } from '../locators/LocalKubectlProxyClusterLocator';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { clusterDiscovery, ClusterExtensions } from '../clusterDiscovery';
import { ClusterAuthenticator } from './ClusterAuthenticator';
import { defaultAuthStrategies } from './defaultAuthStrategies';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const URL_OF = 'https://auth.k8s.example.com:6443';
const signal = new AbortController().signal;
const NAMESPACE = {
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name: 'shop' },
};

function authenticator(config: object = {}) {
  return new ClusterAuthenticator(
    defaultAuthStrategies({
      config: new ConfigReader(config),
      logger: mockServices.logger.mock(),
    }),
  );
}

const cluster = (
  authMetadata: Record<string, string>,
  url = URL_OF,
): ClusterDetails => ({ name: 'auth', url, authMetadata });

/** Lists namespaces with the credential the provider gives; returns what the server saw. */
async function readWith(
  auth: ClusterAuthenticator,
  details: ClusterDetails,
): Promise<{ authorization: string | null; names?: string[] }> {
  const seen: { authorization: string | null } = { authorization: null };
  server.use(
    http.all(`${details.url}/*`, ({ request }) => {
      seen.authorization = request.headers.get('authorization');
      return undefined; // falls through to the fake API server
    }),
    ...fakeApiServer(details.url, [NAMESPACE]),
  );
  const reader = new KubernetesApiReader(
    { type: 'kubernetes', name: details.name, cluster: details },
    {
      pageSize: 10,
      maxItems: 10,
      credential: () => auth.credentialFor(details),
    },
  );
  const items = await reader.list(RESOURCES.namespaces, { signal });
  return { ...seen, names: items?.map(i => i.metadata?.name ?? '') };
}

/** Sets environment variables for one test. */
function withEnv(vars: Record<string, string>) {
  const saved = Object.fromEntries(
    Object.keys(vars).map(k => [k, process.env[k]]),
  );
  Object.assign(process.env, vars);
  return () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}

describe('auth providers of the Kubernetes plugin, for discovery', () => {
  it('serviceAccount: sends the configured token', async () => {
    const seen = await readWith(
      authenticator(),
      cluster({
        'kubernetes.io/auth-provider': 'serviceAccount',
        serviceAccountToken: 'sa-token',
      }),
    );
    expect(seen).toEqual({ authorization: 'Bearer sa-token', names: ['shop'] });
  });

  it('aws: sends a token presigned for STS GetCallerIdentity with the cluster id, from the environment credentials', async () => {
    const restore = withEnv({
      AWS_ACCESS_KEY_ID: 'AKIAMESHPORTTEST',
      AWS_SECRET_ACCESS_KEY: 'secret-key-never-sent',
      AWS_REGION: 'eu-west-1',
    });
    try {
      const seen = await readWith(
        authenticator(),
        cluster({
          'kubernetes.io/auth-provider': 'aws',
          'kubernetes.io/x-k8s-aws-id': 'prod-eks',
        }),
      );
      expect(seen.names).toEqual(['shop']);
      const token = seen.authorization?.replace(/^Bearer /, '') ?? '';
      expect(token).toMatch(/^k8s-aws-v1\.[A-Za-z0-9_-]+$/);
      // what the API server's aws-iam-authenticator would call: STS, signed for this cluster
      const presigned = new URL(
        Buffer.from(token.slice('k8s-aws-v1.'.length), 'base64url').toString(),
      );
      expect(presigned.host).toBe('sts.eu-west-1.amazonaws.com');
      expect(presigned.searchParams.get('Action')).toBe('GetCallerIdentity');
      expect(presigned.searchParams.get('X-Amz-Credential')).toMatch(
        /^AKIAMESHPORTTEST\//,
      );
      expect(presigned.searchParams.get('X-Amz-SignedHeaders')).toContain(
        'x-k8s-aws-id',
      );
      expect(token).not.toContain('secret-key-never-sent');
    } finally {
      restore();
    }
  });

  it('azure: sends the AKS token of the client-secret credentials in the environment', async () => {
    const tenant = '11111111-2222-3333-4444-555555555555';
    const restore = withEnv({
      AZURE_TENANT_ID: tenant,
      AZURE_CLIENT_ID: 'meshport-discovery',
      AZURE_CLIENT_SECRET: 'client-secret',
    });
    const tokenRequests: URLSearchParams[] = [];
    const login = 'https://login.microsoftonline.com';
    server.use(
      http.get(`${login}/common/discovery/instance`, () =>
        HttpResponse.json({
          tenant_discovery_endpoint: `${login}/${tenant}/v2.0/.well-known/openid-configuration`,
          'api-version': '1.1',
          metadata: [
            {
              preferred_network: 'login.microsoftonline.com',
              preferred_cache: 'login.windows.net',
              aliases: ['login.microsoftonline.com', 'login.windows.net'],
            },
          ],
        }),
      ),
      http.get(`${login}/${tenant}/v2.0/.well-known/openid-configuration`, () =>
        HttpResponse.json({
          token_endpoint: `${login}/${tenant}/oauth2/v2.0/token`,
          authorization_endpoint: `${login}/${tenant}/oauth2/v2.0/authorize`,
          issuer: `${login}/${tenant}/v2.0`,
          end_session_endpoint: `${login}/${tenant}/oauth2/v2.0/logout`,
        }),
      ),
      http.post(`${login}/${tenant}/oauth2/v2.0/token`, async ({ request }) => {
        tokenRequests.push(new URLSearchParams(await request.text()));
        return HttpResponse.json({
          token_type: 'Bearer',
          expires_in: 3600,
          ext_expires_in: 3600,
          access_token: 'aks-token',
        });
      }),
    );
    try {
      const seen = await readWith(
        authenticator(),
        cluster({ 'kubernetes.io/auth-provider': 'azure' }),
      );
      expect(seen).toEqual({
        authorization: 'Bearer aks-token',
        names: ['shop'],
      });
      expect(tokenRequests).toHaveLength(1);
      expect(tokenRequests[0].get('client_id')).toBe('meshport-discovery');
      // the AKS server application, as AzureIdentityStrategy asks for it
      expect(tokenRequests[0].get('scope')).toContain(
        '6dae42f8-4368-4678-94ff-3960e28e3630/.default',
      );
    } finally {
      restore();
    }
  });

  it('googleServiceAccount: sends a token for the service account of kubernetes.googleServiceAccountCredentials', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const credentials = {
      type: 'service_account',
      project_id: 'meshport-test',
      private_key_id: 'key-1',
      private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }),
      client_email: 'discovery@meshport-test.iam.gserviceaccount.com',
      client_id: '1234',
      token_uri: 'https://www.googleapis.com/oauth2/v4/token',
    };
    const assertions: string[] = [];
    server.use(
      // the endpoint google-auth-library's JWT client exchanges the signed assertion at
      http.post(
        'https://www.googleapis.com/oauth2/v4/token',
        async ({ request }) => {
          const body = new URLSearchParams(await request.text());
          assertions.push(body.get('assertion') ?? '');
          return HttpResponse.json({
            access_token: 'ya29.google-token',
            expires_in: 3600,
            token_type: 'Bearer',
          });
        },
      ),
    );
    const seen = await readWith(
      authenticator({
        kubernetes: {
          googleServiceAccountCredentials: JSON.stringify(credentials),
        },
      }),
      cluster({ 'kubernetes.io/auth-provider': 'googleServiceAccount' }),
    );
    expect(seen).toEqual({
      authorization: 'Bearer ya29.google-token',
      names: ['shop'],
    });
    // a JWT the service account signed, exchanged at Google's token endpoint
    const claims = JSON.parse(
      Buffer.from(assertions[0].split('.')[1], 'base64url').toString(),
    );
    expect(claims.iss).toBe(credentials.client_email);
  });

  it('localKubectlProxy: sends no credential (the proxy adds its own) over plain HTTP', async () => {
    const [local] = await new LocalKubectlProxyClusterLocator(async () => ({
      address: '127.0.0.1',
    })).getClusters();
    const seen = await readWith(authenticator(), local);
    expect(seen).toEqual({ authorization: null, names: ['shop'] });
  });

  it.each([
    ['google', "read this cluster with authProvider 'googleServiceAccount'"],
    ['aks', "read this cluster with authProvider 'azure'"],
    ['oidc', "'serviceAccount', 'aws', 'azure' or 'googleServiceAccount'"],
  ])(
    '%s: refuses with auth-config, as it needs the signed-in user, and says what to use',
    async (provider, advice) => {
      const details = cluster({
        'kubernetes.io/auth-provider': provider,
        'kubernetes.io/oidc-token-provider': 'okta',
      });
      const error = await authenticator()
        .credentialFor(details)
        .catch(e => e);
      expect(error).toBeInstanceOf(ClusterReadError);
      expect(error.reason).toBe('auth-config');
      expect(error.message).toContain(
        `authProvider '${provider}' uses the token of the Backstage user viewing the page`,
      );
      expect(error.message).toContain(advice);
    },
  );

  it('refuses a cluster without an auth provider, or with one nobody registered, listing the usable ones', async () => {
    const none = await authenticator()
      .credentialFor(cluster({}))
      .catch(e => e);
    expect(none).toMatchObject({ reason: 'auth-config' });
    expect(none.message).toContain(
      "no auth provider is configured; set authProvider (or authMetadata.kubernetes.io/auth-provider) to one of 'aws', 'azure', 'googleServiceAccount', 'localKubectlProxy', 'serviceAccount'",
    );
    const unknown = await authenticator()
      .credentialFor(cluster({ 'kubernetes.io/auth-provider': 'vault' }))
      .catch(e => e);
    expect(unknown).toMatchObject({ reason: 'auth-config' });
    expect(unknown.message).toContain(
      "authProvider 'vault' has no auth strategy",
    );
  });

  it("uses a module's strategy in place of the built-in one of its key", async () => {
    const extensions = new ClusterExtensions();
    extensions.addAuthStrategy('google', {
      getCredential: async () => ({
        type: 'bearer token',
        token: 'from-module',
      }),
      validateCluster: () => [],
      presentAuthMetadata: () => ({}),
    });
    const { authenticator: replaced } = clusterDiscovery(new ConfigReader({}), {
      catalog: catalogServiceMock(),
      auth: mockServices.auth(),
      logger: mockServices.logger.mock(),
      extensions,
    });
    const seen = await readWith(
      replaced,
      cluster({ 'kubernetes.io/auth-provider': 'google' }),
    );
    expect(seen.authorization).toBe('Bearer from-module');
  });

  it('refuses auth metadata the strategy rejects, with its reason', async () => {
    const strict = new ClusterAuthenticator(
      new Map([
        [
          'custom',
          {
            getCredential: async () => ({ type: 'anonymous' as const }),
            validateCluster: () => [new Error('custom needs a role')],
            presentAuthMetadata: () => ({}),
          },
        ],
      ]),
    );
    await expect(
      strict.credentialFor(
        cluster({ 'kubernetes.io/auth-provider': 'custom' }),
      ),
    ).rejects.toMatchObject({
      reason: 'auth-config',
      message:
        "cluster auth: authProvider 'custom' rejects its auth metadata: custom needs a role",
    });
  });

  it('reports a strategy that gives no credential as unauthorized, without the secret', async () => {
    const broken = new ClusterAuthenticator(
      new Map([
        [
          'custom',
          {
            getCredential: async () => {
              throw new Error('token endpoint answered 400');
            },
            validateCluster: () => [],
            presentAuthMetadata: () => ({}),
          },
        ],
      ]),
    );
    await expect(
      broken.credentialFor(
        cluster({ 'kubernetes.io/auth-provider': 'custom', secret: 'x' }),
      ),
    ).rejects.toMatchObject({
      reason: 'unauthorized',
      message:
        "cluster auth: authProvider 'custom' gave no credential: token endpoint answered 400",
    });
  });
});
