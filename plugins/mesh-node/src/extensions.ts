import { createExtensionPoint } from '@backstage/backend-plugin-api';
import type {
  MeshAuthStrategy,
  MeshClusterSupplier,
} from './clusters/MeshClusterSupplier';
import type { MeshTrafficSourceFactory } from './traffic/MeshTrafficSource';

/**
 * Lets a backend module provide the mesh backend's traffic source (Prometheus, the demo
 * snapshot, another metrics store) without changing the mesh backend.
 *
 * @public
 */
export interface MeshTrafficSourceExtensionPoint {
  /** Sets the one traffic source; a second module setting one is a startup error. */
  setTrafficSource(factory: MeshTrafficSourceFactory): void;
}

/** @public */
export const meshTrafficSourceExtensionPoint =
  createExtensionPoint<MeshTrafficSourceExtensionPoint>({
    id: 'mesh.traffic-source',
  });

/**
 * Lets a backend module add clusters to discover, and auth strategies to read them with,
 * beyond what `kubernetes.clusterLocatorMethods` and `mesh.snapshot.directory` configure.
 *
 * @public
 */
export interface MeshClusterSupplierExtensionPoint {
  addClusterSupplier(supplier: MeshClusterSupplier): void;
  /** Adds the strategy for clusters whose `authProvider` is `key`, or replaces the built-in one. */
  addAuthStrategy(key: string, strategy: MeshAuthStrategy): void;
}

/** @public */
export const meshClusterSupplierExtensionPoint =
  createExtensionPoint<MeshClusterSupplierExtensionPoint>({
    id: 'mesh.cluster-supplier',
  });
