import fs from 'node:fs';
import path from 'node:path';
import {
  AppSpec,
  buildCluster,
  ClusterFiles,
  ClusterSpec,
  ClusterState,
  istioObject,
  Obj,
  OWNER_LABEL,
  peerAuthentication,
} from '@meshport/fleet-generator';

/**
 * A synthetic multi-cluster Istio fleet at scale, built with the demo fleet's object builders
 * (`@meshport/fleet-generator`); only the shape is the bench's. Deterministic: the same shape
 * and index always give the same objects, so the API server process, the discovery run and
 * the floor all see byte-identical responses.
 *
 * Topology: clusters come in groups of `meshGroupSize`. A group is a multi-primary mesh on one
 * network (each istiod holds remote secrets for its peers); groups are separate networks joined
 * by east-west gateways. Every cluster chains to the same root certificate.
 */

export interface FleetShape {
  clusters: number;
  servicesPerCluster: number;
  podsPerService: number;
  /** Application namespaces the services are spread over. */
  namespaces: number;
  meshGroupSize: number;
  /** Every n-th service has a VirtualService, a DestinationRule and an AuthorizationPolicy. */
  routedEvery: number;
  /**
   * Clusters in consecutive groups of this size run the same block of services, the next group
   * the next block: many logical services with few instances each. Absent: every cluster runs
   * services 0…M-1.
   */
  sharedBy?: number;
}

export const DEFAULT_SHAPE: Omit<
  FleetShape,
  'clusters' | 'servicesPerCluster' | 'podsPerService'
> = {
  namespaces: 20,
  meshGroupSize: 10,
  routedEvery: 5,
};

const ROOT_CERT = fs.readFileSync(
  path.resolve(__dirname, '../../examples/demo-fleet/istio-root-cert.pem'),
  'utf8',
);
const CREATED = '2025-01-06T09:12:44Z';

export function clusterName(i: number): string {
  return `cluster-${String(i + 1).padStart(3, '0')}`;
}

export function appNamespace(i: number): string {
  return `team-${String(i).padStart(2, '0')}`;
}

/** Names repeat across clusters (namespace sameness): service j is the same logical service everywhere. */
export function serviceName(j: number): string {
  return `svc-${String(j).padStart(5, '0')}`;
}

/** Every object of one cluster, grouped as the API serves them. */
export interface ClusterObjects {
  namespaces: Obj[];
  nodes: Obj[];
  services: Obj[];
  endpointslices: Obj[];
  pods: Obj[];
  deployments: Obj[];
  statefulsets: Obj[];
  configmaps: Obj[];
  secrets: Obj[];
  virtualservices: Obj[];
  destinationrules: Obj[];
  serviceentries: Obj[];
  gateways: Obj[];
  peerauthentications: Obj[];
  authorizationpolicies: Obj[];
}

const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-south-1'];

/** The first of the services cluster `c` runs. */
function firstService(c: number, shape: FleetShape): number {
  return shape.sharedBy
    ? Math.floor(c / shape.sharedBy) * shape.servicesPerCluster
    : 0;
}

/**
 * The versions every service runs: pod k runs version k mod 3 (v1, v2, v3, v1, …), so a
 * service of fewer than three pods runs fewer than three versions.
 */
function versionsRun(shape: FleetShape): string[] {
  return Array.from(
    { length: Math.min(3, shape.podsPerService) },
    (_, v) => `v${v + 1}`,
  );
}

