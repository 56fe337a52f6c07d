import type { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { MeshClusterSupplier } from '@meshport/backstage-plugin-mesh-node';
import { CatalogClusterLocator } from './CatalogClusterLocator';
import { ConfigClusterLocator } from './ConfigClusterLocator';
import { GkeClusterLocator } from './GkeClusterLocator';
import { LocalKubectlProxyClusterLocator } from './LocalKubectlProxyClusterLocator';

/** A cluster supplier and where it comes from, for log messages. */
export interface NamedSupplier {
  id: string;
  supplier: MeshClusterSupplier;
  /** Its list can change while the backend runs (catalog, GKE, modules' suppliers). */
  dynamic: boolean;
}

/**
 * One supplier per entry of `kubernetes.clusterLocatorMethods`, of the types the Kubernetes
 * plugin knows (plugins/kubernetes-backend/src/cluster-locator/index.ts). The plugin refuses
 * to start on another type; discovery only logs it, since the plugin will report it too.
 */
export function clusterLocators(
  config: Config,
  deps: { catalog: CatalogService; auth: AuthService; logger: LoggerService },
): NamedSupplier[] {
  const methods =
    config.getOptionalConfigArray('kubernetes.clusterLocatorMethods') ?? [];
  return methods.flatMap((method, index): NamedSupplier[] => {
    const type = method.getString('type');
    const id = `kubernetes.clusterLocatorMethods[${index}] (${type})`;
    switch (type) {
      case 'config':
        return [
          {
            id,
            supplier: ConfigClusterLocator.fromConfig(method),
            dynamic: false,
          },
        ];
      case 'catalog':
        return [
          {
            id,
            supplier: CatalogClusterLocator.fromConfig(method, deps),
            dynamic: true,
          },
        ];
      case 'gke':
        return [
          { id, supplier: GkeClusterLocator.fromConfig(method), dynamic: true },
        ];
      case 'localKubectlProxy':
        return [
          {
            id,
            supplier: new LocalKubectlProxyClusterLocator(),
            dynamic: false,
          },
        ];
      default:
        deps.logger.error(
          `Mesh discovery ignores ${id}: unknown locator type; use config, catalog, gke or localKubectlProxy`,
        );
        return [];
    }
  });
}
