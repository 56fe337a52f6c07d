import type { Fleet } from '@meshport/backstage-plugin-mesh-common';
import { buildFleet } from '../aggregation/buildFleet';
import { AGGREGATION, DEMO_CLUSTERS, demoClusterInputs } from './demoFleet';

/**
 * What the demo fleet (examples/demo-fleet) must show once aggregated: the scenario of
 * issue 3. Regenerate the snapshot with examples/demo-fleet/generate.ts; when a fact
 * here changes, the demo changed.
 */
const AT = '2025-04-01T00:00:00.000Z';
const MESH1_ROOT =
  '65:9E:B3:67:80:6D:70:87:DD:73:CA:2A:FC:CF:87:6D:CD:3E:67:61:34:77:9D:02:BE:BE:60:93:A1:9F:C7:45';
const MESH2_ROOT =
  '24:2F:36:8D:04:39:73:02:87:9A:EC:9D:3D:BB:32:FE:53:1C:07:24:CD:3E:35:90:A9:D0:52:F3:58:06:21:93';

describe('the demo fleet', () => {
  let fleet: Fleet;
  beforeAll(async () => {
    fleet = buildFleet(await demoClusterInputs(AT), AGGREGATION, new Date(AT));
  });

  const instances = (id: string) => {
    const service = fleet.services.find(s => s.id === id);
    if (!service) throw new Error(`${id} is not in the demo fleet`);
    return service.instances;
  };

  it('has two Istio meshes and a Linkerd cluster, each with its own trust', () => {
    expect(
      fleet.clusters.map(c => [
        c.name,
        c.regions,
        c.network ?? null,
        c.controlPlanes.map(cp => [
          cp.kind,
          cp.clusterId ?? null,
          cp.meshId ?? null,
          cp.trustDomain,
          cp.readsEndpointsFrom,
        ]),
        c.eastWestGateways.map(g => [g.network, g.addresses, g.port]),
      ]),
    ).toEqual([
      [
        'cluster-1',
        ['us-west-1'],
        'network-1',
        [['istio', 'cluster-1', 'mesh1', 'cluster.local', ['cluster-2']]],
        [['network-1', ['34.118.10.21'], 15443]],
      ],
      [
        'cluster-2',
        ['us-west-2'],
        'network-2',
        [['istio', 'cluster-2', 'mesh1', 'cluster.local', ['cluster-1']]],
        [['network-2', ['35.203.44.7'], 15443]],
      ],
      [
        'cluster-3',
        ['eu-west-1'],
        'network-3',
        [['istio', 'cluster-3', 'mesh2', 'mesh2.meshport.dev', []]],
        [['network-3', ['34.77.120.9'], 15443]],
      ],
      [
        'cluster-4',
        ['eu-central-1'],
        null,
        [['linkerd', null, null, 'cluster.local', []]],
        [],
      ],
    ]);
    expect(fleet.clusters.map(c => c.name)).toEqual(DEMO_CLUSTERS);
    expect(fleet.clusters.map(c => c.controlPlanes[0].ambient)).toEqual([
      false,
      true,
      false,
      false,
    ]);
    expect(
      fleet.meshes.map(m => [
        m.id,
        m.clusters,
        m.trustDomains,
        m.rootCertFingerprints,
        m.sharedRootOfTrust,
      ]),
    ).toEqual([
      [
        'istio-mesh1',
        ['cluster-1', 'cluster-2'],
        ['cluster.local'],
        [MESH1_ROOT],
        true,
      ],
      [
        'istio-mesh2',
        ['cluster-3'],
        ['mesh2.meshport.dev'],
        [MESH2_ROOT],
        true,
      ],
      [
        'linkerd-cluster-4',
        ['cluster-4'],
        ['cluster.local'],
        [expect.any(String)],
        true,
      ],
    ]);
  });

  it('shares endpoint discovery between cluster-1 and cluster-2 only', () => {
    expect(
      fleet.links.filter(l => l.via === 'shared-endpoint-discovery'),
    ).toEqual([
      { from: 'cluster-1', to: 'cluster-2', via: 'shared-endpoint-discovery' },
      { from: 'cluster-2', to: 'cluster-1', via: 'shared-endpoint-discovery' },
    ]);
    expect(
      fleet.links.some(l => l.from === 'cluster-4' || l.to === 'cluster-4'),
    ).toBe(false);
  });

  // cluster-3 trusts mesh1's root and mesh1 trusts cluster-3's (each lists the other's root
  // after its own in istio-ca-root-cert), and every cluster has an east-west gateway on its
  // own network.
  it('joins cluster-3 to cluster-1 and cluster-2 through gateway federation', () => {
    expect(fleet.links).toEqual([
      {
        from: 'cluster-1',
        to: 'cluster-2',
        via: 'shared-endpoint-discovery',
      },
      { from: 'cluster-1', to: 'cluster-3', via: 'gateway-federation' },
      {
        from: 'cluster-2',
        to: 'cluster-1',
        via: 'shared-endpoint-discovery',
      },
      { from: 'cluster-2', to: 'cluster-3', via: 'gateway-federation' },
      { from: 'cluster-3', to: 'cluster-1', via: 'gateway-federation' },
      { from: 'cluster-3', to: 'cluster-2', via: 'gateway-federation' },
    ]);
  });

  it('runs bookinfo on cluster-1 and cluster-2, reviews v3 only in cluster-2', () => {
    const summary = (id: string) =>
      instances(id).map(i => [
        i.cluster,
        i.subsets.version,
        i.endpoints,
        i.dataPlaneMode,
        i.identities,
        i.mtls,
      ]);
    const identity = (sa: string) => [
      `spiffe://cluster.local/ns/bookinfo/sa/bookinfo-${sa}`,
    ];
    const strict = { mode: 'STRICT', source: 'istio-system/default' };
    expect(summary('bookinfo/productpage')).toEqual([
      [
        'cluster-1',
        ['v1'],
        { ready: 1, total: 1 },
        'sidecar',
        identity('productpage'),
        { ...strict, ports: { '9080': 'PERMISSIVE' } },
      ],
    ]);
    expect(summary('bookinfo/details')).toEqual([
      [
        'cluster-1',
        ['v1'],
        { ready: 1, total: 1 },
        'sidecar',
        identity('details'),
        strict,
      ],
    ]);
    expect(summary('bookinfo/reviews')).toEqual([
      [
        'cluster-1',
        ['v1', 'v2'],
        { ready: 2, total: 2 },
        'sidecar',
        identity('reviews'),
        strict,
      ],
      [
        'cluster-2',
        ['v1', 'v2', 'v3'],
        { ready: 4, total: 4 },
        'sidecar',
        identity('reviews'),
        { mode: 'PERMISSIVE' },
      ],
    ]);
    expect(summary('bookinfo/ratings')).toEqual([
      [
        'cluster-1',
        ['v1'],
        { ready: 1, total: 1 },
        'sidecar',
        identity('ratings'),
        strict,
      ],
      [
        'cluster-2',
        ['v1'],
        { ready: 1, total: 2 },
        'sidecar',
        identity('ratings'),
        { mode: 'PERMISSIVE' },
      ],
    ]);
    expect(
      instances('bookinfo/reviews').map(i => [
        i.cluster,
        i.workloads.map(w => [w.name, w.pods.total]),
        i.config.map(c => `${c.kind}/${c.namespace}/${c.name}`),
      ]),
    ).toEqual([
      [
        'cluster-1',
        [
          ['reviews-v1', 1],
          ['reviews-v2', 1],
        ],
        // the demo's applied policies (examples/policy-repo): reviews-shift routes in cluster-1,
        // productpage-reads-reviews allows callers in both clusters
        [
          'AuthorizationPolicy/bookinfo/meshport-bookinfo-productpage-reads-reviews',
          'DestinationRule/bookinfo/meshport-reviews',
          'PeerAuthentication/istio-system/default',
          'VirtualService/bookinfo/meshport-reviews',
        ],
      ],
      [
        'cluster-2',
        [
          ['reviews-v1', 1],
          ['reviews-v2', 1],
          ['reviews-v3', 2],
        ],
        [
          'AuthorizationPolicy/bookinfo/meshport-bookinfo-productpage-reads-reviews',
          'DestinationRule/bookinfo/meshport-reviews',
        ],
      ],
    ]);
  });

  it('spreads accounts, users, orders and history over the three Istio clusters', () => {
    const summary = (id: string) =>
      instances(id).map(i => [
        i.cluster,
        i.subsets.version,
        i.dataPlaneMode,
        i.identities,
        i.mtls,
      ]);
    const accountsStrict = { mode: 'STRICT', source: 'accounts/default' };
    const ordersPermissive = { mode: 'PERMISSIVE', source: 'orders/default' };
    expect(summary('accounts/accounts')).toEqual([
      [
        'cluster-1',
        ['v1'],
        'sidecar',
        ['spiffe://cluster.local/ns/accounts/sa/accounts'],
        accountsStrict,
      ],
    ]);
    expect(summary('accounts/users')).toEqual([
      [
        'cluster-1',
        ['v1'],
        'sidecar',
        ['spiffe://cluster.local/ns/accounts/sa/users'],
        accountsStrict,
      ],
      [
        'cluster-3',
        ['v2'],
        'sidecar',
        ['spiffe://mesh2.meshport.dev/ns/accounts/sa/users'],
        accountsStrict,
      ],
      [
        'cluster-4',
        ['v2'],
        'linkerd',
        ['users.accounts.serviceaccount.identity.linkerd.cluster.local'],
        { mode: 'STRICT', source: 'namespace/accounts' },
      ],
    ]);
    expect(summary('orders/orders')).toEqual([
      [
        'cluster-2',
        ['v1'],
        'ambient',
        ['spiffe://cluster.local/ns/orders/sa/orders'],
        ordersPermissive,
      ],
    ]);
    expect(summary('orders/history')).toEqual([
      [
        'cluster-2',
        ['v1'],
        'ambient',
        ['spiffe://cluster.local/ns/orders/sa/history'],
        ordersPermissive,
      ],
      [
        'cluster-3',
        ['v2'],
        'sidecar',
        ['spiffe://mesh2.meshport.dev/ns/orders/sa/history'],
        ordersPermissive,
      ],
    ]);
  });

  it('names an owner from examples/org.yaml for every service', () => {
    expect(fleet.services.map(s => [s.id, s.owner])).toEqual([
      ['accounts/accounts', 'group:default/identity-team'],
      ['accounts/ledger', 'group:default/payments-team'],
      ['accounts/users', 'group:default/identity-team'],
      ['bookinfo/details', 'group:default/bookinfo-team'],
      ['bookinfo/productpage', 'group:default/bookinfo-team'],
      ['bookinfo/ratings', 'group:default/bookinfo-team'],
      ['bookinfo/reviews', 'group:default/bookinfo-team'],
      ['default/batch-export', 'group:default/orders-team'],
      ['default/legacy-probe', 'group:default/platform-team'],
      ['orders/history', 'group:default/orders-team'],
      ['orders/orders', 'group:default/orders-team'],
    ]);
  });

  it('keeps the plain-text callers of the demo traffic outside the mesh', () => {
    expect(
      ['default/legacy-probe', 'default/batch-export'].map(id =>
        instances(id).map(i => [i.cluster, i.dataPlaneMode, i.mtls.mode]),
      ),
    ).toEqual([
      [['cluster-1', 'none', 'UNSET']],
      [['cluster-2', 'none', 'UNSET']],
    ]);
  });
});