/** Routing, subsets and authorization of every `routedEvery`-th service, as teams write them. */
function routing(c: ClusterState, j: number, shape: FleetShape): Obj[] {
  const name = serviceName(j);
  const ns = appNamespace(j % shape.namespaces);
  const host = `${name}.${ns}.svc.cluster.local`;
  return [
    istioObject(c, 'VirtualService', 'networking.istio.io', ns, name, {
      hosts: [host],
      http: [
        {
          match: [{ headers: { 'x-canary': { exact: 'true' } } }],
          route: [{ destination: { host, subset: 'v2' } }],
        },
        {
          route: [
            { destination: { host, subset: 'v1' }, weight: 90 },
            { destination: { host, subset: 'v2' }, weight: 10 },
          ],
          timeout: '5s',
          retries: { attempts: 3, perTryTimeout: '2s', retryOn: '5xx,reset' },
        },
      ],
    }),
    istioObject(c, 'DestinationRule', 'networking.istio.io', ns, name, {
      host,
      trafficPolicy: {
        tls: { mode: 'ISTIO_MUTUAL' },
        connectionPool: { http: { http2MaxRequests: 1000 } },
      },
      // a subset per version the service runs: one naming a version no pod runs selects no
      // endpoint, a true finding (MESH104) for every DestinationRule of the fleet
      subsets: versionsRun(shape).map(v => ({
        name: v,
        labels: { version: v },
      })),
    }),
    istioObject(
      c,
      'AuthorizationPolicy',
      'security.istio.io',
      ns,
      `${name}-allow`,
      {
        selector: { matchLabels: { app: name } },
        action: 'ALLOW',
        rules: [
          {
            from: [
              {
                // the neighbour of the same namespace calls it: a caller the fleet runs,
                // as a real policy names (a principal of no workload is a finding, MESH106)
                source: {
                  principals: [
                    `cluster.local/ns/${ns}/sa/${serviceName(
                      j >= shape.namespaces
                        ? j - shape.namespaces
                        : j + shape.namespaces,
                    )}`,
                  ],
                },
              },
            ],
          },
        ],
      },
    ),
  ];
}

/** Cluster `c` of the shape, as the shared builders take it. */
export function clusterSpec(c: number, shape: FleetShape): ClusterSpec {
  const group = Math.floor(c / shape.meshGroupSize);
  const peers = Array.from(
    { length: shape.meshGroupSize },
    (_, i) => group * shape.meshGroupSize + i,
  ).filter(i => i !== c && i < shape.clusters);
  const region = REGIONS[c % REGIONS.length];
  const zones = ['a', 'b', 'c'].map(z => `${region}${z}`);
  const network = `network-${group + 1}`;
  const first = firstService(c, shape);
  const apps: AppSpec[] = [];
  for (let j = first; j < first + shape.servicesPerCluster; j++) {
    const n = j % shape.namespaces;
    apps.push({
      namespace: appNamespace(n),
      service: serviceName(j),
      owner: `${appNamespace(n)}-owners`,
      versions: versionsRun(shape).map((version, v) => ({
        version,
        replicas: Math.ceil((shape.podsPerService - v) / 3),
        image: `registry.example.com/team/${serviceName(j)}:1.4.${v}`,
      })),
    });
  }
  const pods = shape.servicesPerCluster * shape.podsPerService;
  return {
    name: clusterName(c),
    // addresses are 10.<index>.…; clusters of different groups may reuse them, as separate
    // networks do
    index: (c % 25) + 1,
    provider: 'eks',
    region,
    zones,
    // at most 250 pod addresses per node: keep nodes about 80 % full, 12 at least
    nodesPerZone: Math.max(4, Math.ceil(pods / 200 / zones.length)),
    podPlacement: 'round-robin',
    network,
    eastWestGatewayIP: `10.${200 + Math.floor(c / 250)}.${c % 250}.10`,
    ingressGatewayIP: `10.${200 + Math.floor(c / 250)}.${c % 250}.11`,
    istio: {
      meshId: 'mesh1',
      trustDomain: 'cluster.local',
      trustDomainAliases: [],
      roots: [ROOT_CERT],
      remotes: peers.map(clusterName),
    },
    namespaces: [
      { name: 'default', labels: {} },
      { name: 'kube-node-lease', labels: {} },
      { name: 'kube-public', labels: {} },
      { name: 'kube-system', labels: {} },
      {
        name: 'istio-system',
        labels: { 'topology.istio.io/network': network },
      },
      ...Array.from({ length: shape.namespaces }, (_, n) => ({
        name: appNamespace(n),
        labels: {
          'istio-injection': 'enabled',
          [OWNER_LABEL]: `${appNamespace(n)}-owners`,
        },
      })),
    ],
    apps,
    config: state => [
      peerAuthentication(state, 'istio-system', 'default', {
        mtls: { mode: 'STRICT' },
      }),
      ...Array.from({ length: shape.namespaces }, (_, n) =>
        peerAuthentication(state, appNamespace(n), 'default', {
          mtls: { mode: n % 4 === 0 ? 'PERMISSIVE' : 'STRICT' },
        }),
      ),
      ...apps
        .map((_, i) => first + i)
        .filter(j => j % shape.routedEvery === 0)
        .flatMap(j => routing(state, j, shape)),
    ],
  };
}

