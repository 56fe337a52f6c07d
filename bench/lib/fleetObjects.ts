import fs from 'node:fs';
import path from 'node:path';

/**
 * A synthetic multi-cluster Istio fleet, as the Kubernetes API servers would serve it.
 * Deterministic: the same shape and index always give the same objects, so the API server
 * process, the discovery run and the floor all see byte-identical responses.
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
  nodesPerCluster: number;
  meshGroupSize: number;
  /** Every n-th service has a VirtualService and a DestinationRule. */
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
  nodesPerCluster: 12,
  meshGroupSize: 10,
  routedEvery: 5,
};

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- raw Kubernetes JSON of many kinds

export const ROOT_CERT = fs.readFileSync(
  path.resolve(__dirname, '../../examples/demo-fleet/istio-root-cert.pem'),
  'utf8',
);

const ISTIO_VERSION = '1.24.2';
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

function uid(...parts: Array<string | number>): string {
  // a stable, UUID-shaped id; the value only has to be unique and realistic in length
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  const text = parts.join('/');
  for (let i = 0; i < text.length; i++) {
    h1 = Math.imul(h1 ^ text.charCodeAt(i), 0x01000193);
    h2 = Math.imul(h2 ^ text.charCodeAt(i), 0x5bd1e995);
  }
  const hex = (n: number) => (n >>> 0).toString(16).padStart(8, '0');
  const a = hex(h1);
  const b = hex(h2);
  return `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-8${a.slice(
    1,
    4,
  )}-${a}${b.slice(0, 4)}`;
}

function hash(text: string, length: number): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++)
    h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  let out = '';
  let n = h >>> 0;
  for (let i = 0; i < length; i++) {
    out += alphabet[n % alphabet.length];
    n = Math.floor(n / alphabet.length) + i * 7919;
  }
  return out;
}

function meta(
  name: string,
  namespace: string | undefined,
  extra: Obj = {},
): Obj {
  return {
    name,
    ...(namespace ? { namespace } : {}),
    uid: uid(namespace ?? '', name, extra.kind ?? ''),
    resourceVersion: String(100000 + ((name.length * 7919) % 900000)),
    creationTimestamp: CREATED,
    ...extra,
  };
}

/** What kubectl/helm leave behind on every object: real list responses carry it. */
function managedFields(manager: string, fields: Obj): Obj[] {
  return [
    {
      manager,
      operation: 'Update',
      apiVersion: 'v1',
      time: CREATED,
      fieldsType: 'FieldsV1',
      fieldsV1: fields,
    },
  ];
}

function region(cluster: number): string {
  return ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-south-1'][cluster % 4];
}

function network(cluster: number, shape: FleetShape): string {
  return `network-${Math.floor(cluster / shape.meshGroupSize) + 1}`;
}

function gatewayAddress(cluster: number): string {
  return `10.${200 + Math.floor(cluster / 250)}.${cluster % 250}.10`;
}

function podIp(cluster: number, j: number, k: number): string {
  const n = j * 8 + k;
  return `10.${(cluster % 200) + 1}.${Math.floor(n / 250) % 250}.${
    (n % 250) + 2
  }`;
}

function nodeName(cluster: number, n: number): string {
  return `ip-10-${cluster % 250}-${n}-17.${region(cluster)}.compute.internal`;
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

function namespaces(c: number, shape: FleetShape): Obj[] {
  const out: Obj[] = [
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: meta('istio-system', undefined, {
        labels: {
          'kubernetes.io/metadata.name': 'istio-system',
          'topology.istio.io/network': network(c, shape),
        },
      }),
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    },
  ];
  for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease'])
    out.push({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: meta(ns, undefined, {
        labels: { 'kubernetes.io/metadata.name': ns },
      }),
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    });
  for (let i = 0; i < shape.namespaces; i++) {
    const name = appNamespace(i);
    out.push({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: meta(name, undefined, {
        labels: {
          'kubernetes.io/metadata.name': name,
          'istio-injection': 'enabled',
          'meshport.dev/owner': `group:default/${name}`,
        },
        annotations: {
          'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify({
            apiVersion: 'v1',
            kind: 'Namespace',
            metadata: { name, labels: { 'istio-injection': 'enabled' } },
          }),
        },
      }),
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    });
  }
  return out;
}

