import type { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type {
  MeshAuthStrategy,
  MeshClusterSupplier,
  MeshClusterSupplierExtensionPoint,
} from '@meshport/backstage-plugin-mesh-node';
import { ClusterAuthenticator } from './auth/ClusterAuthenticator';
import { defaultAuthStrategies } from './auth/defaultAuthStrategies';
import { ClusterSources } from './ClusterSources';
import { clusterLocators } from './locators/clusterLocators';
import { readSnapshotClusters } from './snapshotClusters';

/**
 * What backend modules add through `meshClusterSupplierExtensionPoint`: collected while the
 * backend registers its features, read once the mesh plugin initialises.
 */
export class ClusterExtensions implements MeshClusterSupplierExtensionPoint {
  readonly suppliers: MeshClusterSupplier[] = [];
  readonly strategies = new Map<string, MeshAuthStrategy>();

  addClusterSupplier(supplier: MeshClusterSupplier) {
    this.suppliers.push(supplier);
  }

  addAuthStrategy(key: string, strategy: MeshAuthStrategy) {
    this.strategies.set(key, strategy);
  }
}

/**
 * The clusters to discover and how to authenticate to them: the Kubernetes plugin's
 * locators and strategies, then what modules added (a module's strategy replaces the
 * built-in one of the same key), then the snapshot clusters.
 */
export function clusterDiscovery(
  config: Config,
  deps: {
    catalog: CatalogService;
    auth: AuthService;
    logger: LoggerService;
    extensions: ClusterExtensions;
  },
) {
  const { extensions, logger } = deps;
  const strategies = defaultAuthStrategies({ config, logger });
  for (const [key, strategy] of extensions.strategies)
    strategies.set(key, strategy);
  return {
    sources: new ClusterSources({
      suppliers: [
        ...clusterLocators(config, deps),
        ...extensions.suppliers.map((supplier, index) => ({
          id: `cluster supplier #${index + 1} of a backend module`,
          supplier,
          dynamic: true,
        })),
      ],
      snapshots: readSnapshotClusters(config, logger),
      auth: deps.auth,
      logger,
    }),
    authenticator: new ClusterAuthenticator(strategies),
  };
}
