import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigReader } from '@backstage/config';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { GkeClusterLocator } from './GkeClusterLocator';

const server = setupServer();
const CONTAINER = 'https://container.googleapis.com/v1';
const TOKEN_ENDPOINT = 'https://www.googleapis.com/oauth2/v4/token';

/** Application default credentials: a service-account key file, as on a CI runner. */
let keyDir: string;
let savedAdc: string | undefined;
beforeAll(() => {
  server.listen({ onUnhandledRequest: 'error' });
  keyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gke-adc-'));
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyFile = path.join(keyDir, 'key.json');
  fs.writeFileSync(
    keyFile,
    JSON.stringify({
      type: 'service_account',
      project_id: 'meshport-test',
      private_key_id: 'key-1',
      private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }),
      client_email: 'locator@meshport-test.iam.gserviceaccount.com',
      client_id: '1234',
      token_uri: TOKEN_ENDPOINT,
    }),
  );
  savedAdc = process.env.GOOGLE_APPLICATION_CREDENTIALS;
  process.env.GOOGLE_APPLICATION_CREDENTIALS = keyFile;
});
afterEach(() => server.resetHandlers());
afterAll(() => {
  server.close();
  if (savedAdc === undefined) delete process.env.GOOGLE_APPLICATION_CREDENTIALS;
  else process.env.GOOGLE_APPLICATION_CREDENTIALS = savedAdc;
  fs.rmSync(keyDir, { recursive: true, force: true });
});

const CLUSTERS = [
  {
    name: 'prod-eu',
    endpoint: '34.1.2.3',
    masterAuth: { clusterCaCertificate: 'Q0EtZXU=' },
    resourceLabels: { mesh: 'yes' },
    controlPlaneEndpointsConfig: {
      dnsEndpointConfig: { endpoint: 'gke-abc.europe-west1.gke.goog' },
    },
  },
  { name: 'prod-us', endpoint: '35.1.2.3', resourceLabels: { mesh: 'no' } },
  // still provisioning: no endpoint yet
  { name: 'creating', resourceLabels: { mesh: 'yes' } },
];

/** The token endpoint and the container API; records what the API was called with. */
function fakeGoogle(clusters: object[] = CLUSTERS, status = 200) {
  const calls: Array<{ path: string; authorization: string | null }> = [];
  server.use(
    http.post(TOKEN_ENDPOINT, () =>
      HttpResponse.json({
        access_token: 'ya29.locator',
        expires_in: 3600,
        token_type: 'Bearer',
      }),
    ),
    http.get(
      `${CONTAINER}/projects/:project/locations/:region/clusters`,
      ({ request }) => {
        calls.push({
          path: new URL(request.url).pathname,
          authorization: request.headers.get('authorization'),
        });
        return status === 200
          ? HttpResponse.json({ clusters })
          : HttpResponse.json(
              {
                error: {
                  code: status,
                  message: 'Permission denied on resource project p.',
                },
              },
              { status },
            );
      },
    ),
  );
  return calls;
}

const locator = (method: object) =>
  GkeClusterLocator.fromConfig(new ConfigReader({ type: 'gke', ...method }));

describe('GkeClusterLocator', () => {
  it('lists the clusters of every location with an ADC token, as the Kubernetes plugin describes them', async () => {
    const calls = fakeGoogle();
    const clusters = await locator({
      projectId: 'meshport-test',
    }).getClusters();
    expect(calls).toEqual([
      {
        path: '/v1/projects/meshport-test/locations/-/clusters',
        authorization: 'Bearer ya29.locator',
      },
    ]);
    expect(clusters).toEqual([
      {
        name: 'prod-eu',
        url: 'https://34.1.2.3',
        caData: 'Q0EtZXU=',
        authMetadata: { 'kubernetes.io/auth-provider': 'google' },
        skipTLSVerify: false,
        skipMetricsLookup: false,
      },
      {
        name: 'prod-us',
        url: 'https://35.1.2.3',
        caData: undefined,
        authMetadata: { 'kubernetes.io/auth-provider': 'google' },
        skipTLSVerify: false,
        skipMetricsLookup: false,
      },
    ]);
  });

  it('filters by resource labels, uses the DNS endpoint and googleServiceAccount when configured', async () => {
    const calls = fakeGoogle();
    const clusters = await locator({
      projectId: 'meshport-test',
      region: 'europe-west1',
      authProvider: 'googleServiceAccount',
      matchingResourceLabels: [{ key: 'mesh', value: 'yes' }],
      endpointType: 'dns',
      exposeDashboard: true,
      skipMetricsLookup: true,
    }).getClusters();
    expect(calls[0].path).toBe(
      '/v1/projects/meshport-test/locations/europe-west1/clusters',
    );
    expect(clusters).toEqual([
      expect.objectContaining({
        name: 'prod-eu',
        url: 'https://gke-abc.europe-west1.gke.goog',
        authMetadata: { 'kubernetes.io/auth-provider': 'googleServiceAccount' },
        skipMetricsLookup: true,
        dashboardApp: 'gke',
        dashboardParameters: {
          projectId: 'meshport-test',
          region: 'europe-west1',
          clusterName: 'prod-eu',
        },
      }),
    ]);
  });

  it('fails with the API error and the project, so discovery keeps the previous list', async () => {
    fakeGoogle([], 403);
    await expect(locator({ projectId: 'p' }).getClusters()).rejects.toThrow(
      'Could not list GKE clusters of project p in -: the container API answered HTTP 403: Permission denied on resource project p.',
    );
  });

  it('lists none for a project without clusters', async () => {
    server.use(
      http.post(TOKEN_ENDPOINT, () =>
        HttpResponse.json({ access_token: 't', expires_in: 3600 }),
      ),
      http.get(`${CONTAINER}/projects/p/locations/-/clusters`, () =>
        HttpResponse.json({}),
      ),
    );
    await expect(locator({ projectId: 'p' }).getClusters()).resolves.toEqual(
      [],
    );
  });

  it('refuses an unknown endpointType and a missing projectId', () => {
    expect(() => locator({ projectId: 'p', endpointType: 'private' })).toThrow(
      "Invalid endpointType 'private' of a gke cluster locator, must be one of: public, dns",
    );
    expect(() => locator({})).toThrow(
      "Missing required config value at 'projectId'",
    );
  });
});
