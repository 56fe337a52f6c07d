/** The observe part of the mesh backend: per-service traffic and mTLS status. */
export { createMetricsRouter } from './router';
export type { MetricsRouterOptions } from './router';
export { TrafficSourceSlot } from './source/TrafficSourceSlot';
