import { AGGREGATION, demoClusterInputs } from '../__testUtils__/demoFleet';
import { EMPTY_INVENTORY } from '../__testUtils__/emptyInventory';
import { buildFleet } from './buildFleet';
import { FleetMemo } from './FleetMemo';
import type { ClusterInput } from './inventory';

const AT = '2025-04-01T00:00:00.000Z';
const ROOT =
  '65:9E:B3:67:80:6D:70:87:DD:73:CA:2A:FC:CF:87:6D:CD:3E:67:61:34:77:9D:02:BE:BE:60:93:A1:9F:C7:45';
const MESH2_ROOT =
  '24:2F:36:8D:04:39:73:02:87:9A:EC:9D:3D:BB:32:FE:53:1C:07:24:CD:3E:35:90:A9:D0:52:F3:58:06:21:93';

describe('buildFleet on the demo fleet', () => {
  let inputs: ClusterInput[];
  beforeAll(async () => {
    inputs = await demoClusterInputs(AT);
  });

  it('finds control planes, networks, gateways and regions', () => {
    const fleet = buildFleet(inputs, AGGREGATION, new Date(AT));
    const [c1, c2, c3, c4] = fleet.clusters;
    expect(c1).toMatchObject({
      network: 'network-1',
      regions: ['us-west-1'],
      zones: ['us-west-1a', 'us-west-1b'],
      controlPlanes: [
        {
          kind: 'istio',
          namespace: 'istio-system',
          revision: 'default',
          version: '1.24.2',
          clusterId: 'cluster-1',
          trustDomain: 'cluster.local',
          rootCertFingerprint: ROOT,
          external: false,
          ambient: false,
          meshId: 'mesh1',
          readsEndpointsFrom: ['cluster-2'],
        },
      ],
      eastWestGateways: [
        {
          namespace: 'istio-system',
          name: 'istio-eastwestgateway',
          network: 'network-1',
          addresses: ['34.118.10.21'],
          port: 15443,
        },
      ],
    });
    expect(c2.controlPlanes[0]).toMatchObject({
      ambient: true,
      readsEndpointsFrom: ['cluster-1'],
    });
    // a separate mesh: its own trust domain and root, reading nobody's endpoints
    expect(c3.controlPlanes).toEqual([
      expect.objectContaining({
        kind: 'istio',
        meshId: 'mesh2',
        network: 'network-3',
        trustDomain: 'mesh2.meshport.dev',
        rootCertFingerprint: MESH2_ROOT,
        readsEndpointsFrom: [],
      }),
    ]);
    expect(c4.controlPlanes).toEqual([
      expect.objectContaining({
        kind: 'linkerd',
        namespace: 'linkerd',
        version: 'stable-2.14.10',
        trustDomain: 'cluster.local',
      }),
    ]);
  });

  it('groups meshes with their shared root of trust and links clusters by endpoint discovery or gateway federation', () => {
    const fleet = buildFleet(inputs, AGGREGATION, new Date(AT));
    expect(fleet.meshes).toEqual([
      {
        id: 'istio-mesh1',
        kind: 'istio',
        clusters: ['cluster-1', 'cluster-2'],
        trustDomains: ['cluster.local'],
        rootCertFingerprints: [ROOT],
        sharedRootOfTrust: true,
      },
      {
        id: 'istio-mesh2',
        kind: 'istio',
        clusters: ['cluster-3'],
        trustDomains: ['mesh2.meshport.dev'],
        rootCertFingerprints: [MESH2_ROOT],
        sharedRootOfTrust: true,
      },
      expect.objectContaining({
        id: 'linkerd-cluster-4',
        kind: 'linkerd',
        clusters: ['cluster-4'],
        trustDomains: ['cluster.local'],
      }),
    ]);
    // cluster-3's separate mesh federates through the east-west gateways: each mesh's
    // istio-ca-root-cert holds the other's root after its own
    expect(fleet.links).toEqual([
      { from: 'cluster-1', to: 'cluster-2', via: 'shared-endpoint-discovery' },
      { from: 'cluster-1', to: 'cluster-3', via: 'gateway-federation' },
      { from: 'cluster-2', to: 'cluster-1', via: 'shared-endpoint-discovery' },
      { from: 'cluster-2', to: 'cluster-3', via: 'gateway-federation' },
      { from: 'cluster-3', to: 'cluster-1', via: 'gateway-federation' },
      { from: 'cluster-3', to: 'cluster-2', via: 'gateway-federation' },
    ]);
  });

  it('builds one logical service per namespace/name with per-cluster instances', () => {
    const fleet = buildFleet(inputs, AGGREGATION, new Date(AT));
    const reviews = fleet.services.find(s => s.id === 'bookinfo/reviews')!;
    expect(reviews.owner).toBe('group:default/bookinfo-team');
    const [r1, r2] = reviews.instances;
    expect(r1).toMatchObject({
      cluster: 'cluster-1',
      stale: false,
      ports: [{ name: 'http', port: 9080, targetPort: 9080, protocol: 'TCP' }],
      selector: { app: 'reviews' },
      endpoints: { ready: 2, total: 2 },
      subsets: { version: ['v1', 'v2'] },
      identities: ['spiffe://cluster.local/ns/bookinfo/sa/bookinfo-reviews'],
      dataPlaneMode: 'sidecar',
      mtls: { mode: 'STRICT', source: 'istio-system/default' },
    });
    expect(r1.workloads.map(w => [w.kind, w.name, w.pods, w.labels])).toEqual([
      [
        'Deployment',
        'reviews-v1',
        { ready: 1, total: 1 },
        {
          app: 'reviews',
          'security.istio.io/tlsMode': 'istio',
          'service.istio.io/canonical-name': 'reviews',
          'service.istio.io/canonical-revision': 'v1',
          // the sidecar injector labels pods with their network in multi-network meshes
          'topology.istio.io/network': 'network-1',
          version: 'v1',
        },
      ],
      [
        'Deployment',
        'reviews-v2',
        { ready: 1, total: 1 },
        expect.objectContaining({ version: 'v2' }),
      ],
    ]);
    // the demo's applied policies (examples/policy-repo) and the mesh-wide default
    expect(r1.config.map(c => `${c.kind}/${c.namespace}/${c.name}`)).toEqual([
      'AuthorizationPolicy/bookinfo/meshport-bookinfo-productpage-reads-reviews',
      'DestinationRule/bookinfo/meshport-reviews',
      'PeerAuthentication/istio-system/default',
      'VirtualService/bookinfo/meshport-reviews',
    ]);
    // hand-written routing config is attached to the service its hosts name
    const ratings1 = fleet.services.find(s => s.id === 'bookinfo/ratings')!
      .instances[0];
    expect(
      ratings1.config.map(c => `${c.kind}/${c.namespace}/${c.name}`),
    ).toEqual([
      'AuthorizationPolicy/bookinfo/ratings-from-reviews',
      'DestinationRule/bookinfo/ratings',
      'PeerAuthentication/istio-system/default',
      'VirtualService/bookinfo/ratings',
    ]);
    expect(r2).toMatchObject({
      cluster: 'cluster-2',
      subsets: { version: ['v1', 'v2', 'v3'] },
      localities: ['us-west-2/us-west-2a', 'us-west-2/us-west-2b'],
      mtls: { mode: 'PERMISSIVE' },
    });
    expect(r2.mtls.source).toBeUndefined();

    const ratings = fleet.services.find(s => s.id === 'bookinfo/ratings')!;
    expect(ratings.instances.map(i => [i.cluster, i.endpoints])).toEqual([
      ['cluster-1', { ready: 1, total: 1 }],
      ['cluster-2', { ready: 1, total: 2 }],
    ]);
  });

  it('derives mTLS from namespace, workload and port-level PeerAuthentications', () => {
    const fleet = buildFleet(inputs, AGGREGATION, new Date(AT));
    const mtls = (id: string) =>
      fleet.services
        .find(s => s.id === id)!
        .instances.map(i => [i.cluster, i.mtls]);
    expect(mtls('bookinfo/productpage')).toEqual([
      [
        'cluster-1',
        {
          mode: 'STRICT',
          source: 'istio-system/default',
          ports: { '9080': 'PERMISSIVE' },
        },
      ],
    ]);
    expect(mtls('orders/orders')).toEqual([
      ['cluster-2', { mode: 'PERMISSIVE', source: 'orders/default' }],
    ]);
    // the namespace policy takes precedence over the mesh-wide one
    expect(mtls('accounts/users')).toEqual([
      ['cluster-1', { mode: 'STRICT', source: 'accounts/default' }],
      ['cluster-3', { mode: 'STRICT', source: 'accounts/default' }],
      ['cluster-4', { mode: 'STRICT', source: 'namespace/accounts' }],
    ]);
  });

  it('records data-plane modes and identities of every mesh', () => {
    const fleet = buildFleet(inputs, AGGREGATION, new Date(AT));
    const users = fleet.services.find(s => s.id === 'accounts/users')!;
    expect(
      users.instances.map(i => [i.cluster, i.dataPlaneMode, i.identities]),
    ).toEqual([
      ['cluster-1', 'sidecar', ['spiffe://cluster.local/ns/accounts/sa/users']],
      [
        'cluster-3',
        'sidecar',
        ['spiffe://mesh2.meshport.dev/ns/accounts/sa/users'],
      ],
      [
        'cluster-4',
        'linkerd',
        ['users.accounts.serviceaccount.identity.linkerd.cluster.local'],
      ],
    ]);
    expect(users.instances[2].config.map(c => `${c.kind}/${c.name}`)).toEqual([
      'AuthorizationPolicy/users-from-ledger',
      'HTTPRoute/users-api',
      'MeshTLSAuthentication/ledger-clients',
      'Server/users-http',
    ]);
    const orders = fleet.services.find(s => s.id === 'orders/orders')!;
    expect(orders.instances[0].dataPlaneMode).toBe('ambient');
  });

  it('keeps a failed cluster as last-known-good, marked stale, and is deterministic', () => {
    const failed = inputs.map(c =>
      c.name === 'cluster-2'
        ? {
            ...c,
            sync: {
              state: 'stale' as const,
              lastSuccessAt: AT,
              lastAttemptAt: AT,
              error: { reason: 'timeout' as const, message: 'slow' },
            },
          }
        : c,
    );
    const fleet = buildFleet(failed, AGGREGATION, new Date(AT));
    const reviews = fleet.services.find(s => s.id === 'bookinfo/reviews')!;
    expect(reviews.instances.map(i => [i.cluster, i.stale])).toEqual([
      ['cluster-1', false],
      ['cluster-2', true],
    ]);
    expect(
      buildFleet([...failed].reverse(), AGGREGATION, new Date(AT)),
    ).toEqual(fleet);
  });
});

