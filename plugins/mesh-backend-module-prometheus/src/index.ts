/**
 * The mesh backend's traffic source reading Istio and Linkerd metrics from Prometheus or
 * Thanos Query.
 *
 * @packageDocumentation
 */
export { meshModulePrometheus as default } from './module';
