import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';
import { meshTrafficSourceExtensionPoint } from '@meshport/backstage-plugin-mesh-node';
import { SnapshotTrafficSource } from './SnapshotTrafficSource';

/** How long a read of the snapshot file is reused by default: an edit shows within this, no restart. */
const RELOAD_AFTER_MS = 30_000;

/**
 * Serves traffic from a snapshot file (`mesh.traffic.snapshot.file`): the demo and the
 * end-to-end tests, no Prometheus needed. Without that key it sets no source, so a backend
 * can install it next to the Prometheus module and let config decide.
 *
 * @public
 */
export const meshModuleTrafficSnapshot = createBackendModule({
  pluginId: 'mesh',
  moduleId: 'traffic-snapshot',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        traffic: meshTrafficSourceExtensionPoint,
      },
      async init({ config, logger, traffic }) {
        const file = config.getOptionalString('mesh.traffic.snapshot.file');
        if (!file) {
          logger.info(
            'No mesh.traffic.snapshot.file configured: this module sets no traffic source',
          );
          return;
        }
        const reload = config.getOptional('mesh.traffic.snapshot.reloadAfter');
        const cacheTtlMs =
          reload === undefined
            ? RELOAD_AFTER_MS
            : durationToMilliseconds(
                readDurationFromConfig(config, {
                  key: 'mesh.traffic.snapshot.reloadAfter',
                }),
              );
        logger.info(`Traffic comes from the snapshot ${file}`);
        traffic.setTrafficSource(
          ({ fleet }) =>
            new SnapshotTrafficSource({
              file,
              fleet,
              cacheTtlMs,
            }),
        );
      },
    });
  },
});