function nodes(c: number, shape: FleetShape): Obj[] {
  const out: Obj[] = [];
  for (let n = 0; n < shape.nodesPerCluster; n++) {
    const name = nodeName(c, n);
    const zone = `${region(c)}${'abc'[n % 3]}`;
    out.push({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: meta(name, undefined, {
        labels: {
          'beta.kubernetes.io/arch': 'amd64',
          'beta.kubernetes.io/instance-type': 'm6i.2xlarge',
          'beta.kubernetes.io/os': 'linux',
          'kubernetes.io/arch': 'amd64',
          'kubernetes.io/hostname': name,
          'kubernetes.io/os': 'linux',
          'node.kubernetes.io/instance-type': 'm6i.2xlarge',
          'topology.kubernetes.io/region': region(c),
          'topology.kubernetes.io/zone': zone,
        },
        annotations: {
          'node.alpha.kubernetes.io/ttl': '0',
          'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
        },
      }),
      spec: {
        providerID: `aws:///${zone}/i-0${hash(name, 16)}`,
        podCIDR: `10.${c % 250}.${n}.0/24`,
      },
      status: {
        capacity: { cpu: '8', memory: '32386524Ki', pods: '58' },
        allocatable: { cpu: '7910m', memory: '31371740Ki', pods: '58' },
        conditions: [
          'MemoryPressure',
          'DiskPressure',
          'PIDPressure',
          'Ready',
        ].map(type => ({
          type,
          status: type === 'Ready' ? 'True' : 'False',
          lastHeartbeatTime: CREATED,
          lastTransitionTime: CREATED,
          reason: type === 'Ready' ? 'KubeletReady' : `KubeletHasNo${type}`,
          message: 'kubelet is posting ready status',
        })),
        addresses: [
          { type: 'InternalIP', address: `10.${c % 250}.${n}.17` },
          { type: 'Hostname', address: name },
        ],
        nodeInfo: {
          kubeletVersion: 'v1.31.4-eks-aeac579',
          containerRuntimeVersion: 'containerd://1.7.25',
          kernelVersion: '6.1.119-129.201.amzn2023.x86_64',
          osImage: 'Amazon Linux 2023.6.20250107',
          operatingSystem: 'linux',
          architecture: 'amd64',
        },
        images: Array.from({ length: 8 }, (_, i) => ({
          names: [
            `registry.example.com/team/app-${i}@sha256:${hash(
              `${name}${i}`,
              40,
            )}`,
          ],
          sizeBytes: 20_000_000 + i * 1_000_003,
        })),
      },
    });
  }
  return out;
}

function servicePorts(): Obj[] {
  return [
    {
      name: 'http',
      port: 8080,
      targetPort: 8080,
      protocol: 'TCP',
      appProtocol: 'http',
    },
    { name: 'grpc', port: 9090, targetPort: 9090, protocol: 'TCP' },
  ];
}

function appService(j: number, shape: FleetShape): Obj {
  const name = serviceName(j);
  const ns = appNamespace(j % shape.namespaces);
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(name, ns, {
      labels: { app: name, 'app.kubernetes.io/part-of': ns },
      annotations: {
        'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify({
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name, namespace: ns },
          spec: { selector: { app: name }, ports: servicePorts() },
        }),
      },
      managedFields: managedFields('kubectl-client-side-apply', {
        'f:spec': { 'f:ports': {}, 'f:selector': {} },
      }),
    }),
    spec: {
      clusterIP: `172.20.${Math.floor(j / 250) % 250}.${(j % 250) + 2}`,
      clusterIPs: [`172.20.${Math.floor(j / 250) % 250}.${(j % 250) + 2}`],
      type: 'ClusterIP',
      selector: { app: name },
      ports: servicePorts(),
      sessionAffinity: 'None',
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      internalTrafficPolicy: 'Cluster',
    },
    status: { loadBalancer: {} },
  };
}

function version(k: number): string {
  return `v${(k % 3) + 1}`;
}

