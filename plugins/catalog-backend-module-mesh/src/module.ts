import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { MeshProvider } from './provider/MeshProvider';

export const catalogModuleMesh = createBackendModule({
  moduleId: 'mesh-provider',
  pluginId: 'catalog',
  register({ registerInit }) {
    registerInit({
      deps: {
        logger: coreServices.logger,
        config: coreServices.rootConfig,
        scheduler: coreServices.scheduler,
        processing: catalogProcessingExtensionPoint,
      },
      async init({ logger, scheduler, config, processing }) {
        processing.addEntityProvider(
          MeshProvider.fromConfig(config, {
            logger,
            scheduler,
          }),
        );
      },
    });
  },
});
