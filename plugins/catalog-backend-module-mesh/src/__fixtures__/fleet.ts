import {
  DataPlaneMode,
  Fleet,
  FleetCluster,
  Mesh,
  MeshService,
  ServiceInstance,
  ServiceOwnership,
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

/** A service; `owner` (a full ref) as if every cluster's owner label agreed on it. */
export function service(
  id: string,
  instances: ServiceInstance[],
  owner?: string,
): MeshService {
  const [namespace, name] = id.split('/');
  const ownership: ServiceOwnership = owner
    ? {
        owner,
        claims: instances.map(i => ({
          owner,
          from: 'service-label',
          cluster: i.cluster,
        })),
      }
    : { claims: [] };
  return { id, namespace, name, ...(owner && { owner }), ownership, instances };
}

/** A service whose clusters' owner labels disagree: `owners` maps cluster → owner. */
export function disputedService(
  id: string,
  owners: Record<string, string>,
): MeshService {
  const [namespace, name] = id.split('/');
  const claims = Object.entries(owners).map(([c, owner]) => ({
    owner,
    from: 'service-label' as const,
    cluster: c,
  }));
  return {
    id,
    namespace,
    name,
    ownership: { claims, conflict: { claims } },
    instances: Object.keys(owners).map(c => instance(c)),
  };
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

/**
 * Two clusters in one mesh, four services; `bookinfo/productpage` is claimed in some tests by
 * an entity its owner (team-product) wrote; `shop/cart` is owned through the platform's
 * `mesh.ownership.owners`; `bookinfo/ratings` is unowned.
 */
export function demoFleet(): Fleet {
  return fleet({
    clusters: [cluster('east'), cluster('west')],
    meshes: [mesh('istio-mesh1', ['east', 'west'])],
    services: [
      service(
        'bookinfo/reviews',
        [instance('east'), instance('west', { dataPlaneMode: 'ambient' })],
        'group:default/team-reviews',
      ),
      service('bookinfo/ratings', [instance('east')]),
      service(
        'bookinfo/productpage',
        [instance('east')],
        'group:default/team-product',
      ),
      service('shop/cart', [instance('west')], 'group:default/team-shop'),
    ],
  });
}
