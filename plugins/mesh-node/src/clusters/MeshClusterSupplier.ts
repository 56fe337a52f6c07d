import type {
  AuthenticationStrategy,
  KubernetesClustersSupplier,
} from '@backstage/plugin-kubernetes-node';

/**
 * Clusters for mesh discovery come as Backstage's Kubernetes plugin describes them
 * (`ClusterDetails` from `@backstage/plugin-kubernetes-node`), so a supplier written for the
 * Kubernetes plugin serves discovery unchanged.
 *
 * @public
 */
export type MeshClusterSupplier = KubernetesClustersSupplier;

/**
 * How a cluster's `authProvider` turns into credentials: the Kubernetes plugin's own
 * strategy interface.
 *
 * @public
 */
export type MeshAuthStrategy = AuthenticationStrategy;
