import { createHash } from 'node:crypto';

/** Raw Kubernetes JSON of many kinds, built field by field as the API server would serve it. */
export type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- see above

/** A Service port as written in its spec. */
export interface ServicePort {
  name: string;
  port: number;
  protocol: string;
  targetPort: number | string;
}

/** One Deployment of an app: `ready` of `replicas` pods report ready (default all). */
export interface AppVersion {
  version: string;
  replicas: number;
  ready?: number;
  image: string;
}

/** An application: a Service over one Deployment per version. */
export interface AppSpec {
  namespace: string;
  service: string;
  /** Group named in the owner label of the Service. */
  owner?: string;
  /** How its pods join the mesh; default `sidecar`. */
  mesh?: 'sidecar' | 'ambient' | 'linkerd' | 'none';
  serviceAccount?: string;
  /** Default one `http` port 9080. */
  ports?: ServicePort[];
  versions: AppVersion[];
  kubernetes?: Obj;
}

export interface IstioSpec {
  meshId: string;
  trustDomain: string;
  trustDomainAliases: string[];
  /** PEM roots in the istio-ca-root-cert bundle, own root first. */
  roots: string[];
  /** Clusters whose remote secrets this istiod holds (multi-primary peers). */
  remotes: string[];
  ambient?: boolean;
}

export interface LinkerdSpec {
  trustDomain: string;
  /** PEM of the trust anchor. */
  trustAnchor: string;
}

/** One cluster to generate; `index` makes its addresses unique in the fleet. */
export interface ClusterSpec {
  name: string;
  index: number;
  provider: 'gke' | 'eks';
  region: string;
  zones: string[];
  /**
   * Nodes in each zone; default 1. Each node holds at most 250 pod addresses (a /24 podCIDR),
   * so a cluster of many pods needs several per zone; node i is in zone i mod zones.
   */
  nodesPerZone?: number;
  /**
   * Where pods go: `by-replica` (default) puts replica i of every Deployment on node i, so a
   * small app's replicas land on distinct nodes; `round-robin` fills the nodes in turn across
   * all Deployments, for clusters of thousands of pods.
   */
  podPlacement?: 'by-replica' | 'round-robin';
  network?: string;
  eastWestGatewayIP?: string;
  ingressGatewayIP?: string;
  istio?: IstioSpec;
  linkerd?: LinkerdSpec;
  namespaces: Array<{
    name: string;
    labels: Record<string, string>;
    annotations?: Record<string, string>;
  }>;
  apps: AppSpec[];
  /** Mesh config objects of the cluster (Istio or Linkerd), built with the helpers below. */
  config: (c: ClusterState) => Obj[];
}

/** A cluster while it is built: its node names and pod address allocator are added. */
export interface ClusterState extends ClusterSpec {
  nodes: string[];
  /** The next node of `round-robin` placement. */
  nextNode: number;
  allocatePodIP: (key: string, nodeIndex: number) => string;
}

/** A cluster's objects by snapshot file name (`pods` → `pods.json`). */
export interface ClusterFiles {
  namespaces: Obj[];
  nodes: Obj[];
  services: Obj[];
  endpointslices: Obj[];
  pods: Obj[];
  deployments: Obj[];
  configmaps: Obj[];
  secrets: Obj[];
  'istio-config': Obj[];
  'linkerd-config': Obj[];
}

// Its value names the owning Group: label values cannot hold `:` or `/`.
export const OWNER_LABEL = 'meshport.dev/owner';
export const NETWORK_LABEL = 'topology.istio.io/network';
export const ISTIO_VERSION = '1.24.2';
export const LINKERD_VERSION = 'stable-2.14.10';
const BASE_TIME = Date.parse('2025-03-04T09:12:00Z');

export const hash = (text: string) =>
  createHash('sha256').update(text).digest('hex');
export const uid = (key: string) => {
  const h = hash(key);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(
    17,
    20,
  )}-${h.slice(20, 32)}`;
};
export const suffix = (key: string, length: number) =>
  [...hash(key)]
    .map(c => 'bcdfghjklmnpqrstvwxz2456789'[parseInt(c, 16)])
    .join('')
    .slice(0, length);
export const time = (key: string, spreadHours = 24 * 30) =>
  new Date(
    BASE_TIME +
      (parseInt(hash(key).slice(0, 8), 16) % (spreadHours * 3600)) * 1000,
  )
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z');
const resourceVersion = (key: string) =>
  String(100000 + (parseInt(hash(`rv${key}`).slice(0, 8), 16) % 9000000));

export function metadata(
  cluster: string,
  kind: string,
  namespace: string | undefined,
  name: string,
  extra: Obj = {},
) {
  const key = `${cluster}/${kind}/${namespace ?? ''}/${name}`;
  return {
    ...(extra.annotations ? { annotations: extra.annotations } : {}),
    creationTimestamp: extra.creationTimestamp ?? time(key),
    ...(extra.generateName ? { generateName: extra.generateName } : {}),
    ...(extra.generation ? { generation: extra.generation } : {}),
    ...(extra.labels ? { labels: extra.labels } : {}),
    name,
    ...(namespace ? { namespace } : {}),
    ...(extra.ownerReferences
      ? { ownerReferences: extra.ownerReferences }
      : {}),
    resourceVersion: resourceVersion(key),
    uid: uid(key),
  };
}

export const controller = (
  c: ClusterState,
  kind: string,
  namespace: string,
  name: string,
  apiVersion = 'apps/v1',
) => ({
  apiVersion,
  blockOwnerDeletion: true,
  controller: true,
  kind,
  name,
  uid: uid(`${c.name}/${kind}/${namespace ?? ''}/${name}`),
});

export const list = (items: Obj[]) => ({
  apiVersion: 'v1',
  items,
  kind: 'List',
  metadata: { resourceVersion: '' },
});

/* ------------------------------------ Nodes and addresses -------------------------------- */

interface Provider {
  nodeName(c: ClusterState, zone: string, i: number): string;
  providerID(c: ClusterState, zone: string, name: string): string;
  labels(c: ClusterState, zone: string): Record<string, string>;
  instanceType: string;
  nodeInfo: Record<string, string>;
}

/** Node names, provider ids and node info as GKE or EKS report them. */
const PROVIDERS: Record<ClusterSpec['provider'], Provider> = {
  gke: {
    nodeName: (c: ClusterState, zone: string) =>
      `gke-${c.name}-default-pool-${hash(`${c.name}${zone}pool`).slice(
        0,
        8,
      )}-${suffix(`${c.name}${zone}`, 4)}`,
    providerID: (_c, zone, name) => `gce://meshport-demo/${zone}/${name}`,
    labels: () => ({
      'cloud.google.com/gke-boot-disk': 'pd-balanced',
      'cloud.google.com/gke-container-runtime': 'containerd',
      'cloud.google.com/gke-nodepool': 'default-pool',
      'cloud.google.com/gke-os-distribution': 'cos',
      'cloud.google.com/machine-family': 'e2',
    }),
    instanceType: 'e2-standard-4',
    nodeInfo: {
      containerRuntimeVersion: 'containerd://1.7.24',
      kernelVersion: '6.1.112+',
      kubeProxyVersion: 'v1.31.5-gke.1023000',
      kubeletVersion: 'v1.31.5-gke.1023000',
      osImage: 'Container-Optimized OS from Google',
    },
  },
  eks: {
    nodeName: (c, _zone, i) =>
      `ip-10-${c.index}0-0-${i + 10}.${c.region}.compute.internal`,
    providerID: (c: ClusterState, zone: string) =>
      `aws:///${zone}/i-0${hash(`${c.name}${zone}instance`).slice(0, 16)}`,
    labels: () => ({
      'eks.amazonaws.com/capacityType': 'ON_DEMAND',
      'eks.amazonaws.com/nodegroup': 'default',
      'eks.amazonaws.com/nodegroup-image': 'ami-0c1f1e4a9d2b37e65',
    }),
    instanceType: 'm6i.large',
    nodeInfo: {
      containerRuntimeVersion: 'containerd://1.7.22',
      kernelVersion: '6.1.119-129.201.amzn2023.x86_64',
      kubeProxyVersion: 'v1.31.4-eks-aeac579',
      kubeletVersion: 'v1.31.4-eks-aeac579',
      osImage: 'Amazon Linux 2023.6.20241212',
    },
  },
};

