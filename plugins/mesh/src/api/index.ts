export { meshApiRef } from './MeshApi';
export type { MeshApi, MetricsQuery, ServiceQuery } from './MeshApi';
export { MeshClient } from './MeshClient';
