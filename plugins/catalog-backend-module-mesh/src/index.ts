/**
 * Catalog module for Meshport: mesh services, clusters and meshes as entities.
 *
 * @packageDocumentation
 */

export { catalogModuleMesh as default } from './module';
export { MeshEntityProvider } from './providers/MeshEntityProvider';
export type { MeshEntityProviderDeps } from './providers/MeshEntityProvider';
