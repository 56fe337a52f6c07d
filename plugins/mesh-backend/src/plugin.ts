import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { meshPermissions } from '@meshport/backstage-plugin-mesh-common';
import { readClusterSources } from './clusters/readClusterSources';
import { createReader } from './readers/createReader';
import {
  durationToMs,
  readDiscoveryOptions,
} from './discovery/DiscoveryOptions';
import { FleetDiscovery } from './discovery/FleetDiscovery';
import { DatabaseClusterStateRepository } from './store/DatabaseClusterStateRepository';
import { LiveFleetStore } from './store/LiveFleetStore';
import { createRouter } from './service/router';
import { createMetricsRouter } from './metrics';

/**
 * The mesh backend plugin: discovers the fleet on a schedule and serves it under `/api/mesh`.
 *
 * @public
 */
export const meshPlugin = createBackendPlugin({
  pluginId: 'mesh',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        scheduler: coreServices.scheduler,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
      },
      async init({
        config,
        logger,
        database,
        scheduler,
        httpAuth,
        httpRouter,
        permissions,
        permissionsRegistry,
      }) {
        permissionsRegistry.addPermissions(meshPermissions);
        const options = readDiscoveryOptions(config);
        const sources = readClusterSources(config, logger);

        const store = new LiveFleetStore({
          clusters: sources.map(s => ({
            name: s.name,
            source: s.type,
          })),
          repository: await DatabaseClusterStateRepository.create(database),
          aggregation: options.aggregation,
          logger,
        });
        await store.load();

        if (sources.length === 0) {
          logger.info(
            'Mesh discovery has no clusters: configure kubernetes.clusterLocatorMethods or mesh.snapshot.directory',
          );
        } else {
          const discovery = new FleetDiscovery({
            sources,
            createReader: source => createReader(source, options),
            sink: store,
            logger,
            timeoutMs: options.timeoutMs,
            concurrency: options.concurrency,
            excludeNamespaces: options.aggregation.excludeNamespaces,
          });
          const rounds = Math.ceil(sources.length / options.concurrency);
          // global scope: with several replicas, one of them runs each interval
          await scheduler.scheduleTask({
            id: 'mesh-fleet-discovery',
            scope: 'global',
            frequency: options.frequency,
            timeout: { milliseconds: rounds * options.timeoutMs + 60_000 },
            fn: signal => discovery.runOnce(signal),
          });
          logger.info(
            `Mesh discovery scheduled for ${
              sources.length
            } cluster(s) every ${durationToMs(options.frequency)} ms`,
          );
        }

        httpRouter.use(
          await createRouter({ httpAuth, permissions, fleetStore: store }),
        );
        httpRouter.use(
          await createMetricsRouter({
            fleetStore: store,
            config,
            logger,
            httpAuth,
            permissions,
          }),
        );
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
      },
    });
  },
});
