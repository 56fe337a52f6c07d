import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  catalogProcessingExtensionPoint,
  catalogServiceRef,
} from '@backstage/plugin-catalog-node';
import { MeshEntityProvider } from './providers/MeshEntityProvider';

/**
 * Catalog module publishing the Meshport fleet (clusters, meshes, services) and its policies.
 *
 * @public
 */
export const catalogModuleMesh = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'mesh',
  register({ registerInit }) {
    registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        scheduler: coreServices.scheduler,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
        catalog: catalogServiceRef,
        processing: catalogProcessingExtensionPoint,
      },
      async init({ config, processing, ...deps }) {
        processing.addEntityProvider(
          MeshEntityProvider.fromConfig(config, deps),
        );
      },
    });
  },
});
