/**
 * Meshport's frontend plugin. Legacy apps use these exports; apps on the new frontend
 * system import the plugin from `@meshport/backstage-plugin-mesh/alpha`.
 *
 * @packageDocumentation
 */
export { meshPlugin, MeshFleetPage } from './plugin';
export { meshApiRef, MeshClient } from './api';
export type { MeshApi } from './api';