/** The cluster's Istio, which a sidecar, ambient pod or gateway needs. */
function istioOf(c: ClusterState): IstioSpec {
  if (!c.istio)
    throw new Error(
      `cluster ${c.name} has Istio workloads but no istio spec; add one, or set the apps' mesh to 'linkerd' or 'none'`,
    );
  return c.istio;
}

/** The cluster's Linkerd, which a Linkerd-meshed pod needs. */
function linkerdOf(c: ClusterState): LinkerdSpec {
  if (!c.linkerd)
    throw new Error(
      `cluster ${c.name} has Linkerd-meshed apps but no linkerd spec; add one, or set the apps' mesh to 'sidecar' or 'none'`,
    );
  return c.linkerd;
}

/** Addresses a node's /24 podCIDR gives pods: .2 to .251. */
const POD_ADDRESSES_PER_NODE = 250;

/** Pod IPs inside their node's podCIDR, unique per cluster, stable across runs. */
function podIPAllocator(c: ClusterSpec) {
  const used = new Set();
  const perNode = new Map<number, number>();
  return (key: string, nodeIndex: number) => {
    const count = (perNode.get(nodeIndex) ?? 0) + 1;
    if (count > POD_ADDRESSES_PER_NODE)
      throw new Error(
        `cluster ${c.name}: node ${nodeIndex} has no free pod address left (${POD_ADDRESSES_PER_NODE} per node); raise nodesPerZone or use podPlacement 'round-robin'`,
      );
    perNode.set(nodeIndex, count);
    let host = (parseInt(hash(key).slice(0, 4), 16) % 250) + 2;
    const first = host;
    while (used.has(`${nodeIndex}.${host}`)) {
      host = (host % 250) + 2;
      // the step of 2 visits only hosts of one parity: back at the start, that half is full
      // and the next free host is in the other half (the count above guarantees one)
      if (host === first) host = first === 251 ? 2 : first + 1;
    }
    used.add(`${nodeIndex}.${host}`);
    return `10.${c.index}.${nodeIndex}.${host}`;
  };
}

const nodeIP = (c: ClusterState, i: number) => `10.${c.index}0.0.${i + 10}`;

function addNodes(c: ClusterState, out: ClusterFiles) {
  const provider = PROVIDERS[c.provider];
  const count = c.zones.length * (c.nodesPerZone ?? 1);
  c.nodes = Array.from({ length: count }, (_, i) => {
    const zone = c.zones[i % c.zones.length];
    // GKE names a node after its zone's pool: a second node of a zone needs its own suffix
    const name =
      i < c.zones.length
        ? provider.nodeName(c, zone, i)
        : `${provider.nodeName(c, zone, i)}-${i}`;
    out.nodes.push({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: metadata(c.name, 'Node', undefined, name, {
        annotations: {
          'node.alpha.kubernetes.io/ttl': '0',
          'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
        },
        labels: {
          'beta.kubernetes.io/arch': 'amd64',
          'beta.kubernetes.io/instance-type': provider.instanceType,
          'beta.kubernetes.io/os': 'linux',
          ...provider.labels(c, zone),
          'failure-domain.beta.kubernetes.io/region': c.region,
          'failure-domain.beta.kubernetes.io/zone': zone,
          'kubernetes.io/arch': 'amd64',
          'kubernetes.io/hostname': name,
          'kubernetes.io/os': 'linux',
          'node.kubernetes.io/instance-type': provider.instanceType,
          'topology.kubernetes.io/region': c.region,
          'topology.kubernetes.io/zone': zone,
        },
      }),
      spec: {
        podCIDR: `10.${c.index}.${i}.0/24`,
        podCIDRs: [`10.${c.index}.${i}.0/24`],
        providerID: provider.providerID(c, zone, name),
      },
      status: {
        addresses: [
          { address: nodeIP(c, i), type: 'InternalIP' },
          { address: name, type: 'Hostname' },
        ],
        allocatable: {
          cpu: '3920m',
          'ephemeral-storage': '47060071478',
          memory: '13578080Ki',
          pods: '110',
        },
        capacity: {
          cpu: '4',
          'ephemeral-storage': '98831908Ki',
          memory: '16373600Ki',
          pods: '110',
        },
        conditions: [
          ['MemoryPressure', 'False', 'KubeletHasSufficientMemory'],
          ['DiskPressure', 'False', 'KubeletHasNoDiskPressure'],
          ['PIDPressure', 'False', 'KubeletHasSufficientPID'],
          ['Ready', 'True', 'KubeletReady'],
        ].map(([type, status, reason]) => ({
          lastHeartbeatTime: '2025-04-01T10:00:00Z',
          lastTransitionTime: time(`${name}${type}`),
          message:
            type === 'Ready'
              ? 'kubelet is posting ready status'
              : `kubelet has ${reason
                  .replace(/^KubeletHas/, '')
                  .replace(/([a-z])([A-Z])/g, '$1 $2')
                  .toLowerCase()}`,
          reason,
          status,
          type,
        })),
        nodeInfo: {
          architecture: 'amd64',
          bootID: uid(`${name}boot`),
          machineID: hash(`${name}machine`).slice(0, 32),
          operatingSystem: 'linux',
          systemUUID: uid(`${name}system`),
          ...provider.nodeInfo,
        },
      },
    });
    return name;
  });
}

