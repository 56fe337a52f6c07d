/**
 * The mesh backend's traffic source reading a snapshot file: the demo's traffic without a
 * Prometheus.
 *
 * @packageDocumentation
 */
export { meshModuleTrafficSnapshot as default } from './module';
