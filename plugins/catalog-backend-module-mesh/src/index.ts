/**
 * Catalog module for Meshport: mesh services, clusters, meshes and policies as entities.
 *
 * @packageDocumentation
 */

export { catalogModuleMesh as default } from './module';
export { MeshEntityProvider } from './providers/MeshEntityProvider';
export type { MeshEntityProviderDeps } from './providers/MeshEntityProvider';