function addNamespaces(c: ClusterState, out: ClusterFiles) {
  for (const ns of c.namespaces) {
    out.namespaces.push({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: metadata(c.name, 'Namespace', undefined, ns.name, {
        annotations: ns.annotations,
        labels: { 'kubernetes.io/metadata.name': ns.name, ...ns.labels },
      }),
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    });
  }
}

/* ------------------------------------- Workloads ----------------------------------------- */

function proxyContainers(c: ClusterState, mesh: string) {
  if (mesh === 'sidecar') {
    return {
      initContainers: [
        {
          args: [
            'istio-iptables',
            '-p',
            '15001',
            '-z',
            '15006',
            '-u',
            '1337',
            '-m',
            'REDIRECT',
            '-i',
            '*',
            '-x',
            '',
            '-b',
            '*',
            '-d',
            '15090,15021,15020',
            '--log_output_level=default:info',
          ],
          image: `docker.io/istio/proxyv2:${ISTIO_VERSION}`,
          name: 'istio-init',
        },
      ],
      containers: [
        {
          args: [
            'proxy',
            'sidecar',
            '--domain',
            '$(POD_NAMESPACE).svc.cluster.local',
            '--proxyLogLevel=warning',
            '--proxyComponentLogLevel=misc:error',
            '--log_output_level=default:info',
          ],
          env: proxyEnv(c),
          image: `docker.io/istio/proxyv2:${ISTIO_VERSION}`,
          name: 'istio-proxy',
          ports: [
            { containerPort: 15090, name: 'http-envoy-prom', protocol: 'TCP' },
          ],
        },
      ],
    };
  }
  if (mesh === 'linkerd') {
    return {
      initContainers: [
        {
          args: [
            '--incoming-proxy-port',
            '4143',
            '--outgoing-proxy-port',
            '4140',
            '--proxy-uid',
            '2102',
            '--inbound-ports-to-ignore',
            '4190,4191,4567,4568',
            '--outbound-ports-to-ignore',
            '4567,4568',
          ],
          image: 'cr.l5d.io/linkerd/proxy-init:v2.2.3',
          name: 'linkerd-init',
        },
      ],
      containers: [
        {
          env: [
            {
              name: 'LINKERD2_PROXY_IDENTITY_TRUST_DOMAIN',
              value: linkerdOf(c).trustDomain,
            },
          ],
          image: `cr.l5d.io/linkerd/proxy:${LINKERD_VERSION}`,
          name: 'linkerd-proxy',
          ports: [
            { containerPort: 4143, name: 'linkerd-proxy', protocol: 'TCP' },
            { containerPort: 4191, name: 'linkerd-admin', protocol: 'TCP' },
          ],
        },
      ],
    };
  }
  return { initContainers: [], containers: [] };
}

/** What the sidecar injector sets on an Istio proxy (or gateway) of this cluster. */
function proxyEnv(c: ClusterState) {
  return [
    { name: 'PILOT_CERT_PROVIDER', value: 'istiod' },
    { name: 'CA_ADDR', value: 'istiod.istio-system.svc:15012' },
    { name: 'ISTIO_META_CLUSTER_ID', value: c.name },
    { name: 'ISTIO_META_NETWORK', value: c.network },
    { name: 'ISTIO_META_MESH_ID', value: istioOf(c).meshId },
    { name: 'TRUST_DOMAIN', value: istioOf(c).trustDomain },
  ];
}

const CONTAINER_DEFAULTS = {
  imagePullPolicy: 'IfNotPresent',
  resources: {},
  terminationMessagePath: '/dev/termination-log',
  terminationMessagePolicy: 'File',
};

const DEFAULT_TOLERATIONS = [
  {
    effect: 'NoExecute',
    key: 'node.kubernetes.io/not-ready',
    operator: 'Exists',
    tolerationSeconds: 300,
  },
  {
    effect: 'NoExecute',
    key: 'node.kubernetes.io/unreachable',
    operator: 'Exists',
    tolerationSeconds: 300,
  },
];

/**
 * One pod as the API server returns it. `main` names the container whose readiness the pod
 * reports; the others are proxies, always ready.
 */
