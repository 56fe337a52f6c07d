/**
 * What every traffic source needs to answer in the ServiceTraffic contract: the window grid,
 * the mapping of Istio CLUSTER_IDs to clusters, the transport tallies and the assembly of
 * Istio standard-metric samples into edges. Pure, so the backend and its traffic-source
 * modules read traffic by the same rules.
 */
export * from './samples';
export * from './istioLabels';
export * from './window';
export * from './clusterIds';
export * from './classifyTransport';
export * from './assembleEdges';