/**
 * What kubectl and controllers record of their writes on a pod (~3 KB here): discovery never
 * reads it, but real API servers send it, and reading past it is part of a list's cost.
 */
function managedFields(pod: Obj): Obj[] {
  const field = (keys: string[]) =>
    Object.fromEntries(keys.map(k => [`f:${k}`, {}]));
  const containers = (list: Obj[] = []) =>
    Object.fromEntries(
      list.map(container => [
        `k:{"name":"${container.name}"}`,
        {
          '.': {},
          ...field(Object.keys(container)),
          'f:env': Object.fromEntries(
            (container.env ?? []).map((e: Obj) => [
              `k:{"name":"${e.name}"}`,
              { '.': {}, ...field(Object.keys(e)) },
            ]),
          ),
        },
      ]),
    );
  return [
    {
      manager: 'kube-controller-manager',
      operation: 'Update',
      apiVersion: 'v1',
      time: CREATED,
      fieldsType: 'FieldsV1',
      fieldsV1: {
        'f:metadata': {
          ...field(['generateName']),
          'f:labels': field(Object.keys(pod.metadata.labels ?? {})),
          'f:ownerReferences': {},
        },
        'f:spec': {
          'f:containers': containers(pod.spec.containers),
          'f:initContainers': containers(pod.spec.initContainers),
          ...field(Object.keys(pod.spec).filter(k => !k.endsWith('ontainers'))),
        },
      },
    },
    {
      manager: 'kubelet',
      operation: 'Update',
      apiVersion: 'v1',
      time: CREATED,
      fieldsType: 'FieldsV1',
      subresource: 'status',
      fieldsV1: {
        'f:status': field(Object.keys(pod.status ?? {})),
      },
    },
  ];
}

const ISTIO_KINDS: Record<string, keyof ClusterObjects> = {
  VirtualService: 'virtualservices',
  DestinationRule: 'destinationrules',
  ServiceEntry: 'serviceentries',
  Gateway: 'gateways',
  PeerAuthentication: 'peerauthentications',
  AuthorizationPolicy: 'authorizationpolicies',
};

/** The snapshot files of cluster `c`, as the demo writes them (no managedFields). */
export function clusterFiles(c: number, shape: FleetShape): ClusterFiles {
  return buildCluster(clusterSpec(c, shape));
}

/** One cluster's objects as its API server serves them, managedFields included. */
export function generateCluster(c: number, shape: FleetShape): ClusterObjects {
  const files = clusterFiles(c, shape);
  const out: ClusterObjects = {
    namespaces: files.namespaces,
    nodes: files.nodes,
    services: files.services,
    endpointslices: files.endpointslices,
    pods: files.pods,
    deployments: files.deployments,
    statefulsets: [],
    configmaps: files.configmaps,
    secrets: files.secrets,
    virtualservices: [],
    destinationrules: [],
    serviceentries: [],
    gateways: [],
    peerauthentications: [],
    authorizationpolicies: [],
  };
  for (const pod of out.pods) pod.metadata.managedFields = managedFields(pod);
  for (const object of files['istio-config']) {
    const field = ISTIO_KINDS[object.kind];
    if (!field)
      throw new Error(
        `the fleet generator built an Istio ${object.kind}, which the farm does not serve; add it to ISTIO_KINDS and apiServerFarm.ts`,
      );
    out[field].push(object);
  }
  return out;
}