function podObject(c: ClusterState, o: Obj) {
  const {
    namespace,
    name,
    generateName,
    labels,
    annotations,
    ownerReference,
    serviceAccount,
    nodeIndex,
    containers,
    initContainers = [],
    main,
    ready,
    tolerations = DEFAULT_TOLERATIONS,
  } = o;
  const nodeName = c.nodes[nodeIndex];
  const podIP = c.allocatePodIP(`${c.name}${name}`, nodeIndex);
  const startedAt = time(`${c.name}${name}start`);
  const tokenVolume = `kube-api-access-${suffix(`${c.name}${name}token`, 5)}`;
  const mount = {
    mountPath: '/var/run/secrets/kubernetes.io/serviceaccount',
    name: tokenVolume,
    readOnly: true,
  };
  const notReady = ready
    ? {}
    : {
        message: `containers with unready status: [${main}]`,
        reason: 'ContainersNotReady',
      };
  const condition = (type: string, status: string, extra = {}) => ({
    lastProbeTime: null,
    lastTransitionTime: startedAt,
    ...extra,
    status,
    type,
  });
  const containerState = (container: Obj, isInit: boolean, up: boolean) => {
    if (isInit)
      return {
        terminated: {
          containerID: `containerd://${hash(`${name}${container.name}`)}`,
          exitCode: 0,
          finishedAt: startedAt,
          reason: 'Completed',
          startedAt,
        },
      };
    if (up) return { running: { startedAt } };
    return {
      waiting: {
        message: `back-off 5m0s restarting failed container=${main} pod=${name}_${namespace}(${uid(
          `${c.name}/Pod/${namespace}/${name}`,
        )})`,
        reason: 'CrashLoopBackOff',
      },
    };
  };
  const status = (container: Obj, isInit: boolean) => {
    const isMain = container.name === main;
    const up = !isMain || ready;
    return {
      containerID: `containerd://${hash(`${name}${container.name}`)}`,
      image: container.image,
      imageID: `${container.image.split(':')[0]}@sha256:${hash(
        `${container.image}image`,
      )}`,
      lastState: up
        ? {}
        : {
            terminated: {
              containerID: `containerd://${hash(`${name}${main}previous`)}`,
              exitCode: 1,
              finishedAt: time(`${name}crash`),
              reason: 'Error',
              startedAt: time(`${name}crashstart`),
            },
          },
      name: container.name,
      ready: isInit ? true : up,
      restartCount: up ? 0 : 7,
      started: isInit ? false : up,
      state: containerState(container, isInit, up),
    };
  };
  const withDefaults = (container: Obj) => ({
    ...container,
    ...CONTAINER_DEFAULTS,
    volumeMounts: [mount],
  });
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: metadata(c.name, 'Pod', namespace, name, {
      annotations,
      creationTimestamp: startedAt,
      generateName,
      labels,
      ownerReferences: [ownerReference],
    }),
    spec: {
      containers: containers.map(withDefaults),
      dnsPolicy: 'ClusterFirst',
      enableServiceLinks: true,
      ...(initContainers.length
        ? { initContainers: initContainers.map(withDefaults) }
        : {}),
      nodeName,
      preemptionPolicy: 'PreemptLowerPriority',
      priority: 0,
      restartPolicy: 'Always',
      schedulerName: 'default-scheduler',
      securityContext: {},
      serviceAccount,
      serviceAccountName: serviceAccount,
      terminationGracePeriodSeconds: 30,
      tolerations,
      volumes: [
        {
          name: tokenVolume,
          projected: {
            defaultMode: 420,
            sources: [
              {
                serviceAccountToken: {
                  expirationSeconds: 3607,
                  path: 'token',
                },
              },
              {
                configMap: {
                  items: [{ key: 'ca.crt', path: 'ca.crt' }],
                  name: 'kube-root-ca.crt',
                },
              },
              {
                downwardAPI: {
                  items: [
                    {
                      fieldRef: {
                        apiVersion: 'v1',
                        fieldPath: 'metadata.namespace',
                      },
                      path: 'namespace',
                    },
                  ],
                },
              },
            ],
          },
        },
      ],
    },
    status: {
      conditions: [
        condition('PodReadyToStartContainers', 'True'),
        condition('Initialized', 'True'),
        condition('Ready', ready ? 'True' : 'False', notReady),
        condition('ContainersReady', ready ? 'True' : 'False', notReady),
        condition('PodScheduled', 'True'),
      ],
      containerStatuses: containers.map((x: Obj) => status(x, false)),
      hostIP: nodeIP(c, nodeIndex),
      hostIPs: [{ ip: nodeIP(c, nodeIndex) }],
      ...(initContainers.length
        ? {
            initContainerStatuses: initContainers.map((x: Obj) =>
              status(x, true),
            ),
          }
        : {}),
      phase: 'Running',
      podIP,
      podIPs: [{ ip: podIP }],
      qosClass: 'BestEffort',
      startTime: startedAt,
    },
  };
}

/**
 * A Deployment and its pods (through a ReplicaSet, as the controller names them).
 * Returns the endpoints its pods give a Service that selects them.
 */
