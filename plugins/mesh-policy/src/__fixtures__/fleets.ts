import type {
  ClusterLink,
  ControlPlane,
  Fleet,
  FleetCluster,
  MeshService,
  ServiceInstance,
} from '@meshport/backstage-plugin-mesh-common';
import {
  linkerdIdentity,
  LinkerdLinkMode,
  spiffeIdentity,
} from '@meshport/backstage-plugin-mesh-common';

/** Small fleets for tests, built from the mesh-common types. */

const ROOT =
  'sha256:1f2e3d4c5b6a79881f2e3d4c5b6a79881f2e3d4c5b6a79881f2e3d4c5b6a7988';
const OTHER_ROOT =
  'sha256:9a8b7c6d5e4f30219a8b7c6d5e4f30219a8b7c6d5e4f30219a8b7c6d5e4f3021';

function controlPlane(over: Partial<ControlPlane>): ControlPlane {
  return {
    kind: 'istio',
    namespace: 'istio-system',
    revision: 'default',
    version: '1.24.2',
    trustDomain: 'cluster.local',
    rootCertFingerprint: ROOT,
    external: false,
    ambient: false,
    readsEndpointsFrom: [],
    ...over,
  };
}

function cluster(
  name: string,
  region: string,
  over: Partial<FleetCluster> = {},
  cp: Partial<ControlPlane> = {},
): FleetCluster {
  return {
    name,
    sync: { state: 'ok', lastSuccessAt: '2025-01-01T00:00:00Z' },
    regions: [region],
    zones: [`${region}a`],
    controlPlanes: [controlPlane({ clusterId: name, ...cp })],
    eastWestGateways: [],
    ...over,
  };
}

function instance(
  clusterName: string,
  app: string,
  namespace: string,
  versions: string[],
  trustDomain = 'cluster.local',
  over: Partial<ServiceInstance> = {},
): ServiceInstance {
  return {
    cluster: clusterName,
    stale: false,
    labels: { app },
    ports: [{ name: 'http', port: 9080, targetPort: 9080, protocol: 'TCP' }],
    selector: { app },
    endpoints: { ready: versions.length, total: versions.length },
    subsets: { version: versions },
    workloads: versions.map(v => ({
      kind: 'Deployment',
      name: `${app}-${v}`,
      serviceAccount: `bookinfo-${app}`,
      identity: spiffeIdentity(trustDomain, namespace, `bookinfo-${app}`),
      labels: { app, version: v },
      pods: { ready: 1, total: 1 },
      dataPlaneMode: 'sidecar',
    })),
    identities: [spiffeIdentity(trustDomain, namespace, `bookinfo-${app}`)],
    dataPlaneMode: 'sidecar',
    localities: [],
    mtls: { mode: 'STRICT' },
    config: [],
    ...over,
  };
}

function service(
  namespace: string,
  name: string,
  instances: ServiceInstance[],
): MeshService {
  return {
    id: `${namespace}/${name}`,
    namespace,
    name,
    owner: 'team-bookinfo',
    instances,
  };
}

function links(
  pairs: [string, string][],
  via: ClusterLink['via'],
): ClusterLink[] {
  return pairs.flatMap(([a, b]) => [
    { from: a, to: b, via },
    { from: b, to: a, via },
  ]);
}

function bookinfo(tds: Record<string, string> = {}): MeshService[] {
  const td = (c: string) => tds[c] ?? 'cluster.local';
  return [
    service('bookinfo', 'reviews', [
      instance(
        'cluster-1',
        'reviews',
        'bookinfo',
        ['v1', 'v2'],
        td('cluster-1'),
      ),
      instance('cluster-2', 'reviews', 'bookinfo', ['v3'], td('cluster-2')),
    ]),
    service('bookinfo', 'productpage', [
      instance('cluster-1', 'productpage', 'bookinfo', ['v1'], td('cluster-1')),
    ]),
  ];
}

/** Multi-primary on one network: each control plane reads the other's endpoints. */
export function multiPrimaryFleet(): Fleet {
  return {
    generatedAt: '2025-01-01T00:00:00Z',
    clusters: [
      cluster(
        'cluster-1',
        'us-east-1',
        { network: 'network1' },
        { network: 'network1', readsEndpointsFrom: ['cluster-2'] },
      ),
      cluster(
        'cluster-2',
        'us-west-2',
        { network: 'network1' },
        { network: 'network1', readsEndpointsFrom: ['cluster-1'] },
      ),
    ],
    meshes: [
      {
        id: 'istio-mesh1',
        kind: 'istio',
        clusters: ['cluster-1', 'cluster-2'],
        trustDomains: ['cluster.local'],
        rootCertFingerprints: [ROOT],
        sharedRootOfTrust: true,
      },
    ],
    services: bookinfo(),
    links: links([['cluster-1', 'cluster-2']], 'shared-endpoint-discovery'),
  };
}

