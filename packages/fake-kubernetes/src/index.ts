/**
 * Fake Kubernetes API servers for tests (never published): `FakeCluster` holds one cluster's
 * objects and their history, `fakeApiServer` answers its lists and streams its watches as msw
 * handlers.
 */
export type { KubeObject } from './KubeObject';
export { FakeCluster } from './FakeCluster';
export type { OpenWatch, WatchEventType } from './FakeCluster';
export { fakeApiServer } from './fakeApiServer';
export type { FakeApiServerOptions } from './fakeApiServer';
export { snapshotObjects } from './snapshotObjects';