describe('buildFleet on synthetic clusters', () => {
  const empty = EMPTY_INVENTORY;
  const ok = { state: 'ok' as const, lastSuccessAt: AT, lastAttemptAt: AT };

  it('federates through an east-west gateway on another network when roots match', async () => {
    const [c1] = await demoClusterInputs(AT);
    // a copy of cluster-1 on another network, without remote secrets, under another CLUSTER_ID
    const isolated: ClusterInput = {
      name: 'cluster-9',
      source: 'kubernetes',
      sync: ok,
      inventory: {
        ...c1.inventory!,
        remoteSecrets: [],
        namespaces: c1.inventory!.namespaces.map(n =>
          n.name === 'istio-system'
            ? { ...n, labels: { 'topology.istio.io/network': 'network-9' } }
            : n,
        ),
        workloads: c1.inventory!.workloads.map(w => ({
          ...w,
          containers: w.containers.map(c => ({
            ...c,
            env: { ...c.env, CLUSTER_ID: 'cluster-9' },
          })),
        })),
        services: c1.inventory!.services.map(s =>
          s.name === 'istio-eastwestgateway'
            ? {
                ...s,
                labels: {
                  ...s.labels,
                  'topology.istio.io/network': 'network-9',
                },
              }
            : s,
        ),
      },
    };
    const c1Alone = {
      ...c1,
      inventory: { ...c1.inventory!, remoteSecrets: [] },
    };
    const fleet = buildFleet([c1Alone, isolated], AGGREGATION, new Date(AT));
    expect(fleet.links).toEqual([
      { from: 'cluster-1', to: 'cluster-9', via: 'gateway-federation' },
      { from: 'cluster-9', to: 'cluster-1', via: 'gateway-federation' },
    ]);
  });

  it('maps remote secrets by CLUSTER_ID and reports ids it cannot resolve', async () => {
    const [c1] = await demoClusterInputs(AT);
    const renamed: ClusterInput = {
      ...c1,
      name: 'prod-west',
      inventory: {
        ...c1.inventory!,
        remoteSecrets: [
          {
            namespace: 'istio-system',
            name: 'istio-remote-secret-a',
            clusterId: 'cluster-1',
          },
          {
            namespace: 'istio-system',
            name: 'istio-remote-secret-b',
            clusterId: 'gone',
          },
        ],
      },
    };
    const fleet = buildFleet([renamed], AGGREGATION, new Date(AT));
    // cluster-1 is prod-west's own CLUSTER_ID: it resolves to itself and makes no link
    expect(fleet.clusters[0].controlPlanes[0]).toMatchObject({
      clusterId: 'cluster-1',
      readsEndpointsFrom: ['prod-west'],
      unresolvedRemoteClusters: ['gone'],
    });
    expect(fleet.links).toEqual([]);
  });

  it('shows a never-synced cluster with no data and no services', () => {
    const fleet = buildFleet(
      [
        { name: 'new', source: 'kubernetes', sync: { state: 'never-synced' } },
        { name: 'empty', source: 'kubernetes', sync: ok, inventory: empty },
      ],
      AGGREGATION,
      new Date(AT),
    );
    expect(
      fleet.clusters.map(c => [c.name, c.controlPlanes, c.eastWestGateways]),
    ).toEqual([
      ['empty', [], []],
      ['new', [], []],
    ]);
    expect(fleet.services).toEqual([]);
  });
});

