/*
 * Backstage's ServiceAccountStrategy loads client-node with `await import(…)` (client-node is
 * ESM; Node loads it so from CommonJS), which Jest's CommonJS runtime cannot do without
 * --experimental-vm-modules. Tests hand it the same module through `injectedKubernetesClient`,
 * the field the class keeps for tests (plugins/kubernetes-backend/src/auth/
 * ServiceAccountStrategy.ts); the strategy's logic is otherwise the real one.
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
