/*
 * Tests that run the real mesh backend against fake API servers (watchedFleet.test.ts) go
 * through Backstage's ServiceAccountStrategy, which loads client-node with `await import(…)`
 * (client-node is ESM), something Jest's CommonJS runtime cannot do without
 * --experimental-vm-modules. As in mesh-backend's setupTests.ts, the strategy is handed the
 * same module through `injectedKubernetesClient`, the field the class keeps for tests
 * (plugins/kubernetes-backend/src/auth/ServiceAccountStrategy.ts); its logic is the real one.
 */
jest.mock('@backstage/plugin-kubernetes-backend', () => {
  const actual = jest.requireActual('@backstage/plugin-kubernetes-backend');
  class ServiceAccountStrategy extends actual.ServiceAccountStrategy {
    constructor() {
      super();
      Object.assign(this, {
        injectedKubernetesClient: jest.requireActual('@kubernetes/client-node'),
      });
    }
  }
  return { ...actual, ServiceAccountStrategy };
});

export {};
