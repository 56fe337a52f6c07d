import { AppSpec, buildCluster, ClusterSpec } from './objects';

const app = (service: string, replicas: number): AppSpec => ({
  namespace: 'shop',
  service,
  versions: [{ version: 'v1', replicas, image: `example/${service}:1` }],
});

const spec = (overrides: Partial<ClusterSpec> = {}): ClusterSpec => ({
  name: 'cluster-a',
  index: 1,
  provider: 'eks',
  region: 'eu-west-1',
  zones: ['eu-west-1a', 'eu-west-1b'],
  namespaces: [{ name: 'shop', labels: { 'istio-injection': 'enabled' } }],
  network: 'network-1',
  istio: {
    meshId: 'mesh1',
    trustDomain: 'cluster.local',
    trustDomainAliases: [],
    roots: ['-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n'],
    remotes: [],
  },
  apps: [app('cart', 3)],
  config: () => [],
  ...overrides,
});

type Pod = ReturnType<typeof buildCluster>['pods'][number];
/** The apps' pods, without istiod's and the gateways'. */
const appPods = (pods: Pod[]) =>
  pods.filter(p => p.metadata.namespace === 'shop');

describe('buildCluster', () => {
  it('builds the same objects every time', () => {
    expect(JSON.stringify(buildCluster(spec()))).toBe(
      JSON.stringify(buildCluster(spec())),
    );
  });

  it('puts replica i on node i by default', () => {
    const { nodes, pods } = buildCluster(spec());
    expect(nodes).toHaveLength(2);
    expect(appPods(pods).map(p => p.spec.nodeName)).toEqual([
      nodes[0].metadata.name,
      nodes[1].metadata.name,
      nodes[0].metadata.name,
    ]);
  });

  it('spreads thousands of pods over several nodes per zone, each with its own address', () => {
    const { nodes, pods } = buildCluster(
      spec({
        nodesPerZone: 5,
        podPlacement: 'round-robin',
        apps: Array.from({ length: 500 }, (_, i) => app(`svc-${i}`, 4)),
      }),
    );
    expect(nodes).toHaveLength(10);
    expect(new Set(nodes.map(n => n.metadata.name)).size).toBe(10);
    expect(appPods(pods)).toHaveLength(2000);
    // unique across the cluster, control plane included
    expect(new Set(pods.map(p => p.status.podIP)).size).toBe(pods.length);
  });

  it('refuses more pods than a node has addresses for, naming the fix', () => {
    expect(() =>
      buildCluster(spec({ apps: [app('cart', 1), app('big', 600)] })),
    ).toThrow(
      "cluster cluster-a: node 0 has no free pod address left (250 per node); raise nodesPerZone or use podPlacement 'round-robin'",
    );
  });

  it('builds a cluster with no apps and no mesh', () => {
    const files = buildCluster(spec({ apps: [], istio: undefined }));
    expect(files.pods).toEqual([]);
    expect(files.namespaces.map(n => n.metadata.name)).toEqual(['shop']);
  });

  it('refuses a sidecar app in a cluster without Istio, naming the fix', () => {
    expect(() => buildCluster(spec({ istio: undefined }))).toThrow(
      "cluster cluster-a has Istio workloads but no istio spec; add one, or set the apps' mesh to 'linkerd' or 'none'",
    );
  });

  it('refuses a Linkerd app in a cluster without Linkerd', () => {
    expect(() =>
      buildCluster(spec({ apps: [{ ...app('cart', 1), mesh: 'linkerd' }] })),
    ).toThrow('cluster cluster-a has Linkerd-meshed apps but no linkerd spec');
  });
});
