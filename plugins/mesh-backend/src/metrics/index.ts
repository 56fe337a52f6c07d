/** The observe part of the mesh backend: per-service traffic and mTLS status. */
export { createMetricsRouter } from './router';
export type { MetricsRouterOptions } from './router';
export { readMetricsConfig } from './config/readMetricsConfig';
export type { MetricsConfig } from './config/readMetricsConfig';
export type { TrafficSource } from './traffic/TrafficSource';
