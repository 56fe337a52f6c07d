import type {
  ControlPlane,
  DataPlaneMode,
  Fleet,
  FleetCluster,
  ServiceInstance,
} from '@meshport/backstage-plugin-mesh-common';
import type { ClusterObject } from '../types';

/**
 * Hand-built fleets and Istio objects for the verifier's tests. They are written from Istio's
 * documented multicluster setups, not from what the compiler renders, so the verifier is
 * checked against Istio's behaviour rather than against our own output.
 */

export const ROOT_A = 'sha256:aaaa';
export const ROOT_B = 'sha256:bbbb';

export interface ClusterSpec {
  name: string;
  network: string;
  region: string;
  trustDomain?: string;
  root?: string;
  trustedRoots?: string[];
  gateway?: string;
  reads?: string[];
  kind?: 'istio' | 'linkerd';
}

function plane(c: ClusterSpec): ControlPlane {
  return {
    kind: c.kind ?? 'istio',
    namespace: c.kind === 'linkerd' ? 'linkerd' : 'istio-system',
    revision: 'default',
    clusterId: c.name,
    network: c.network,
    trustDomain: c.trustDomain ?? 'cluster.local',
    rootCertFingerprint: c.root ?? ROOT_A,
    trustedRootFingerprints: c.trustedRoots,
    external: false,
    ambient: true,
    readsEndpointsFrom: c.reads ?? [],
  };
}

export function cluster(c: ClusterSpec): FleetCluster {
  return {
    name: c.name,
    sync: { state: 'ok' },
    regions: [c.region],
    zones: [`${c.region}a`],
    network: c.network,
    controlPlanes: [plane(c)],
    eastWestGateways: c.gateway
      ? [
          {
            namespace: 'istio-system',
            name: 'istio-eastwestgateway',
            network: c.network,
            addresses: [c.gateway],
            port: 15443,
          },
        ]
      : [],
  };
}

export interface InstanceSpec {
  cluster: string;
  versions: string[];
  mode?: DataPlaneMode;
  trustDomain?: string;
  serviceAccount?: string;
  labels?: Record<string, string>;
  /** The waypoint discovery resolved for the instance (the fleet's `waypoint` field). */
  waypoint?: string;
  mtls?: 'STRICT' | 'PERMISSIVE';
  ready?: number;
}

export function instance(
  namespace: string,
  app: string,
  s: InstanceSpec,
): ServiceInstance {
  const mode = s.mode ?? 'sidecar';
  const sa = s.serviceAccount ?? app;
  const identity = `spiffe://${
    s.trustDomain ?? 'cluster.local'
  }/ns/${namespace}/sa/${sa}`;
  return {
    cluster: s.cluster,
    stale: false,
    labels: { app, ...s.labels },
    ports: [{ name: 'http', port: 9080, targetPort: 9080, protocol: 'TCP' }],
    selector: { app },
    endpoints: {
      ready: (s.ready ?? 1) * s.versions.length,
      total: s.versions.length,
    },
    subsets: { version: s.versions },
    workloads: s.versions.map(v => ({
      kind: 'Deployment',
      name: `${app}-${v}`,
      serviceAccount: sa,
      identity,
      labels: {
        app,
        version: v,
        ...(mode === 'sidecar' ? { 'security.istio.io/tlsMode': 'istio' } : {}),
      },
      pods: { ready: s.ready ?? 1, total: 1 },
      dataPlaneMode: mode,
    })),
    identities: [identity],
    dataPlaneMode: mode,
    localities: [],
    mtls: { mode: s.mtls ?? 'PERMISSIVE' },
    config: [],
    ...(s.waypoint ? { waypoint: { namespace, name: s.waypoint } } : {}),
  };
}

export function fleet(
  clusters: ClusterSpec[],
  services: { namespace: string; name: string; instances: InstanceSpec[] }[],
  links: Fleet['links'] = [],
): Fleet {
  return {
    generatedAt: '2026-01-01T00:00:00Z',
    clusters: clusters.map(cluster),
    meshes: [],
    services: services.map(s => ({
      id: `${s.namespace}/${s.name}`,
      namespace: s.namespace,
      name: s.name,
      instances: s.instances.map(i => instance(s.namespace, s.name, i)),
    })),
    links,
  };
}

export function both(
  a: string,
  b: string,
  via: Fleet['links'][number]['via'],
): Fleet['links'] {
  return [
    { from: a, to: b, via },
    { from: b, to: a, via },
  ];
}

export function obj(
  kind: string,
  namespace: string,
  name: string,
  spec: Record<string, unknown>,
): ClusterObject {
  const group =
    kind === 'AuthorizationPolicy' || kind === 'PeerAuthentication'
      ? 'security.istio.io/v1'
      : 'networking.istio.io/v1';
  return { apiVersion: group, kind, metadata: { name, namespace }, spec };
}

const REVIEWS = 'reviews.bookinfo.svc.cluster.local';

/**
 * Istio's multi-primary, multi-network install: cluster-1 (network-1) and cluster-2
 * (network-2) read each other's endpoints, cluster-2 exposes services through its east-west
 * gateway. reviews runs v1, v2 in cluster-1 and v3 in cluster-2.
 */
export function multiNetwork(): Fleet {
  return fleet(
    [
      {
        name: 'cluster-1',
        network: 'network-1',
        region: 'us-east-1',
        reads: ['cluster-2'],
        gateway: '198.51.100.1',
      },
      {
        name: 'cluster-2',
        network: 'network-2',
        region: 'us-west-2',
        reads: ['cluster-1'],
        gateway: '198.51.100.2',
      },
    ],
    [
      {
        namespace: 'bookinfo',
        name: 'reviews',
        instances: [
          { cluster: 'cluster-1', versions: ['v1', 'v2'] },
          { cluster: 'cluster-2', versions: ['v3'] },
        ],
      },
      {
        namespace: 'bookinfo',
        name: 'productpage',
        instances: [
          {
            cluster: 'cluster-1',
            versions: ['v1'],
            serviceAccount: 'bookinfo-productpage',
          },
        ],
      },
    ],
    both('cluster-1', 'cluster-2', 'shared-endpoint-discovery'),
  );
}

/** The seed split as a platform engineer writes it by hand, on the client cluster. */
export function seedRouting(): ClusterObject[] {
  return [
    obj('VirtualService', 'bookinfo', 'reviews', {
      hosts: [REVIEWS],
      http: [
        {
          name: 'shift',
          route: [
            { destination: { host: REVIEWS, subset: 'c2-v3' }, weight: 75 },
            { destination: { host: REVIEWS, subset: 'c1-v1' }, weight: 15 },
            { destination: { host: REVIEWS, subset: 'c1-v2' }, weight: 10 },
          ],
        },
      ],
    }),
    obj('DestinationRule', 'bookinfo', 'reviews', {
      host: REVIEWS,
      subsets: [
        {
          name: 'c2-v3',
          labels: { version: 'v3', 'topology.istio.io/cluster': 'cluster-2' },
        },
        {
          name: 'c1-v1',
          labels: { version: 'v1', 'topology.istio.io/cluster': 'cluster-1' },
        },
        {
          name: 'c1-v2',
          labels: { version: 'v2', 'topology.istio.io/cluster': 'cluster-1' },
        },
      ],
    }),
  ];
}

export const PRODUCTPAGE = {
  cluster: 'cluster-1',
  namespace: 'bookinfo',
  serviceAccount: 'bookinfo-productpage',
  labels: { app: 'productpage', version: 'v1' },
};
