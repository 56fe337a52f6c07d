import {
  BackendFeature,
  coreServices,
  createBackendModule,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type {
  FleetCluster,
  MeshService,
} from '@meshport/backstage-plugin-mesh-common';
import type { RequestHandler } from 'msw';
import { setupServer } from 'msw/node';
import request from 'supertest';
import { meshPlugin } from '../plugin';

/** The API server URL the fake clusters answer on. */
export const clusterUrl = (cluster: string) =>
  `https://${cluster}.k8s.example.com:6443`;
/** The service-account token every fake cluster expects. */
export const DISCOVERY_TOKEN = 'meshport-discovery-token';

/**
 * A real mesh backend discovering `clusters` from fake API servers (msw `handlers`, usually
 * `fakeApiServer(clusterUrl(c), …)`), with discovery run only when the test says so. Call at
 * module or describe scope: it registers the `beforeAll`/`afterAll` that start and stop it.
 */
export function useDiscoveryBackend(options: {
  clusters: string[];
  handlers: RequestHandler[];
  discoveryTimeoutSeconds: number;
  /** Replaces the `config` locator of `clusters` as `kubernetes.clusterLocatorMethods`. */
  clusterLocatorMethods?: object[];
  /** More root config, e.g. `kubernetes.googleServiceAccountCredentials`. */
  config?: object;
  /** More backend features: modules, a catalog with entities. */
  features?: BackendFeature[];
  /** The mesh plugin to start, e.g. one made with `createMeshPlugin({ … })`. */
  plugin?: BackendFeature;
  /**
   * `mesh.discovery.mode`. `poll` unless set: these fault tests change the fake clusters'
   * objects in place, which only a full read sees; watch mode has its own tests.
   */
  mode?: 'watch' | 'poll';
  /** More `mesh.discovery` config, e.g. `relistInterval`. */
  discoveryConfig?: object;
}) {
  const server = setupServer(...options.handlers);
  let scheduler: SchedulerService | undefined;
  const captureScheduler = createBackendModule({
    pluginId: 'mesh',
    moduleId: 'capture-scheduler',
    register(env) {
      env.registerInit({
        deps: { scheduler: coreServices.scheduler },
        async init({ scheduler: s }) {
          scheduler = s;
        },
      });
    },
  });

  let backend: Awaited<ReturnType<typeof startTestBackend>> | undefined;
  beforeAll(async () => {
    server.listen({
      onUnhandledRequest: (req, print) => {
        if (!['127.0.0.1', 'localhost'].includes(new URL(req.url).hostname))
          print.error();
      },
    });
    backend = await startTestBackend({
      features: [
        options.plugin ?? meshPlugin,
        captureScheduler,
        mockServices.scheduler.factory({ skipTaskRunOnStartup: true }),
        ...(options.features ?? [catalogServiceMock.factory()]),
        mockServices.rootConfig.factory({
          data: {
            ...options.config,
            kubernetes: {
              ...(options.config as { kubernetes?: object })?.kubernetes,
              clusterLocatorMethods: options.clusterLocatorMethods ?? [
                {
                  type: 'config',
                  clusters: options.clusters.map(name => ({
                    name,
                    url: clusterUrl(name),
                    authProvider: 'serviceAccount',
                    serviceAccountToken: DISCOVERY_TOKEN,
                  })),
                },
              ],
            },
            mesh: {
              ...(options.config as { mesh?: object })?.mesh,
              discovery: {
                timeout: { seconds: options.discoveryTimeoutSeconds },
                mode: options.mode ?? 'poll',
                // msw answers this thread's HTTP client only: a projection thread reads list
                // pages with its own (its path is tested against servers on loopback)
                projectionThreads: 0,
                ...options.discoveryConfig,
              },
            },
          },
        }),
      ],
    });
  });
  afterAll(async () => {
    await backend?.stop();
    server.close();
  });

  /** GET under /api/mesh, expecting 200. */
  async function get<T>(path: string): Promise<T> {
    const res = await request(backend!.server).get(`/api/mesh${path}`);
    expect(res.status).toBe(200);
    return res.body;
  }
  return {
    get,
    runDiscovery: () => scheduler!.triggerTask('mesh-fleet-discovery'),
    /** The backend's HTTP server, for requests that do not expect 200. */
    server: () => backend!.server,
    /** Runs a scheduled task of the mesh plugin now, e.g. the policy repositories' sync. */
    runTask: (id: string) => scheduler!.triggerTask(id),
    clusters: () =>
      get<{ items: FleetCluster[] }>('/clusters').then(b => b.items),
    services: () =>
      get<{ items: MeshService[] }>('/services?limit=100').then(b => b.items),
  };
}