function addDeployment(c: ClusterState, out: ClusterFiles, d: Obj) {
  const {
    namespace,
    name,
    labels,
    podLabels,
    podAnnotations = {},
    extraPodLabels = {},
    replicas,
    ready = replicas,
    containers,
    initContainers = [],
    // proxies are injected into pods, not written in the Deployment's template
    templateContainers = containers,
    serviceAccount,
    annotations = {},
  } = d;
  const templateHash = suffix(`${c.name}${namespace}${name}`, 10);
  const rsName = `${name}-${templateHash}`;
  const created = time(`${c.name}/Deployment/${namespace}/${name}`);
  out.deployments.push({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: metadata(c.name, 'Deployment', namespace, name, {
      annotations: { 'deployment.kubernetes.io/revision': '1', ...annotations },
      generation: 1,
      labels,
    }),
    spec: {
      progressDeadlineSeconds: 600,
      replicas,
      revisionHistoryLimit: 10,
      selector: { matchLabels: podLabels },
      strategy: {
        rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' },
        type: 'RollingUpdate',
      },
      template: {
        metadata: {
          ...(d.templateAnnotations
            ? { annotations: d.templateAnnotations }
            : {}),
          creationTimestamp: null,
          labels: podLabels,
        },
        spec: {
          containers: templateContainers.map((x: Obj) => ({
            ...x,
            ...CONTAINER_DEFAULTS,
          })),
          dnsPolicy: 'ClusterFirst',
          restartPolicy: 'Always',
          schedulerName: 'default-scheduler',
          securityContext: {},
          serviceAccount: serviceAccount,
          serviceAccountName: serviceAccount,
          terminationGracePeriodSeconds: 30,
        },
      },
    },
    status: {
      availableReplicas: ready,
      conditions: [
        {
          lastTransitionTime: created,
          lastUpdateTime: created,
          message:
            ready === replicas
              ? 'Deployment has minimum availability.'
              : 'Deployment does not have minimum availability.',
          reason:
            ready === replicas
              ? 'MinimumReplicasAvailable'
              : 'MinimumReplicasUnavailable',
          status: ready === replicas ? 'True' : 'False',
          type: 'Available',
        },
        {
          lastTransitionTime: created,
          lastUpdateTime: created,
          message: `ReplicaSet "${rsName}" has successfully progressed.`,
          reason: 'NewReplicaSetAvailable',
          status: 'True',
          type: 'Progressing',
        },
      ],
      observedGeneration: 1,
      readyReplicas: ready,
      replicas,
      ...(ready < replicas ? { unavailableReplicas: replicas - ready } : {}),
      updatedReplicas: replicas,
    },
  });
  const endpoints = [];
  for (let i = 0; i < replicas; i++) {
    const podName = `${rsName}-${suffix(`${c.name}${rsName}${i}`, 5)}`;
    const nodeIndex =
      c.podPlacement === 'round-robin'
        ? c.nextNode++ % c.nodes.length
        : i % c.nodes.length;
    const pod = podObject(c, {
      namespace,
      name: podName,
      generateName: `${rsName}-`,
      labels: {
        ...podLabels,
        'pod-template-hash': templateHash,
        ...extraPodLabels,
      },
      annotations: Object.keys(podAnnotations).length
        ? podAnnotations
        : undefined,
      ownerReference: controller(c, 'ReplicaSet', namespace, rsName),
      serviceAccount,
      nodeIndex,
      containers,
      initContainers,
      main: containers[0].name,
      ready: i < ready,
    });
    out.pods.push(pod);
    endpoints.push({
      addresses: [pod.status.podIP],
      conditions: { ready: i < ready, serving: i < ready, terminating: false },
      nodeName: c.nodes[nodeIndex],
      targetRef: {
        kind: 'Pod',
        name: podName,
        namespace,
        uid: pod.metadata.uid,
      },
      zone: c.zones[nodeIndex % c.zones.length],
    });
  }
  return endpoints;
}

/** A Service and the EndpointSlice the controller keeps for it. */
function addService(c: ClusterState, out: ClusterFiles, s: Obj) {
  const { namespace, name, labels, selector, ports, endpoints, type } = s;
  const clusterIP = `172.${20 + c.index}.${
    parseInt(hash(`${c.name}${namespace}${name}svc`).slice(0, 2), 16) % 256
  }.${
    (parseInt(hash(`${c.name}${namespace}${name}svc`).slice(2, 4), 16) % 250) +
    2
  }`;
  const lb = type === 'LoadBalancer';
  out.services.push({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: metadata(c.name, 'Service', namespace, name, {
      annotations: s.annotations,
      labels,
    }),
    spec: {
      ...(lb ? { allocateLoadBalancerNodePorts: true } : {}),
      clusterIP,
      clusterIPs: [clusterIP],
      ...(lb ? { externalTrafficPolicy: 'Cluster' } : {}),
      internalTrafficPolicy: 'Cluster',
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      ports,
      selector,
      sessionAffinity: 'None',
      type: type ?? 'ClusterIP',
    },
    status: {
      loadBalancer: lb
        ? { ingress: [{ ip: s.loadBalancerIP, ipMode: 'VIP' }] }
        : {},
    },
  });
  const sliceName = `${name}-${suffix(`${c.name}${namespace}${name}slice`, 5)}`;
  out.endpointslices.push({
    addressType: 'IPv4',
    apiVersion: 'discovery.k8s.io/v1',
    endpoints,
    kind: 'EndpointSlice',
    metadata: metadata(c.name, 'EndpointSlice', namespace, sliceName, {
      annotations: {
        'endpoints.kubernetes.io/last-change-trigger-time': time(
          `${sliceName}change`,
        ),
      },
      generateName: `${name}-`,
      generation: endpoints.length + 1,
      labels: {
        ...labels,
        'endpointslice.kubernetes.io/managed-by':
          'endpointslice-controller.k8s.io',
        'kubernetes.io/service-name': name,
      },
      ownerReferences: [controller(c, 'Service', namespace, name, 'v1')],
    }),
    ports: ports.map((p: ServicePort) => ({
      name: p.name,
      port: typeof p.targetPort === 'number' ? p.targetPort : p.port,
      protocol: p.protocol,
    })),
  });
}