/**
 * Separate control planes on separate networks, joined only through east-west gateways, with
 * one root CA and a trust domain per cluster, each mesh listing the others' trust domains as
 * aliases (without them Istio refuses the peers). cluster-3 has its own root of trust.
 */
export function multiNetworkFleet(): Fleet {
  const gw = (network: string, address: string) => [
    {
      namespace: 'istio-system',
      name: 'istio-eastwestgateway',
      network,
      addresses: [address],
      port: 15443,
    },
  ];
  const tds = {
    'cluster-1': 'cluster-1.example',
    'cluster-2': 'cluster-2.example',
    'cluster-3': 'cluster-3.example',
  };
  const services = bookinfo(tds);
  const aliases = (own: string) => Object.values(tds).filter(td => td !== own);
  services[0].instances.push(
    instance('cluster-3', 'reviews', 'bookinfo', ['v1'], tds['cluster-3']),
  );
  return {
    generatedAt: '2025-01-01T00:00:00Z',
    clusters: [
      cluster(
        'cluster-1',
        'us-east-1',
        {
          network: 'network1',
          eastWestGateways: gw('network1', '203.0.113.10'),
        },
        {
          network: 'network1',
          trustDomain: tds['cluster-1'],
          trustDomainAliases: aliases(tds['cluster-1']),
        },
      ),
      cluster(
        'cluster-2',
        'us-west-2',
        {
          network: 'network2',
          eastWestGateways: gw('network2', '203.0.113.20'),
        },
        {
          network: 'network2',
          trustDomain: tds['cluster-2'],
          trustDomainAliases: aliases(tds['cluster-2']),
        },
      ),
      cluster(
        'cluster-3',
        'eu-west-1',
        {
          network: 'network3',
          eastWestGateways: gw('network3', '203.0.113.30'),
        },
        {
          network: 'network3',
          trustDomain: tds['cluster-3'],
          trustDomainAliases: aliases(tds['cluster-3']),
          rootCertFingerprint: OTHER_ROOT,
        },
      ),
    ],
    meshes: [],
    services,
    links: links(
      [
        ['cluster-1', 'cluster-2'],
        ['cluster-1', 'cluster-3'],
      ],
      'gateway-federation',
    ),
  };
}

/**
 * A Linkerd instance as discovery reports it: the proxy's identity name, not a SPIFFE ID
 * (mesh-backend aggregation/workloads.ts, from Linkerd's proxy injector).
 */
function linkerdInstance(
  clusterName: string,
  app: string,
  namespace: string,
  over: Partial<ServiceInstance> = {},
): ServiceInstance {
  const base = instance(clusterName, app, namespace, ['v1']);
  const identity = linkerdIdentity(
    'linkerd',
    'cluster.local',
    namespace,
    `bookinfo-${app}`,
  );
  return {
    ...base,
    workloads: base.workloads.map(w => ({
      ...w,
      identity,
      dataPlaneMode: 'linkerd',
    })),
    identities: [identity],
    dataPlaneMode: 'linkerd',
    ...over,
  };
}

/**
 * Two Linkerd clusters joined by Linkerd multicluster (service mirroring), each mirroring the
 * other's checkout: east runs Linkerd 2.16 (edge-24.8.2), west stable-2.14.10, so they serve
 * different Server versions. `linkerdMode` is how their Links carry calls.
 */
export function linkerdFleet(linkerdMode: LinkerdLinkMode = 'flat'): Fleet {
  const cp = {
    kind: 'linkerd' as const,
    namespace: 'linkerd',
    clusterId: undefined,
  };
  return {
    generatedAt: '2025-01-01T00:00:00Z',
    clusters: [
      cluster('east', 'us-east-1', {}, { ...cp, version: 'edge-24.8.2' }),
      cluster('west', 'us-west-2', {}, { ...cp, version: 'stable-2.14.10' }),
    ],
    meshes: [],
    services: [
      service('shop', 'checkout', [
        linkerdInstance('east', 'checkout', 'shop', { mirroredIn: ['west'] }),
        linkerdInstance('west', 'checkout', 'shop', { mirroredIn: ['east'] }),
      ]),
      service('shop', 'web', [linkerdInstance('east', 'web', 'shop')]),
    ],
    links: links([['east', 'west']], 'linkerd-multicluster').map(l => ({
      ...l,
      linkerdMode,
    })),
  };
}