function podTemplateHash(c: number, j: number, k: number): string {
  return hash(`${c}/${j}/${version(k)}`, 10);
}

function proxyContainer(name: string, ns: string): Obj {
  return {
    name: 'istio-proxy',
    image: `docker.io/istio/proxyv2:${ISTIO_VERSION}`,
    args: [
      'proxy',
      'sidecar',
      '--domain',
      '$(POD_NAMESPACE).svc.cluster.local',
      '--proxyLogLevel=warning',
      '--proxyComponentLogLevel=misc:error',
      '--log_output_level=default:info',
    ],
    ports: [{ name: 'http-envoy-prom', containerPort: 15090, protocol: 'TCP' }],
    env: [
      ['PILOT_CERT_PROVIDER', 'istiod'],
      ['CA_ADDR', 'istiod.istio-system.svc:15012'],
      ['ISTIO_CPU_LIMIT', '0'],
      ['PROXY_CONFIG', '{}\n'],
      ['ISTIO_META_POD_PORTS', '[{"containerPort":8080,"protocol":"TCP"}]'],
      ['ISTIO_META_APP_CONTAINERS', 'app'],
      ['ISTIO_META_CLUSTER_ID', 'Kubernetes'],
      ['ISTIO_META_INTERCEPTION_MODE', 'REDIRECT'],
      ['ISTIO_META_WORKLOAD_NAME', name],
      [
        'ISTIO_META_OWNER',
        `kubernetes://apis/apps/v1/namespaces/${ns}/deployments/${name}`,
      ],
      ['ISTIO_META_MESH_ID', 'mesh1'],
      ['TRUST_DOMAIN', 'cluster.local'],
    ].map(([n, value]) => ({ name: n, value })),
    resources: {
      limits: { cpu: '2', memory: '1Gi' },
      requests: { cpu: '100m', memory: '128Mi' },
    },
    volumeMounts: [
      {
        name: 'workload-socket',
        mountPath: '/var/run/secrets/workload-spiffe-uds',
      },
      { name: 'istiod-ca-cert', mountPath: '/var/run/secrets/istio' },
      { name: 'istio-data', mountPath: '/var/lib/istio/data' },
      { name: 'istio-envoy', mountPath: '/etc/istio/proxy' },
      { name: 'istio-token', mountPath: '/var/run/secrets/tokens' },
      { name: 'istio-podinfo', mountPath: '/etc/istio/pod' },
    ],
    readinessProbe: {
      httpGet: { path: '/healthz/ready', port: 15021, scheme: 'HTTP' },
      periodSeconds: 15,
      timeoutSeconds: 3,
      failureThreshold: 4,
    },
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsGroup: 1337,
      runAsNonRoot: true,
      runAsUser: 1337,
    },
  };
}

function appContainer(name: string): Obj {
  return {
    name: 'app',
    image: `registry.example.com/team/${name}:1.4.2`,
    ports: [
      { containerPort: 8080, protocol: 'TCP' },
      { containerPort: 9090, protocol: 'TCP' },
    ],
    env: [
      { name: 'LOG_LEVEL', value: 'info' },
      {
        name: 'POD_NAME',
        valueFrom: {
          fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' },
        },
      },
    ],
    resources: {
      limits: { cpu: '1', memory: '512Mi' },
      requests: { cpu: '250m', memory: '256Mi' },
    },
    readinessProbe: {
      httpGet: { path: '/app-health/app/readyz', port: 15020, scheme: 'HTTP' },
      periodSeconds: 10,
    },
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
    imagePullPolicy: 'IfNotPresent',
  };
}