/** An application: a Service over one Deployment per version, meshed as its namespace says. */
function addApp(c: ClusterState, out: ClusterFiles, app: AppSpec) {
  const ns = app.namespace;
  const mesh = app.mesh ?? 'sidecar';
  const sa =
    app.serviceAccount ??
    `${ns === 'bookinfo' ? 'bookinfo-' : ''}${app.service}`;
  const ports = app.ports ?? [
    { name: 'http', port: 9080, protocol: 'TCP', targetPort: 9080 },
  ];
  const containerPorts = ports.map((p: ServicePort) => ({
    containerPort: typeof p.targetPort === 'number' ? p.targetPort : p.port,
    protocol: 'TCP',
  }));
  const endpoints = [];
  for (const v of app.versions) {
    const deployName = `${app.service}-${v.version}`;
    const podLabels = { app: app.service, version: v.version };
    const proxy = proxyContainers(c, mesh);
    const sidecarAnnotations = {
      'istio.io/rev': 'default',
      'kubectl.kubernetes.io/default-container': app.service,
      'kubectl.kubernetes.io/default-logs-container': app.service,
      'prometheus.io/path': '/stats/prometheus',
      'prometheus.io/port': '15020',
      'prometheus.io/scrape': 'true',
      'sidecar.istio.io/status':
        '{"initContainers":["istio-init"],"containers":["istio-proxy"],"volumes":["workload-socket","credential-socket","workload-certs","istio-envoy","istio-data","istio-podinfo","istio-token","istiod-ca-cert"],"imagePullSecrets":null,"revision":"default"}',
    };
    const linkerdAnnotations = () => ({
      'linkerd.io/created-by': `linkerd/proxy-injector ${LINKERD_VERSION}`,
      'linkerd.io/inject': 'enabled',
      'linkerd.io/proxy-version': LINKERD_VERSION,
      'linkerd.io/trust-root-sha256': hash(linkerdOf(c).trustAnchor),
    });
    endpoints.push(
      ...addDeployment(c, out, {
        namespace: ns,
        name: deployName,
        labels: { app: app.service, version: v.version },
        podLabels,
        podAnnotations: {
          ...(mesh === 'sidecar' ? sidecarAnnotations : {}),
          ...(mesh === 'ambient'
            ? { 'ambient.istio.io/redirection': 'enabled' }
            : {}),
          ...(mesh === 'linkerd' ? linkerdAnnotations() : {}),
        },
        extraPodLabels: {
          ...(mesh === 'sidecar'
            ? {
                'security.istio.io/tlsMode': 'istio',
                'service.istio.io/canonical-name': app.service,
                'service.istio.io/canonical-revision': v.version,
                [NETWORK_LABEL]: c.network,
              }
            : {}),
          ...(mesh === 'linkerd'
            ? {
                'linkerd.io/control-plane-ns': 'linkerd',
                'linkerd.io/proxy-deployment': deployName,
                'linkerd.io/workload-ns': ns,
              }
            : {}),
        },
        replicas: v.replicas,
        ready: v.ready,
        containers: [
          {
            image: v.image,
            name: app.service,
            ports: containerPorts,
          },
          ...proxy.containers,
        ],
        initContainers: proxy.initContainers,
        templateContainers: [
          { image: v.image, name: app.service, ports: containerPorts },
        ],
        serviceAccount: sa,
      }),
    );
  }
  addService(c, out, {
    namespace: ns,
    name: app.service,
    labels: {
      app: app.service,
      service: app.service,
      ...(app.owner ? { [OWNER_LABEL]: app.owner } : {}),
    },
    selector: { app: app.service },
    ports,
    endpoints,
  });
}

/* --------------------------------------- Istio ------------------------------------------- */

function addIstioControlPlane(c: ClusterState, out: ClusterFiles) {
  const { meshId, trustDomain, trustDomainAliases, roots, remotes, ambient } =
    istioOf(c);
  const meshYaml = [
    'accessLogFile: /dev/stdout',
    'defaultConfig:',
    '  discoveryAddress: istiod.istio-system.svc:15012',
    `  meshId: ${meshId}`,
    '  proxyMetadata: {}',
    '  tracing: {}',
    'defaultProviders:',
    '  metrics:',
    '  - prometheus',
    'enablePrometheusMerge: true',
    'rootNamespace: istio-system',
    `trustDomain: ${trustDomain}`,
    'trustDomainAliases:',
    ...trustDomainAliases.map((alias: string) => `- ${alias}`),
    '',
  ].join('\n');
  const helm = {
    'meta.helm.sh/release-name': 'istiod',
    'meta.helm.sh/release-namespace': 'istio-system',
  };
  out.configmaps.push({
    apiVersion: 'v1',
    data: { mesh: meshYaml, meshNetworks: 'networks: {}\n' },
    kind: 'ConfigMap',
    metadata: metadata(c.name, 'ConfigMap', 'istio-system', 'istio', {
      annotations: helm,
      labels: {
        'app.kubernetes.io/managed-by': 'Helm',
        'install.operator.istio.io/owning-resource': 'unknown',
        'istio.io/rev': 'default',
        'operator.istio.io/component': 'Pilot',
        release: 'istiod',
      },
    }),
  });
  // istiod publishes its root bundle (the plugged-in cacerts' root-cert.pem) in every
  // namespace but the kube-* ones.
  for (const ns of c.namespaces.filter(n => !n.name.startsWith('kube-'))) {
    out.configmaps.push({
      apiVersion: 'v1',
      data: { 'root-cert.pem': roots.join('') },
      kind: 'ConfigMap',
      metadata: metadata(c.name, 'ConfigMap', ns.name, 'istio-ca-root-cert', {
        labels: { 'istio.io/config': 'true' },
      }),
    });
  }
  const istiodPodLabels = {
    app: 'istiod',
    istio: 'pilot',
    'istio.io/rev': 'default',
    'sidecar.istio.io/inject': 'false',
  };
  const istiodEndpoints = addDeployment(c, out, {
    namespace: 'istio-system',
    name: 'istiod',
    annotations: helm,
    labels: {
      app: 'istiod',
      'app.kubernetes.io/instance': 'istiod',
      'app.kubernetes.io/managed-by': 'Helm',
      'app.kubernetes.io/name': 'istiod',
      'app.kubernetes.io/part-of': 'istio',
      'app.kubernetes.io/version': ISTIO_VERSION,
      istio: 'pilot',
      'istio.io/rev': 'default',
      'operator.istio.io/component': 'Pilot',
      release: 'istiod',
    },
    podLabels: istiodPodLabels,
    templateAnnotations: {
      'prometheus.io/port': '15014',
      'prometheus.io/scrape': 'true',
      'sidecar.istio.io/inject': 'false',
    },
    podAnnotations: {
      'prometheus.io/port': '15014',
      'prometheus.io/scrape': 'true',
      'sidecar.istio.io/inject': 'false',
    },
    replicas: 1,
    serviceAccount: 'istiod',
    containers: [
      {
        args: [
          'discovery',
          '--monitoringAddr=:15014',
          '--log_output_level=default:info',
          '--domain',
          'cluster.local',
          '--keepaliveMaxServerConnectionAge',
          '30m',
        ],
        env: [
          { name: 'REVISION', value: 'default' },
          { name: 'PILOT_CERT_PROVIDER', value: 'istiod' },
          {
            name: 'POD_NAME',
            valueFrom: {
              fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' },
            },
          },
          {
            name: 'POD_NAMESPACE',
            valueFrom: {
              fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' },
            },
          },
          { name: 'KUBECONFIG', value: '/var/run/secrets/remote/config' },
          { name: 'CLUSTER_ID', value: c.name },
          { name: 'EXTERNAL_ISTIOD', value: 'false' },
          { name: 'PILOT_ENABLE_AMBIENT', value: String(!!ambient) },
        ],
        image: `docker.io/istio/pilot:${ISTIO_VERSION}`,
        name: 'discovery',
        ports: [
          { containerPort: 8080, protocol: 'TCP' },
          { containerPort: 15010, protocol: 'TCP' },
          { containerPort: 15017, protocol: 'TCP' },
        ],
      },
    ],
  });
  addService(c, out, {
    namespace: 'istio-system',
    name: 'istiod',
    annotations: helm,
    labels: {
      app: 'istiod',
      'app.kubernetes.io/managed-by': 'Helm',
      istio: 'pilot',
      'istio.io/rev': 'default',
      release: 'istiod',
    },
    selector: { app: 'istiod', istio: 'pilot' },
    ports: [
      { name: 'grpc-xds', port: 15010, protocol: 'TCP', targetPort: 15010 },
      { name: 'https-dns', port: 15012, protocol: 'TCP', targetPort: 15012 },
      { name: 'https-webhook', port: 443, protocol: 'TCP', targetPort: 15017 },
      {
        name: 'http-monitoring',
        port: 15014,
        protocol: 'TCP',
        targetPort: 15014,
      },
    ],
    endpoints: istiodEndpoints,
  });

  addGateway(c, out, {
    name: 'istio-eastwestgateway',
    istioLabel: 'eastwestgateway',
    labels: { [NETWORK_LABEL]: c.network },
    address: c.eastWestGatewayIP,
    ports: [
      ['status-port', 15021, 31021],
      ['tls', 15443, 31443],
      ['tls-istiod', 15012, 31012],
      ['tls-webhook', 15017, 31017],
    ],
  });
  addGateway(c, out, {
    name: 'istio-ingressgateway',
    istioLabel: 'ingressgateway',
    labels: {},
    address: c.ingressGatewayIP,
    ports: [
      ['status-port', 15021, 30521],
      ['http2', 80, 30080],
      ['https', 443, 30443],
    ],
  });
  out['istio-config'].push(
    istioObject(
      c,
      'Gateway',
      'networking.istio.io',
      'istio-system',
      'cross-network-gateway',
      {
        selector: { istio: 'eastwestgateway' },
        servers: [
          {
            hosts: ['*.local'],
            port: { name: 'tls', number: 15443, protocol: 'TLS' },
            tls: { mode: 'AUTO_PASSTHROUGH' },
          },
        ],
      },
    ),
  );
  for (const remote of remotes) {
    const fakeKubeconfig = `apiVersion: v1\nclusters:\n- cluster:\n    server: https://${remote}.k8s.example.internal\n  name: ${remote}\ncontexts:\n- context:\n    cluster: ${remote}\n    user: ${remote}\n  name: ${remote}\ncurrent-context: ${remote}\nkind: Config\nusers:\n- name: ${remote}\n  user:\n    token: demo-remote-secret-token-not-real\n`;
    out.secrets.push({
      apiVersion: 'v1',
      data: { [remote]: Buffer.from(fakeKubeconfig).toString('base64') },
      kind: 'Secret',
      metadata: metadata(
        c.name,
        'Secret',
        'istio-system',
        `istio-remote-secret-${remote}`,
        {
          annotations: { 'networking.istio.io/cluster': remote },
          labels: { 'istio/multiCluster': 'true' },
        },
      ),
      type: 'Opaque',
    });
  }
  if (ambient) addZtunnel(c, out);
}

