/***/
/**
 * The mesh-provider module for @backstage/plugin-catalog-backend
 *
 * @packageDocumentation
 */

export { catalogModuleMesh as default } from './module';