function pod(c: number, j: number, k: number, shape: FleetShape): Obj {
  const name = serviceName(j);
  const ns = appNamespace(j % shape.namespaces);
  const podHash = podTemplateHash(c, j, k);
  const replicaSet = `${name}-${version(k)}-${podHash}`;
  const podName = `${replicaSet}-${hash(`${c}/${j}/${k}`, 5)}`;
  const node = nodeName(c, (j + k) % shape.nodesPerCluster);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: meta(podName, ns, {
      generateName: `${replicaSet}-`,
      labels: {
        app: name,
        version: version(k),
        'pod-template-hash': podHash,
        'security.istio.io/tlsMode': 'istio',
        'service.istio.io/canonical-name': name,
        'service.istio.io/canonical-revision': version(k),
      },
      annotations: {
        'istio.io/rev': 'default',
        'kubectl.kubernetes.io/default-container': 'app',
        'kubectl.kubernetes.io/default-logs-container': 'app',
        'prometheus.io/path': '/stats/prometheus',
        'prometheus.io/port': '15020',
        'prometheus.io/scrape': 'true',
        'sidecar.istio.io/status': JSON.stringify({
          initContainers: ['istio-init'],
          containers: ['istio-proxy'],
          volumes: [
            'workload-socket',
            'credential-socket',
            'workload-certs',
            'istio-envoy',
            'istio-data',
            'istio-podinfo',
            'istio-token',
            'istiod-ca-cert',
          ],
          imagePullSecrets: null,
          revision: 'default',
        }),
      },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: replicaSet,
          uid: uid(ns, replicaSet),
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
      managedFields: managedFields('kube-controller-manager', {
        'f:metadata': { 'f:generateName': {}, 'f:labels': {} },
        'f:spec': { 'f:containers': {}, 'f:serviceAccountName': {} },
      }),
    }),
    spec: {
      initContainers: [
        {
          name: 'istio-init',
          image: `docker.io/istio/proxyv2:${ISTIO_VERSION}`,
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
          securityContext: {
            capabilities: { add: ['NET_ADMIN', 'NET_RAW'], drop: ['ALL'] },
            runAsUser: 0,
          },
        },
      ],
      containers: [appContainer(name), proxyContainer(name, ns)],
      serviceAccountName: name,
      serviceAccount: name,
      nodeName: node,
      restartPolicy: 'Always',
      dnsPolicy: 'ClusterFirst',
      schedulerName: 'default-scheduler',
      terminationGracePeriodSeconds: 30,
      volumes: [
        { name: 'workload-socket', emptyDir: {} },
        { name: 'istio-envoy', emptyDir: { medium: 'Memory' } },
        { name: 'istio-data', emptyDir: {} },
        {
          name: 'istio-token',
          projected: {
            sources: [
              {
                serviceAccountToken: {
                  audience: 'istio-ca',
                  expirationSeconds: 43200,
                  path: 'istio-token',
                },
              },
            ],
          },
        },
        { name: 'istiod-ca-cert', configMap: { name: 'istio-ca-root-cert' } },
      ],
      tolerations: [
        {
          key: 'node.kubernetes.io/not-ready',
          operator: 'Exists',
          effect: 'NoExecute',
          tolerationSeconds: 300,
        },
      ],
    },
    status: {
      phase: 'Running',
      conditions: [
        'PodReadyToStartContainers',
        'Initialized',
        'Ready',
        'ContainersReady',
        'PodScheduled',
      ].map(type => ({ type, status: 'True', lastTransitionTime: CREATED })),
      hostIP: `10.${c % 250}.${(j + k) % shape.nodesPerCluster}.17`,
      podIP: podIp(c, j, k),
      podIPs: [{ ip: podIp(c, j, k) }],
      startTime: CREATED,
      qosClass: 'Burstable',
      containerStatuses: ['app', 'istio-proxy'].map(n => ({
        name: n,
        ready: true,
        restartCount: 0,
        started: true,
        image:
          n === 'app'
            ? `registry.example.com/team/${name}:1.4.2`
            : `docker.io/istio/proxyv2:${ISTIO_VERSION}`,
        imageID: `sha256:${hash(`${n}${name}`, 64)}`,
        containerID: `containerd://${hash(`${podName}${n}`, 64)}`,
        state: { running: { startedAt: CREATED } },
      })),
    },
  };
}

