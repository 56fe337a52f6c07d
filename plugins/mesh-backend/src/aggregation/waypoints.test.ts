import { AGGREGATION, demoClusterInputs } from '../__testUtils__/demoFleet';
import { buildFleet } from './buildFleet';
import type {
  ClusterInput,
  ClusterInventory,
  MeshConfigObject,
} from './inventory';

const AT = '2025-04-01T00:00:00.000Z';

/** A Gateway API Gateway, as discovery keeps it. */
function gateway(
  namespace: string,
  name: string,
  gatewayClassName: string,
  labels: Record<string, string> = {},
): MeshConfigObject {
  return {
    namespace,
    name,
    labels,
    annotations: {},
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    spec: {
      gatewayClassName,
      listeners: [{ name: 'mesh', port: 15008, protocol: 'HBONE' }],
    },
  };
}

describe('ambient waypoints of service instances', () => {
  let cluster2: ClusterInput;
  beforeAll(async () => {
    // cluster-2 of the demo runs Istio's ambient data plane
    cluster2 = (await demoClusterInputs(AT)).find(c => c.name === 'cluster-2')!;
  });

  /** The waypoint of each bookinfo instance in cluster-2 after `change`. */
  function waypoints(change: (inv: ClusterInventory) => void) {
    const inventory: ClusterInventory = JSON.parse(
      JSON.stringify(cluster2.inventory),
    );
    change(inventory);
    const fleet = buildFleet(
      [{ ...cluster2, inventory }],
      AGGREGATION,
      new Date(AT),
    );
    return Object.fromEntries(
      fleet.services
        .filter(s => s.namespace === 'bookinfo')
        .map(s => [s.name, s.instances[0].waypoint]),
    );
  }
  const service = (inv: ClusterInventory, name: string) =>
    inv.services.find(s => s.namespace === 'bookinfo' && s.name === name)!;
  const namespace = (inv: ClusterInventory, name: string) =>
    inv.namespaces.find(n => n.name === name)!;

  it('has none without the label', () => {
    expect(Object.values(waypoints(() => {})).filter(Boolean)).toEqual([]);
  });

  it("takes the Service's istio.io/use-waypoint when that waypoint exists in its namespace", () => {
    const found = waypoints(inv => {
      service(inv, 'reviews').labels['istio.io/use-waypoint'] = 'reviews-wp';
      inv.meshConfig.push(gateway('bookinfo', 'reviews-wp', 'istio-waypoint'));
    });
    expect(found.reviews).toEqual({
      namespace: 'bookinfo',
      name: 'reviews-wp',
    });
    expect(found.ratings).toBeUndefined();
  });

  it("takes the namespace's label for every Service, which a Service's `none` opts out of", () => {
    const found = waypoints(inv => {
      namespace(inv, 'bookinfo').labels['istio.io/use-waypoint'] = 'waypoint';
      service(inv, 'ratings').labels['istio.io/use-waypoint'] = 'none';
      inv.meshConfig.push(gateway('bookinfo', 'waypoint', 'istio-waypoint'));
    });
    expect(found.reviews).toEqual({ namespace: 'bookinfo', name: 'waypoint' });
    expect(found.ratings).toBeUndefined();
  });

  it('looks in the namespace istio.io/use-waypoint-namespace names', () => {
    const found = waypoints(inv => {
      const labels = service(inv, 'reviews').labels;
      labels['istio.io/use-waypoint'] = 'shared';
      labels['istio.io/use-waypoint-namespace'] = 'istio-system';
      inv.meshConfig.push(gateway('istio-system', 'shared', 'istio-waypoint'));
    });
    expect(found.reviews).toEqual({
      namespace: 'istio-system',
      name: 'shared',
    });
  });

  it('binds nothing to a waypoint that does not exist, is not a waypoint, or takes no service traffic', () => {
    const bound = (gw: MeshConfigObject) =>
      waypoints(inv => {
        service(inv, 'reviews').labels['istio.io/use-waypoint'] = 'wp';
        inv.meshConfig.push(gw);
      }).reviews;
    expect(bound(gateway('bookinfo', 'wp', 'istio-waypoint'))).toBeDefined();
    expect(
      bound(gateway('bookinfo', 'other', 'istio-waypoint')),
    ).toBeUndefined();
    expect(bound(gateway('bookinfo', 'wp', 'istio'))).toBeUndefined();
    expect(
      bound(
        gateway('bookinfo', 'wp', 'istio-waypoint', {
          'istio.io/waypoint-for': 'workload',
        }),
      ),
    ).toBeUndefined();
    // an Istio Gateway is not a Gateway API waypoint
    expect(
      bound({
        ...gateway('bookinfo', 'wp', 'istio-waypoint'),
        apiVersion: 'networking.istio.io/v1',
      }),
    ).toBeUndefined();
  });
});

describe('trust domain aliases of an Istio control plane', () => {
  it("come from the mesh config's trustDomainAliases", async () => {
    const cluster1 = (await demoClusterInputs(AT)).find(
      c => c.name === 'cluster-1',
    )!;
    const inventory: ClusterInventory = JSON.parse(
      JSON.stringify(cluster1.inventory),
    );
    const meshConfig = inventory.configMaps.find(
      c => c.namespace === 'istio-system' && c.name === 'istio',
    )!;
    expect(meshConfig.data.mesh).toContain(
      'trustDomainAliases:\n- mesh2.meshport.dev\n',
    );
    expect(
      buildFleet([cluster1], AGGREGATION, new Date(AT)).clusters[0]
        .controlPlanes[0].trustDomainAliases,
    ).toEqual(['mesh2.meshport.dev']);

    meshConfig.data.mesh = meshConfig.data.mesh.replace(
      /trustDomainAliases:\n(- .*\n)*/,
      '',
    );
    expect(
      buildFleet([{ ...cluster1, inventory }], AGGREGATION, new Date(AT))
        .clusters[0].controlPlanes[0].trustDomainAliases,
    ).toBeUndefined();

    meshConfig.data.mesh += 'trustDomainAliases:\n- old.example.com\n- 42\n';
    const fleet = buildFleet(
      [{ ...cluster1, inventory }],
      AGGREGATION,
      new Date(AT),
    );
    // only strings are trust domains
    expect(fleet.clusters[0].controlPlanes[0].trustDomainAliases).toEqual([
      'old.example.com',
    ]);
  });
});
