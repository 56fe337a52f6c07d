/**
 * Test fixtures for traffic-source modules: a fleet with the shapes a source must map
 * (clusters, CLUSTER_IDs, roots, sidecar and ambient services).
 *
 * @packageDocumentation
 */
export { istioCluster, instance, scenarioFleet } from './scenarioFleet';