function deployment(j: number, shape: FleetShape): Obj {
  const name = serviceName(j);
  const ns = appNamespace(j % shape.namespaces);
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta(name, ns, {
      generation: 3,
      labels: { app: name },
      annotations: { 'deployment.kubernetes.io/revision': '3' },
      managedFields: managedFields('argocd-controller', {
        'f:spec': { 'f:replicas': {}, 'f:template': {} },
      }),
    }),
    spec: {
      replicas: shape.podsPerService,
      selector: { matchLabels: { app: name } },
      strategy: {
        type: 'RollingUpdate',
        rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' },
      },
      template: {
        metadata: { labels: { app: name, version: 'v1' } },
        spec: {
          serviceAccountName: name,
          containers: [appContainer(name)],
          restartPolicy: 'Always',
        },
      },
    },
    status: {
      observedGeneration: 3,
      replicas: shape.podsPerService,
      readyReplicas: shape.podsPerService,
      availableReplicas: shape.podsPerService,
      updatedReplicas: shape.podsPerService,
    },
  };
}

function endpointSlice(c: number, j: number, shape: FleetShape): Obj {
  const name = serviceName(j);
  const ns = appNamespace(j % shape.namespaces);
  const endpoints: Obj[] = [];
  for (let k = 0; k < shape.podsPerService; k++) {
    const podHash = podTemplateHash(c, j, k);
    const podName = `${name}-${version(k)}-${podHash}-${hash(
      `${c}/${j}/${k}`,
      5,
    )}`;
    endpoints.push({
      addresses: [podIp(c, j, k)],
      conditions: { ready: true, serving: true, terminating: false },
      nodeName: nodeName(c, (j + k) % shape.nodesPerCluster),
      targetRef: {
        kind: 'Pod',
        namespace: ns,
        name: podName,
        uid: uid(ns, podName, ''),
      },
      zone: `${region(c)}${'abc'[((j + k) % shape.nodesPerCluster) % 3]}`,
    });
  }
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: meta(`${name}-${hash(`${c}/${j}`, 5)}`, ns, {
      generateName: `${name}-`,
      labels: {
        'endpointslice.kubernetes.io/managed-by':
          'endpointslice-controller.k8s.io',
        'kubernetes.io/service-name': name,
        app: name,
      },
      ownerReferences: [
        {
          apiVersion: 'v1',
          kind: 'Service',
          name,
          uid: uid(ns, name, ''),
          controller: true,
        },
      ],
    }),
    addressType: 'IPv4',
    endpoints,
    ports: [
      { name: 'http', port: 8080, protocol: 'TCP', appProtocol: 'http' },
      { name: 'grpc', port: 9090, protocol: 'TCP' },
    ],
  };
}