/** An Istio gateway (ingress or east-west): a router proxy Deployment behind a LoadBalancer. */
function addGateway(c: ClusterState, out: ClusterFiles, g: Obj) {
  const podLabels = {
    app: g.name,
    istio: g.istioLabel,
    ...g.labels,
  };
  const endpoints = addDeployment(c, out, {
    namespace: 'istio-system',
    name: g.name,
    labels: {
      ...podLabels,
      'app.kubernetes.io/managed-by': 'Helm',
      'app.kubernetes.io/name': g.name,
      'istio.io/rev': 'default',
    },
    podLabels,
    extraPodLabels: {
      'service.istio.io/canonical-name': g.name,
      'service.istio.io/canonical-revision': 'latest',
      'sidecar.istio.io/inject': 'false',
    },
    podAnnotations: {
      'istio.io/rev': 'default',
      'prometheus.io/path': '/stats/prometheus',
      'prometheus.io/port': '15020',
      'prometheus.io/scrape': 'true',
    },
    replicas: 1,
    serviceAccount: `${g.name}-service-account`,
    containers: [
      {
        args: [
          'proxy',
          'router',
          '--domain',
          '$(POD_NAMESPACE).svc.cluster.local',
          '--proxyLogLevel=warning',
          '--proxyComponentLogLevel=misc:error',
          '--log_output_level=default:info',
        ],
        env: [
          ...proxyEnv(c),
          ...(g.istioLabel === 'eastwestgateway'
            ? [{ name: 'ISTIO_META_REQUESTED_NETWORK_VIEW', value: c.network }]
            : []),
        ],
        image: `docker.io/istio/proxyv2:${ISTIO_VERSION}`,
        name: 'istio-proxy',
        ports: g.ports.map(([, port]: [string, number, number]) => ({
          containerPort: port,
          protocol: 'TCP',
        })),
      },
    ],
  });
  addService(c, out, {
    namespace: 'istio-system',
    name: g.name,
    labels: podLabels,
    selector: podLabels,
    type: 'LoadBalancer',
    loadBalancerIP: g.address,
    ports: g.ports.map(([name, port, nodePort]: [string, number, number]) => ({
      name,
      nodePort,
      port,
      protocol: 'TCP',
      targetPort: port,
    })),
    endpoints,
  });
}

