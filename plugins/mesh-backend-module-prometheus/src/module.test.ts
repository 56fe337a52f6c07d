/**
 * The Prometheus module in a real backend with the mesh plugin on the committed demo fleet
 * and a real Prometheus holding the Istio scenario's series: production's wiring, through the
 * extension point.
 */
import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { JsonObject } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { ServiceTraffic } from '@meshport/backstage-plugin-mesh-common';
// A module test starts the plugin it extends, as a backend installing it would.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import meshPlugin from '@meshport/backstage-plugin-mesh-backend';
import { resolve } from 'node:path';
import request from 'supertest';
import { meshModulePrometheus } from './module';
import { istioFamilies } from './__testUtils__/istioScenario';
import { openMetricsDocument } from './__testUtils__/openMetrics';
import {
  PrometheusHarness,
  startPrometheus,
} from './__testUtils__/prometheusHarness';

jest.setTimeout(60_000);

const DEMO_FLEET = resolve(__dirname, '../../../examples/demo-fleet');
const STEP = 15;

async function startDemoBackend(mesh: JsonObject) {
  let runDiscovery: (() => Promise<void>) | undefined;
  const backend = await startTestBackend({
    features: [
      meshPlugin,
      meshModulePrometheus,
      createBackendModule({
        pluginId: 'mesh',
        moduleId: 'capture-scheduler',
        register(env) {
          env.registerInit({
            deps: { scheduler: coreServices.scheduler },
            async init({ scheduler }) {
              runDiscovery = () =>
                scheduler.triggerTask('mesh-fleet-discovery');
            },
          });
        },
      }),
      mockServices.scheduler.factory({ skipTaskRunOnStartup: true }),
      catalogServiceMock.factory({ entities: [] }),
      mockServices.rootConfig.factory({
        data: { mesh: { snapshot: { directory: DEMO_FLEET }, ...mesh } },
      }),
    ],
  });
  await runDiscovery!();
  return backend;
}

describe('the Prometheus module on the demo fleet', () => {
  let prometheus: PrometheusHarness;

  beforeAll(async () => {
    // Series up to a minute ago: the module asks at the real time, as in production.
    const end = Math.floor(Date.now() / 1000 / STEP) * STEP - 60;
    prometheus = await startPrometheus(
      openMetricsDocument(
        istioFamilies({ start: end - 3600, end, stepSeconds: STEP }),
      ),
    );
  });

  afterAll(async () => {
    await prometheus?.stop();
  });

  it('serves /traffic from Prometheus when mesh.prometheus.url is set', async () => {
    const { server } = await startDemoBackend({
      prometheus: { url: prometheus.url },
    });
    const res = await request(server).get(
      '/api/mesh/services/bookinfo/reviews/traffic?window=5m',
    );
    expect(res.status).toBe(200);
    const traffic: ServiceTraffic = res.body;
    expect(traffic.source).toBe('prometheus');
    expect(traffic.clusters.map(c => [c.cluster, c.state, c.source])).toEqual(
      ['cluster-1', 'cluster-2', 'cluster-3', 'cluster-4'].map(c => [
        c,
        'ok',
        'prometheus:global',
      ]),
    );
    const cross = traffic.inbound.find(
      e =>
        e.peer.name === 'productpage' &&
        e.peerCluster.name === 'cluster-1' &&
        e.thisCluster.name === 'cluster-2',
    );
    // 10 rps generated, but the window's last minute has no samples: the exact figures are
    // checked by the source's own tests, at a fixed time (PrometheusTrafficSource.prometheus.test.ts)
    expect(cross?.http?.requestsPerSecond).toBeGreaterThan(0);
    expect(cross?.reporter).toBe('destination');

    const mtls = await request(server).get(
      '/api/mesh/services/bookinfo/reviews/mtls?window=5m',
    );
    expect(mtls.status).toBe(200);
    expect(mtls.body.source).toBe('prometheus');
  });

  it('sets no source without a Prometheus URL, so the mesh plugin says what to configure', async () => {
    const { server } = await startDemoBackend({
      prometheus: { timeout: { seconds: 5 } },
    });
    const res = await request(server).get(
      '/api/mesh/services/bookinfo/reviews/traffic',
    );
    expect(res.status).toBe(200);
    expect(res.body.source).toBe('none');
    expect(res.body.clusters[0].reason).toContain(
      'set mesh.clusters[].prometheus.url for it, or mesh.prometheus.url for all clusters',
    );
  });

  it('refuses to start on a malformed URL, naming the key', async () => {
    await expect(
      startDemoBackend({ prometheus: { url: 'prometheus:9090' } }),
    ).rejects.toThrow(
      "mesh.prometheus.url must be an http or https URL, got 'prometheus:'",
    );
  });
});