describe('buildFleet again over inventories its memo has seen', () => {
  // the store digests with SHA-256; any string equal exactly when the content is will do
  const digested = (c: ClusterInput): ClusterInput => ({
    ...c,
    inventoryDigest: JSON.stringify(c.inventory),
  });
  let inputs: ClusterInput[];
  beforeAll(async () => {
    inputs = (await demoClusterInputs(AT)).map(digested);
  });
  const instancesIn = (fleet: ReturnType<typeof buildFleet>) =>
    fleet.services.flatMap(s => s.instances);

  it('reuses what it computed per inventory and still equals a build from scratch', () => {
    const memo = new FleetMemo();
    const first = buildFleet(inputs, AGGREGATION, new Date(AT), memo);
    // cluster-2's next sync failed: same inventory, now stale
    const later = inputs.map(c =>
      c.name === 'cluster-2'
        ? { ...c, sync: { ...c.sync, state: 'stale' as const } }
        : c,
    );
    const again = buildFleet(later, AGGREGATION, new Date(AT), memo);
    const fromScratch = buildFleet(
      JSON.parse(JSON.stringify(later)),
      AGGREGATION,
      new Date(AT),
    );
    expect(again).toEqual(fromScratch);
    // exactly cluster-2's instances are stale now, though their content was reused
    const staleness = new Set(
      instancesIn(again).map(i => `${i.cluster}:${i.stale}`),
    );
    expect([...staleness].sort()).toEqual([
      'cluster-1:false',
      'cluster-2:true',
      'cluster-3:false',
      'cluster-4:false',
    ]);

    const before = instancesIn(first);
    const after = instancesIn(again);
    expect(after).toHaveLength(before.length);
    after.forEach((instance, i) => {
      expect(instance.workloads).toBe(before[i].workloads);
    });
    // a service is built again only when one of its instances changed (here: went stale)
    const reused = again.services.map((service, i) => [
      service.id,
      service === first.services[i],
    ]);
    expect(reused).toEqual(
      first.services.map(s => [
        s.id,
        !s.instances.some(x => x.cluster === 'cluster-2' || x.mirroredIn),
      ]),
    );
  });

  it('does not carry one build’s mirror marks into the next', () => {
    // cluster-3 mirrors a cluster-4 service, as a Linkerd Link would
    const cluster4 = inputs.find(c => c.name === 'cluster-4')!.inventory!;
    const target = cluster4.services.find(
      svc => !AGGREGATION.excludeNamespaces.includes(svc.namespace),
    )!;
    const withMirror = inputs.map(c =>
      c.name === 'cluster-3'
        ? digested({
            ...c,
            inventory: {
              ...c.inventory!,
              services: [
                ...c.inventory!.services,
                {
                  ...target,
                  name: `${target.name}-cluster-4`,
                  labels: {
                    ...target.labels,
                    'mirror.linkerd.io/mirrored-service': 'true',
                    'mirror.linkerd.io/cluster-name': 'cluster-4',
                  },
                },
              ],
            },
          })
        : c,
    );
    const memo = new FleetMemo();
    const first = buildFleet(withMirror, AGGREGATION, new Date(AT), memo);
    const mirrored = instancesIn(first).filter(i => i.mirroredIn);
    expect(mirrored.length).toBeGreaterThan(0);
    const mirroring = new Set(mirrored.flatMap(i => i.mirroredIn ?? []));
    expect([...mirroring]).toEqual(['cluster-3']);
    const without = buildFleet(
      withMirror.filter(c => !mirroring.has(c.name)),
      AGGREGATION,
      new Date(AT),
      memo,
    );
    expect(instancesIn(without).filter(i => i.mirroredIn)).toEqual([]);
    // and the first fleet is left as it was
    expect(instancesIn(first).filter(i => i.mirroredIn)).toEqual(mirrored);
  });
});
