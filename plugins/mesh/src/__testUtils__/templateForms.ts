/**
 * The request-mesh-route template's form as the pickers store it for the demo's seed route
 * (from cluster-1: 75 % v3 in cluster-2, 15 % v1, 10 % v2). The scaffolder module's golden
 * pull request is made from the same values.
 */
export const seedRouteForm = {
  service: 'bookinfo/reviews',
  sourceCluster: 'cluster-1',
  route: [
    { cluster: 'cluster-2', subset: { version: 'v3' }, weight: 75 },
    { cluster: 'cluster-1', subset: { version: 'v1' }, weight: 15 },
    { cluster: 'cluster-1', subset: { version: 'v2' }, weight: 10 },
  ],
  repoUrl: 'github.com?owner=meshport-demo&repo=mesh-policies',
};
