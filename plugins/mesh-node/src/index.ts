/**
 * The node-side seams of Meshport's mesh backend: the extension points backend modules use
 * (traffic sources, cluster suppliers) and the one backend client for the mesh API.
 *
 * @packageDocumentation
 */
export * from './extensions';
export * from './traffic/MeshTrafficSource';
export * from './clusters/MeshClusterSupplier';
export * from './client/MeshApiClient';
export * from './traffic/telemetry';
export * from './policyRepositories';
