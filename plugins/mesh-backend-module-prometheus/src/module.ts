import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { meshTrafficSourceExtensionPoint } from '@meshport/backstage-plugin-mesh-node';
import { readPrometheusConfig } from './config/readPrometheusConfig';
import { PrometheusTrafficSource } from './traffic/PrometheusTrafficSource';
import { PrometheusTargets } from './traffic/prometheusTargets';

/**
 * Reads the mesh's traffic from Prometheus or Thanos Query (`mesh.prometheus.url`, or
 * `mesh.clusters[].prometheus.url` per cluster). Without either it sets no source, so a
 * backend can install it next to the snapshot module and let config decide.
 *
 * @public
 */
export const meshModulePrometheus = createBackendModule({
  pluginId: 'mesh',
  moduleId: 'prometheus',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        traffic: meshTrafficSourceExtensionPoint,
      },
      async init({ config, logger, traffic }) {
        const prometheus = readPrometheusConfig(config);
        if (!prometheus) {
          logger.info(
            'No Prometheus configured (mesh.prometheus.url, mesh.clusters[].prometheus.url): this module sets no traffic source',
          );
          return;
        }
        traffic.setTrafficSource(
          ({ fleet }) =>
            new PrometheusTrafficSource({
              fleet,
              targets: new PrometheusTargets(prometheus),
              logger,
            }),
        );
      },
    });
  },
});
