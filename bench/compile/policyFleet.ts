import {
  ClusterLink,
  Fleet,
  FleetCluster,
  MeshService,
  spiffeIdentity,
} from '@meshport/backstage-plugin-mesh-common';
import type {
  AccessPolicy,
  Policy,
  TrafficPolicy,
  VirtualDestination,
} from '@meshport/backstage-plugin-mesh-policy';

/**
 * A fleet snapshot for the compiler: `clusters` Istio clusters in groups of five. A group is a
 * multi-primary mesh on one network (shared endpoint discovery); groups are separate networks
 * federated through east-west gateways. One root of trust everywhere, so every route is legal.
 * Service j runs in three clusters, each in another group, with subsets v1 and v2.
 */

const ROOT = `sha256:${'3a'.repeat(32)}`;
const GROUP = 5;

export function policyCluster(i: number): string {
  return `cluster-${String(i + 1).padStart(2, '0')}`;
}

function ns(j: number): string {
  return `team-${String(j % 20).padStart(2, '0')}`;
}

function svc(j: number): string {
  return `svc-${String(j).padStart(4, '0')}`;
}

/** The clusters service j runs in. */
function servingOf(j: number, clusters: number): number[] {
  return [j % clusters, (j + GROUP) % clusters, (j + 2 * GROUP + 1) % clusters];
}

export function policyFleet(clusters: number, services: number): Fleet {
  const group = (i: number) => Math.floor(i / GROUP);
  const fleetClusters: FleetCluster[] = Array.from(
    { length: clusters },
    (_, i) => {
      const peers = Array.from({ length: clusters }, (__, p) => p).filter(
        p => p !== i && group(p) === group(i),
      );
      const network = `network-${group(i) + 1}`;
      return {
        name: policyCluster(i),
        source: 'kubernetes',
        sync: { state: 'ok', lastSuccessAt: '2025-01-01T00:00:00Z' },
        regions: [
          ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-south-1'][group(i) % 4],
        ],
        zones: [
          `${
            ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-south-1'][group(i) % 4]
          }a`,
        ],
        network,
        controlPlanes: [
          {
            kind: 'istio',
            namespace: 'istio-system',
            revision: 'default',
            version: '1.24.2',
            clusterId: policyCluster(i),
            network,
            trustDomain: 'cluster.local',
            rootCertFingerprint: ROOT,
            external: false,
            ambient: false,
            readsEndpointsFrom: peers.map(policyCluster),
            meshId: 'mesh1',
          },
        ],
        eastWestGateways: [
          {
            namespace: 'istio-system',
            name: 'istio-eastwestgateway',
            network,
            addresses: [`10.200.${i}.10`],
            port: 15443,
          },
        ],
      };
    },
  );
  const links: ClusterLink[] = [];
  for (let a = 0; a < clusters; a++)
    for (let b = 0; b < clusters; b++)
      if (a !== b)
        links.push({
          from: policyCluster(a),
          to: policyCluster(b),
          via:
            group(a) === group(b)
              ? 'shared-endpoint-discovery'
              : 'gateway-federation',
        });

  const meshServices: MeshService[] = [];
  for (let j = 0; j < services; j++) {
    const namespace = ns(j);
    const name = svc(j);
    meshServices.push({
      id: `${namespace}/${name}`,
      namespace,
      name,
      owner: `group:default/${namespace}`,
      instances: servingOf(j, clusters)
        .sort((a, b) => a - b)
        .map(c => ({
          cluster: policyCluster(c),
          stale: false,
          labels: { app: name },
          ports: [
            {
              name: 'http',
              port: 8080,
              targetPort: 8080,
              protocol: 'TCP',
              appProtocol: 'http',
            },
            { name: 'grpc', port: 9090, targetPort: 9090, protocol: 'TCP' },
          ],
          selector: { app: name },
          endpoints: { ready: 3, total: 3 },
          subsets: { version: ['v1', 'v2'] },
          workloads: ['v1', 'v2'].map(v => ({
            kind: 'Deployment',
            name: `${name}-${v}`,
            serviceAccount: name,
            identity: spiffeIdentity('cluster.local', namespace, name),
            labels: { app: name, version: v },
            pods: { ready: 2, total: 2 },
            dataPlaneMode: 'sidecar' as const,
          })),
          identities: [spiffeIdentity('cluster.local', namespace, name)],
          dataPlaneMode: 'sidecar' as const,
          localities: [],
          mtls: { mode: 'STRICT' as const },
          config: [],
        })),
    });
  }
  meshServices.sort((a, b) => (a.id < b.id ? -1 : 1));
  return {
    generatedAt: '2025-01-01T00:00:00Z',
    clusters: fleetClusters,
    meshes: [
      {
        id: 'istio-mesh1',
        kind: 'istio',
        clusters: fleetClusters.map(c => c.name),
        trustDomains: ['cluster.local'],
        rootCertFingerprints: [ROOT],
        sharedRootOfTrust: true,
      },
    ],
    services: meshServices,
    links,
  };
}

/**
 * `perKind` policies of each kind, policy j about service j. TrafficPolicies mix unscoped
 * sources (every client cluster that reaches the service), one named client cluster, and a
 * namespace of one; half shift traffic across clusters and subsets, half set timeouts/retries.
 */
export function benchPolicies(perKind: number, clusters: number): Policy[] {
  const out: Policy[] = [];
  for (let j = 0; j < perKind; j++) {
    const [a, b] = servingOf(j, clusters);
    const destination = { service: svc(j), namespace: ns(j), port: 8080 };
    const metadata = { name: `${svc(j)}-policy`, namespace: ns(j) };
    const sources =
      j % 3 === 0
        ? undefined
        : j % 3 === 1
        ? [{ cluster: policyCluster(a) }]
        : [{ cluster: policyCluster(a), namespace: ns(j + 1) }];
    const tp: TrafficPolicy = {
      apiVersion: 'meshport.dev/v1alpha1',
      kind: 'TrafficPolicy',
      metadata,
      spec: {
        ...(sources ? { sources } : {}),
        destination,
        ...(j % 2 === 0
          ? {
              route: [
                {
                  cluster: policyCluster(a),
                  subset: { version: 'v1' },
                  weight: 80,
                },
                {
                  cluster: policyCluster(b),
                  subset: { version: 'v2' },
                  weight: 20,
                },
              ],
            }
          : {
              timeout: '5s',
              retries: {
                attempts: 3,
                perTryTimeout: '2s',
                retryOn: ['5xx' as const, 'reset' as const],
              },
            }),
      },
    };
    const vd: VirtualDestination = {
      apiVersion: 'meshport.dev/v1alpha1',
      kind: 'VirtualDestination',
      metadata,
      spec: {
        hostname: `${svc(j)}.${ns(j)}.global`,
        destination,
        failover: { mode: 'locality' },
        outlierDetection: {
          consecutive5xxErrors: 5,
          interval: '10s',
          baseEjectionTime: '30s',
        },
      },
    };
    const caller = j + 1;
    const ap: AccessPolicy = {
      apiVersion: 'meshport.dev/v1alpha1',
      kind: 'AccessPolicy',
      metadata,
      spec: {
        sources: [
          {
            cluster: policyCluster(servingOf(caller, clusters)[0]),
            namespace: ns(caller),
            serviceAccount: svc(caller),
          },
        ],
        destination,
        allow: { methods: ['GET', 'POST'], paths: ['/api/*'] },
      },
    };
    out.push(tp, vd, ap);
  }
  return out;
}