function controlPlane(c: number, shape: FleetShape): Partial<ClusterObjects> {
  const name = clusterName(c);
  const net = network(c, shape);
  const group = Math.floor(c / shape.meshGroupSize);
  const peers: number[] = [];
  for (
    let p = group * shape.meshGroupSize;
    p < Math.min((group + 1) * shape.meshGroupSize, shape.clusters);
    p++
  )
    if (p !== c) peers.push(p);
  const gatewayPorts = [
    { name: 'status-port', port: 15021, targetPort: 15021, protocol: 'TCP' },
    { name: 'tls', port: 15443, targetPort: 15443, protocol: 'TCP' },
    { name: 'tls-istiod', port: 15012, targetPort: 15012, protocol: 'TCP' },
    { name: 'tls-webhook', port: 15017, targetPort: 15017, protocol: 'TCP' },
  ];
  return {
    deployments: [
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: meta('istiod', 'istio-system', {
          labels: { app: 'istiod', 'istio.io/rev': 'default', istio: 'pilot' },
        }),
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: 'istiod', istio: 'pilot' } },
          template: {
            metadata: { labels: { app: 'istiod', istio: 'pilot' } },
            spec: {
              serviceAccountName: 'istiod',
              containers: [
                {
                  name: 'discovery',
                  image: `docker.io/istio/pilot:${ISTIO_VERSION}`,
                  args: [
                    'discovery',
                    '--monitoringAddr=:15014',
                    '--log_output_level=default:info',
                  ],
                  env: [
                    { name: 'REVISION', value: 'default' },
                    { name: 'PILOT_CERT_PROVIDER', value: 'istiod' },
                    { name: 'CLUSTER_ID', value: name },
                    { name: 'NETWORK', value: net },
                    { name: 'PILOT_ENABLE_ALPHA_GATEWAY_API', value: 'false' },
                    {
                      name: 'SECRET',
                      valueFrom: {
                        secretKeyRef: { name: 'cacerts', key: 'ca-key.pem' },
                      },
                    },
                  ],
                },
              ],
            },
          },
        },
      },
      ...['istio-eastwestgateway', 'istio-ingressgateway'].map(gw => ({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: meta(gw, 'istio-system', {
          labels: {
            app: gw,
            istio: gw.replace(/^istio-/, ''),
            'topology.istio.io/network': net,
          },
        }),
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: gw } },
          template: {
            metadata: {
              labels: { app: gw, 'sidecar.istio.io/inject': 'true' },
            },
            spec: {
              containers: [
                {
                  name: 'istio-proxy',
                  image: 'auto',
                  env: [
                    { name: 'ISTIO_META_REQUESTED_NETWORK_VIEW', value: net },
                  ],
                },
              ],
            },
          },
        },
      })),
    ],
    services: [
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: meta('istiod', 'istio-system', {
          labels: { app: 'istiod', istio: 'pilot' },
        }),
        spec: {
          type: 'ClusterIP',
          selector: { app: 'istiod', istio: 'pilot' },
          ports: [
            {
              name: 'grpc-xds',
              port: 15010,
              targetPort: 15010,
              protocol: 'TCP',
            },
            {
              name: 'https-dns',
              port: 15012,
              targetPort: 15012,
              protocol: 'TCP',
            },
            {
              name: 'https-webhook',
              port: 443,
              targetPort: 15017,
              protocol: 'TCP',
            },
          ],
        },
      },
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: meta('istio-eastwestgateway', 'istio-system', {
          labels: {
            app: 'istio-eastwestgateway',
            istio: 'eastwestgateway',
            'topology.istio.io/network': net,
          },
        }),
        spec: {
          type: 'LoadBalancer',
          selector: { app: 'istio-eastwestgateway' },
          ports: gatewayPorts,
        },
        status: {
          loadBalancer: { ingress: [{ ip: gatewayAddress(c), ipMode: 'VIP' }] },
        },
      },
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: meta('kube-dns', 'kube-system', {
          labels: { 'k8s-app': 'kube-dns' },
        }),
        spec: {
          type: 'ClusterIP',
          selector: { 'k8s-app': 'kube-dns' },
          ports: [{ name: 'dns', port: 53, targetPort: 53, protocol: 'UDP' }],
        },
      },
    ],
    configmaps: [
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: meta('istio', 'istio-system', {
          labels: { 'istio.io/rev': 'default' },
        }),
        data: {
          mesh: [
            'accessLogFile: /dev/stdout',
            'defaultConfig:',
            '  discoveryAddress: istiod.istio-system.svc:15012',
            '  meshId: mesh1',
            '  proxyMetadata: {}',
            'enablePrometheusMerge: true',
            'rootNamespace: istio-system',
            'trustDomain: cluster.local',
            '',
          ].join('\n'),
          meshNetworks: 'networks: {}\n',
        },
      },
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: meta('istio-ca-root-cert', 'istio-system', {
          labels: { 'istio.io/config': 'true' },
        }),
        data: { 'root-cert.pem': ROOT_CERT },
      },
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: meta('istio-sidecar-injector', 'istio-system', {
          labels: { 'istio.io/rev': 'default' },
        }),
        data: {
          values: JSON.stringify({
            global: {
              meshID: 'mesh1',
              network: net,
              multiCluster: { clusterName: name },
            },
          }),
          config: `policy: enabled\ntemplates:\n  sidecar: |\n${'    # injection template line\n'.repeat(
            200,
          )}`,
        },
      },
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: meta('kube-root-ca.crt', 'istio-system'),
        data: { 'ca.crt': ROOT_CERT },
      },
    ],
    secrets: peers.map(p => ({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: meta(`istio-remote-secret-${clusterName(p)}`, 'istio-system', {
        labels: { 'istio/multiCluster': 'true' },
        annotations: { 'networking.istio.io/cluster': clusterName(p) },
      }),
      type: 'Opaque',
      data: {
        [clusterName(p)]: Buffer.from(
          `kubeconfig of ${clusterName(p)}`,
        ).toString('base64'),
      },
    })),
    gateways: [
      {
        apiVersion: 'networking.istio.io/v1',
        kind: 'Gateway',
        metadata: meta('cross-network-gateway', 'istio-system'),
        spec: {
          selector: { istio: 'eastwestgateway' },
          servers: [
            {
              port: { number: 15443, name: 'tls', protocol: 'TLS' },
              tls: { mode: 'AUTO_PASSTHROUGH' },
              hosts: ['*.local'],
            },
          ],
        },
      },
    ],
    peerauthentications: [
      {
        apiVersion: 'security.istio.io/v1',
        kind: 'PeerAuthentication',
        metadata: meta('default', 'istio-system'),
        spec: { mtls: { mode: 'STRICT' } },
      },
    ],
  };
}

