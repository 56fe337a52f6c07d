/**
 * A fleet to test traffic sources and the mTLS status against: three Istio clusters, where
 * cluster-1 and cluster-2 share a root and cluster-3 has its own; reviews is STRICT in
 * cluster-1 and PERMISSIVE in cluster-2, ambient orders PERMISSIVE in cluster-2. The
 * Prometheus module's real-Prometheus tests generate their series for this fleet, and the
 * mesh backend's mTLS status tests read it.
 */
import type {
  Fleet,
  FleetCluster,
  ServiceInstance,
} from '@meshport/backstage-plugin-mesh-common';

const NS = 'bookinfo';

/** An Istio cluster whose control plane reports `name` as its CLUSTER_ID. */
export function istioCluster(name: string, fingerprint?: string): FleetCluster {
  return {
    name,
    sync: { state: 'ok' },
    regions: [],
    zones: [],
    controlPlanes: [
      {
        kind: 'istio',
        namespace: 'istio-system',
        revision: 'default',
        clusterId: name,
        trustDomain: 'cluster.local',
        ...(fingerprint ? { rootCertFingerprint: fingerprint } : {}),
        external: false,
        ambient: false,
        readsEndpointsFrom: [],
      },
    ],
    eastWestGateways: [],
  };
}

export function instance(
  clusterName: string,
  mode: ServiceInstance['mtls']['mode'],
  config: ServiceInstance['config'] = [],
): ServiceInstance {
  return {
    cluster: clusterName,
    stale: false,
    labels: {},
    ports: [{ port: 9080, protocol: 'TCP' }],
    selector: { app: 'reviews' },
    endpoints: { ready: 1, total: 1 },
    subsets: {},
    workloads: [],
    identities: [],
    dataPlaneMode: 'sidecar',
    localities: [],
    mtls: { mode },
    config,
  };
}

/** cluster-1 and cluster-2 share a root; cluster-3 has its own. reviews is STRICT in cluster-1, PERMISSIVE in cluster-2; ambient orders is PERMISSIVE in cluster-2. */
export function scenarioFleet(): Fleet {
  return {
    generatedAt: new Date(0).toISOString(),
    clusters: [
      istioCluster('cluster-1', 'sha256:aaaa'),
      istioCluster('cluster-2', 'sha256:aaaa'),
      istioCluster('cluster-3', 'sha256:bbbb'),
    ],
    meshes: [],
    services: [
      {
        id: `${NS}/reviews`,
        namespace: NS,
        name: 'reviews',
        instances: [
          instance('cluster-1', 'STRICT'),
          instance('cluster-2', 'PERMISSIVE'),
        ],
      },
      {
        id: 'orders/orders',
        namespace: 'orders',
        name: 'orders',
        instances: [
          {
            ...instance('cluster-2', 'PERMISSIVE'),
            selector: { app: 'orders' },
            dataPlaneMode: 'ambient',
          },
        ],
      },
    ],
    links: [],
  };
}
