/**
 * A real mesh backend whose clusters come from a backend module's supplier and the
 * Kubernetes plugin's config and catalog locators: the module's strategy signs the requests
 * (of the catalog's cluster too, whose auth provider it serves), a supplied cluster is
 * discovered on the run after it appears, and a cluster whose provider needs a signed-in
 * user is listed with why it cannot be read.
 */
import { createBackendModule } from '@backstage/backend-plugin-api';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { ClusterDetails } from '@backstage/plugin-kubernetes-node';
import { meshClusterSupplierExtensionPoint } from '@meshport/backstage-plugin-mesh-node';
import { fakeApiServer } from '@meshport/fake-kubernetes';
import { demoObjects } from '../__testUtils__/demoFleet';
import {
  clusterUrl,
  useDiscoveryBackend,
} from '../__testUtils__/discoveryBackend';

const MODULE_TOKEN = 'minted-by-the-vault-module';
let supplied: string[] = [];
const credentialsAsked: string[] = [];

const vaultClusters = createBackendModule({
  pluginId: 'mesh',
  moduleId: 'vault-clusters',
  register(env) {
    env.registerInit({
      deps: { clusters: meshClusterSupplierExtensionPoint },
      async init({ clusters }) {
        clusters.addClusterSupplier({
          getClusters: async () =>
            supplied.map(
              (name): ClusterDetails => ({
                name,
                url: clusterUrl(name),
                authMetadata: { 'kubernetes.io/auth-provider': 'vault' },
              }),
            ),
        });
        clusters.addAuthStrategy('vault', {
          getCredential: async cluster => {
            credentialsAsked.push(cluster.name);
            return { type: 'bearer token', token: MODULE_TOKEN };
          },
          validateCluster: () => [],
          presentAuthMetadata: () => ({}),
        });
      },
    });
  },
});

const { runDiscovery, clusters } = useDiscoveryBackend({
  clusters: [],
  handlers: [
    ...fakeApiServer(clusterUrl('vault-1'), demoObjects('cluster-1'), {
      token: MODULE_TOKEN,
    }),
    ...fakeApiServer(clusterUrl('from-catalog'), demoObjects('cluster-2'), {
      token: MODULE_TOKEN,
    }),
  ],
  discoveryTimeoutSeconds: 5,
  clusterLocatorMethods: [
    {
      type: 'config',
      clusters: [
        {
          name: 'gke-viewer',
          url: clusterUrl('gke-viewer'),
          authProvider: 'google',
        },
      ],
    },
    // the test hosts do not resolve: exempt them from the public-address check
    { type: 'catalog', dangerouslyAllowClusterUrls: ['*.k8s.example.com'] },
  ],
  features: [
    vaultClusters,
    catalogServiceMock.factory({
      entities: [
        {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Resource',
          metadata: {
            name: 'from-catalog',
            namespace: 'default',
            annotations: {
              'kubernetes.io/api-server': clusterUrl('from-catalog'),
              'kubernetes.io/api-server-certificate-authority': 'Q0E=',
              'kubernetes.io/auth-provider': 'vault',
            },
          },
          spec: { type: 'kubernetes-cluster', owner: 'platform' },
        },
      ],
    }),
  ],
});

const summary = async () =>
  (await clusters()).map(c => [c.name, c.sync.state, c.sync.error?.reason]);

describe('clusters from modules and locators', () => {
  it('lists a cluster whose provider needs a signed-in user, with why and what to configure', async () => {
    await runDiscovery();
    const viewer = (await clusters()).find(c => c.name === 'gke-viewer')!;
    expect(viewer.name).toBe('gke-viewer');
    expect(viewer.sync).toMatchObject({
      state: 'never-synced',
      error: {
        reason: 'auth-config',
        message: expect.stringContaining(
          "authProvider 'google' uses the token of the Backstage user viewing the page, and discovery runs in the background with no user; read this cluster with authProvider 'googleServiceAccount'",
        ),
      },
    });
  });

  it("discovers a module's cluster on the run after it appears, with the module's strategy", async () => {
    supplied = ['vault-1'];
    await runDiscovery();
    expect(await summary()).toEqual([
      ['from-catalog', 'ok', undefined],
      ['gke-viewer', 'never-synced', 'auth-config'],
      ['vault-1', 'ok', undefined],
    ]);
    // asked at each run, not once: tokens expire
    await runDiscovery();
    expect(credentialsAsked.filter(c => c === 'vault-1')).toHaveLength(2);
  });

  it('forgets a cluster its supplier no longer lists', async () => {
    supplied = [];
    await runDiscovery();
    expect(await summary()).toEqual([
      ['from-catalog', 'ok', undefined],
      ['gke-viewer', 'never-synced', 'auth-config'],
    ]);
  });
});