/** The ambient data plane: one ztunnel per node, from a DaemonSet. */
function addZtunnel(c: ClusterState, out: ClusterFiles) {
  c.nodes.forEach((node: string, nodeIndex: number) => {
    const name = `ztunnel-${suffix(`${c.name}${node}ztunnel`, 5)}`;
    out.pods.push(
      podObject(c, {
        namespace: 'istio-system',
        name,
        generateName: 'ztunnel-',
        labels: {
          app: 'ztunnel',
          'app.kubernetes.io/name': 'ztunnel',
          'controller-revision-hash': '6c8f9d7b5',
          'pod-template-generation': '1',
          'sidecar.istio.io/inject': 'false',
        },
        annotations: {
          'prometheus.io/port': '15020',
          'prometheus.io/scrape': 'true',
          'sidecar.istio.io/inject': 'false',
        },
        ownerReference: controller(c, 'DaemonSet', 'istio-system', 'ztunnel'),
        serviceAccount: 'ztunnel',
        nodeIndex,
        containers: [
          {
            args: ['proxy', 'ztunnel'],
            env: [
              { name: 'CA_ADDRESS', value: 'istiod.istio-system.svc:15012' },
              { name: 'XDS_ADDRESS', value: 'istiod.istio-system.svc:15012' },
              { name: 'CLUSTER_ID', value: c.name },
              { name: 'NETWORK', value: c.network },
            ],
            image: `docker.io/istio/ztunnel:${ISTIO_VERSION}`,
            name: 'istio-proxy',
            ports: [
              { containerPort: 15020, name: 'ztunnel-stats', protocol: 'TCP' },
            ],
          },
        ],
        main: 'istio-proxy',
        ready: true,
        tolerations: [
          { effect: 'NoSchedule', operator: 'Exists' },
          { key: 'CriticalAddonsOnly', operator: 'Exists' },
          { effect: 'NoExecute', operator: 'Exists' },
        ],
      }),
    );
  });
}

export function istioObject(
  c: ClusterState,
  kind: string,
  group: string,
  namespace: string,
  name: string,
  spec: Obj,
) {
  return {
    apiVersion: `${group}/v1`,
    kind,
    metadata: metadata(c.name, kind, namespace, name, { generation: 1 }),
    spec,
  };
}

export const peerAuthentication = (
  c: ClusterState,
  namespace: string,
  name: string,
  spec: Obj,
) =>
  istioObject(
    c,
    'PeerAuthentication',
    'security.istio.io',
    namespace,
    name,
    spec,
  );

/* --------------------------------------- Linkerd ----------------------------------------- */

function addLinkerdControlPlane(c: ClusterState, out: ClusterFiles) {
  const values = [
    'clusterDomain: cluster.local',
    'clusterNetworks: 10.0.0.0/8,100.64.0.0/10,172.16.0.0/12,192.168.0.0/16',
    'controllerReplicas: 1',
    `identityTrustDomain: ${linkerdOf(c).trustDomain}`,
    'policyController:',
    '  defaultAllowPolicy: all-unauthenticated',
    'proxy:',
    '  defaultInboundPolicy: all-unauthenticated',
    `  image:\n    name: cr.l5d.io/linkerd/proxy\n    version: ${LINKERD_VERSION}`,
    '',
  ].join('\n');
  const createdBy = {
    'linkerd.io/created-by': `linkerd/helm ${LINKERD_VERSION}`,
  };
  out.configmaps.push(
    {
      apiVersion: 'v1',
      data: { values },
      kind: 'ConfigMap',
      metadata: metadata(c.name, 'ConfigMap', 'linkerd', 'linkerd-config', {
        annotations: createdBy,
        labels: {
          'linkerd.io/control-plane-component': 'controller',
          'linkerd.io/control-plane-ns': 'linkerd',
        },
      }),
    },
    {
      apiVersion: 'v1',
      data: { 'ca-bundle.crt': linkerdOf(c).trustAnchor },
      kind: 'ConfigMap',
      metadata: metadata(
        c.name,
        'ConfigMap',
        'linkerd',
        'linkerd-identity-trust-roots',
        {
          annotations: createdBy,
          labels: {
            'linkerd.io/control-plane-component': 'identity',
            'linkerd.io/control-plane-ns': 'linkerd',
          },
        },
      ),
    },
  );
  for (const component of ['destination', 'identity', 'proxy-injector']) {
    const name = `linkerd-${component}`;
    const podLabels = {
      'linkerd.io/control-plane-component': component,
      'linkerd.io/control-plane-ns': 'linkerd',
    };
    addDeployment(c, out, {
      namespace: 'linkerd',
      name,
      annotations: createdBy,
      labels: {
        'app.kubernetes.io/name': component,
        'app.kubernetes.io/part-of': 'Linkerd',
        'app.kubernetes.io/version': LINKERD_VERSION,
        ...podLabels,
        'linkerd.io/control-plane-version': LINKERD_VERSION,
      },
      podLabels,
      podAnnotations: createdBy,
      extraPodLabels: { 'linkerd.io/proxy-deployment': name },
      replicas: 1,
      serviceAccount: name,
      containers: [
        {
          args: ['-log-level=info'],
          image: `cr.l5d.io/linkerd/controller:${LINKERD_VERSION}`,
          name: component,
        },
      ],
    });
  }
}

export const linkerdPolicy = (
  c: ClusterState,
  kind: string,
  version: string,
  namespace: string,
  name: string,
  spec: Obj,
) => ({
  apiVersion: `policy.linkerd.io/${version}`,
  kind,
  metadata: metadata(c.name, kind, namespace, name, { generation: 1 }),
  spec,
});

/** Every object of one cluster, by the snapshot file it belongs in. */
export function buildCluster(spec: ClusterSpec): ClusterFiles {
  const out: ClusterFiles = {
    namespaces: [],
    nodes: [],
    services: [],
    endpointslices: [],
    pods: [],
    deployments: [],
    configmaps: [],
    secrets: [],
    'istio-config': [],
    'linkerd-config': [],
  };
  const c: ClusterState = {
    ...spec,
    nodes: [],
    nextNode: 0,
    allocatePodIP: podIPAllocator(spec),
  };
  addNodes(c, out);
  addNamespaces(c, out);
  if (c.istio) addIstioControlPlane(c, out);
  if (c.linkerd) addLinkerdControlPlane(c, out);
  for (const app of c.apps) addApp(c, out, app);
  out[c.istio ? 'istio-config' : 'linkerd-config'].push(...c.config(c));
  return out;
}
