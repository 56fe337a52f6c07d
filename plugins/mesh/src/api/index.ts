export { meshApiRef } from './MeshApi';
export type {
  FindingsQuery,
  MeshApi,
  MetricsQuery,
  ServiceQuery,
  TraceCaller,
  TraceQuery,
} from './MeshApi';
export { MeshClient } from './MeshClient';