/** One cluster's objects. Services 0…M-1 run in every cluster (namespace sameness). */
export function generateCluster(c: number, shape: FleetShape): ClusterObjects {
  const cp = controlPlane(c, shape);
  const out: ClusterObjects = {
    namespaces: namespaces(c, shape),
    nodes: nodes(c, shape),
    services: [...(cp.services ?? [])],
    endpointslices: [],
    pods: [],
    deployments: [...(cp.deployments ?? [])],
    statefulsets: [],
    configmaps: cp.configmaps ?? [],
    secrets: cp.secrets ?? [],
    virtualservices: [],
    destinationrules: [],
    serviceentries: [],
    gateways: cp.gateways ?? [],
    peerauthentications: [...(cp.peerauthentications ?? [])],
    authorizationpolicies: [],
  };
  for (let n = 0; n < shape.namespaces; n++) {
    out.peerauthentications.push({
      apiVersion: 'security.istio.io/v1',
      kind: 'PeerAuthentication',
      metadata: meta('default', appNamespace(n)),
      spec: { mtls: { mode: n % 4 === 0 ? 'PERMISSIVE' : 'STRICT' } },
    });
  }
  const first = shape.sharedBy
    ? Math.floor(c / shape.sharedBy) * shape.servicesPerCluster
    : 0;
  for (let j = first; j < first + shape.servicesPerCluster; j++) {
    out.services.push(appService(j, shape));
    out.endpointslices.push(endpointSlice(c, j, shape));
    out.deployments.push(deployment(j, shape));
    for (let k = 0; k < shape.podsPerService; k++)
      out.pods.push(pod(c, j, k, shape));
    if (j % shape.routedEvery === 0) {
      const name = serviceName(j);
      const ns = appNamespace(j % shape.namespaces);
      const host = `${name}.${ns}.svc.cluster.local`;
      out.virtualservices.push({
        apiVersion: 'networking.istio.io/v1',
        kind: 'VirtualService',
        metadata: meta(name, ns, { generation: 2 }),
        spec: {
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
              retries: {
                attempts: 3,
                perTryTimeout: '2s',
                retryOn: '5xx,reset',
              },
            },
          ],
        },
      });
      out.destinationrules.push({
        apiVersion: 'networking.istio.io/v1',
        kind: 'DestinationRule',
        metadata: meta(name, ns, { generation: 1 }),
        spec: {
          host,
          trafficPolicy: {
            tls: { mode: 'ISTIO_MUTUAL' },
            connectionPool: { http: { http2MaxRequests: 1000 } },
          },
          subsets: ['v1', 'v2', 'v3'].map(v => ({
            name: v,
            labels: { version: v },
          })),
        },
      });
      out.authorizationpolicies.push({
        apiVersion: 'security.istio.io/v1',
        kind: 'AuthorizationPolicy',
        metadata: meta(`${name}-allow`, ns),
        spec: {
          selector: { matchLabels: { app: name } },
          action: 'ALLOW',
          rules: [
            {
              from: [
                {
                  source: {
                    principals: [`cluster.local/ns/${ns}/sa/frontend`],
                  },
                },
              ],
            },
          ],
        },
      });
    }
  }
  return out;
}
