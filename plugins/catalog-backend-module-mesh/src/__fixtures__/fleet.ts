import {
  DataPlaneMode,
  Fleet,
  FleetCluster,
  Mesh,
  MeshService,
  ServiceInstance,
} from '@meshport/backstage-plugin-mesh-common';

/** Small builders for fleets in tests: only the fields that matter are spelled out. */

export function cluster(
  name: string,
  state: FleetCluster['sync']['state'] = 'ok',
): FleetCluster {
  return {
    name,
    sync: {
      state,
      lastSuccessAt:
        state === 'never-synced' ? undefined : '2025-01-01T00:00:00Z',
      ...(state !== 'ok' && {
        error: { reason: 'unreachable', message: 'connect ECONNREFUSED' },
      }),
    },
    regions: ['eu-west-1'],
    zones: [],
    controlPlanes: [],
    eastWestGateways: [],
  };
}

export function mesh(id: string, clusters: string[]): Mesh {
  return {
    id,
    kind: 'istio',
    clusters,
    trustDomains: ['cluster.local'],
    rootCertFingerprints: ['ab:cd'],
    sharedRootOfTrust: true,
  };
}

export function instance(
  clusterName: string,
  options: { stale?: boolean; dataPlaneMode?: DataPlaneMode } = {},
): ServiceInstance {
  return {
    cluster: clusterName,
    stale: options.stale ?? false,
    labels: {},
    ports: [{ port: 9080, protocol: 'TCP' }],
    selector: {},
    endpoints: { ready: 1, total: 1 },
    subsets: {},
    workloads: [],
    identities: [],
    dataPlaneMode: options.dataPlaneMode ?? 'sidecar',
    localities: [],
    mtls: { mode: 'STRICT' },
    config: [],
  };
}

export function service(
  id: string,
  instances: ServiceInstance[],
  owner?: string,
): MeshService {
  const [namespace, name] = id.split('/');
  return { id, namespace, name, owner, instances };
}

export function fleet(parts: Partial<Fleet>): Fleet {
  return {
    generatedAt: '2025-01-01T00:00:00Z',
    clusters: [],
    meshes: [],
    services: [],
    links: [],
    ...parts,
  };
}

/** Two clusters in one mesh, three services; `bookinfo/productpage` is claimed in some tests. */
export function demoFleet(): Fleet {
  return fleet({
    clusters: [cluster('east'), cluster('west')],
    meshes: [mesh('istio-mesh1', ['east', 'west'])],
    services: [
      service(
        'bookinfo/reviews',
        [instance('east'), instance('west', { dataPlaneMode: 'ambient' })],
        'team-reviews',
      ),
      service('bookinfo/ratings', [instance('east')]),
      service('bookinfo/productpage', [instance('east')]),
      service('shop/cart', [instance('west')]),
    ],
  });
}
