#!/usr/bin/env node
// Writes the demo fleet snapshot: one directory per cluster of Kubernetes List documents in
// the shape `kubectl get <kind> -A -o json` prints. Deterministic (uids, resourceVersions and
// timestamps derive from object names), so re-running it yields identical files.
//
//   node examples/demo-fleet/generate.mjs && yarn prettier --write examples/demo-fleet
//
// The root certificates are real self-signed PEMs generated once with openssl; their keys
// were discarded. Remote secrets carry a placeholder kubeconfig with a fake token that the
// tests assert never leaves the backend.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const ISTIO_ROOT = readFileSync(join(here, 'istio-root-cert.pem'), 'utf8');
const LINKERD_ROOT = readFileSync(
  join(here, 'linkerd-trust-anchor.pem'),
  'utf8',
);
const OWNER_LABEL = 'meshport.dev/owner';
const ISTIO_VERSION = '1.24.2';
const LINKERD_VERSION = 'stable-2.14.10';
const BASE_TIME = Date.parse('2025-03-04T09:12:00Z');

const hash = text => createHash('sha256').update(text).digest('hex');
const uid = key => {
  const h = hash(key);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(
    17,
    20,
  )}-${h.slice(20, 32)}`;
};
const suffix = (key, length) =>
  [...hash(key)]
    .map(c => 'bcdfghjklmnpqrstvwxz2456789'[parseInt(c, 16)])
    .join('')
    .slice(0, length);
const time = (key, spreadHours = 24 * 30) =>
  new Date(
    BASE_TIME +
      (parseInt(hash(key).slice(0, 8), 16) % (spreadHours * 3600)) * 1000,
  )
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z');
const resourceVersion = key =>
  String(100000 + (parseInt(hash(`rv${key}`).slice(0, 8), 16) % 9000000));
const ip = (key, prefix) => {
  const h = hash(key);
  return `${prefix}.${parseInt(h.slice(0, 2), 16)}.${
    (parseInt(h.slice(2, 4), 16) % 250) + 2
  }`;
};

function metadata(cluster, kind, namespace, name, extra = {}) {
  const key = `${cluster}/${kind}/${namespace ?? ''}/${name}`;
  return {
    ...(extra.annotations ? { annotations: extra.annotations } : {}),
    creationTimestamp: extra.creationTimestamp ?? time(key),
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

const list = items => ({
  apiVersion: 'v1',
  items,
  kind: 'List',
  metadata: { resourceVersion: '' },
});

/* ----------------------------------------------------------------------------------------- */

function buildCluster(c) {
  const out = {
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
  const nodes = c.zones.map((zone, i) => {
    const name = `${c.nodePrefix}-${zone}-${suffix(`${c.name}${zone}`, 4)}`;
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
          'beta.kubernetes.io/os': 'linux',
          'kubernetes.io/arch': 'amd64',
          'kubernetes.io/hostname': name,
          'kubernetes.io/os': 'linux',
          'node.kubernetes.io/instance-type': 'e2-standard-4',
          'topology.kubernetes.io/region': c.region,
          'topology.kubernetes.io/zone': zone,
        },
      }),
      spec: {
        podCIDR: `10.${c.index}.${i}.0/24`,
        podCIDRs: [`10.${c.index}.${i}.0/24`],
        providerID: `gce://meshport-demo/${zone}/${name}`,
      },
      status: {
        addresses: [
          { address: `10.${c.index}0.0.${i + 10}`, type: 'InternalIP' },
          { address: name, type: 'Hostname' },
        ],
        conditions: [
          {
            lastHeartbeatTime: '2025-04-01T10:00:00Z',
            lastTransitionTime: time(`${name}ready`),
            message: 'kubelet is posting ready status',
            reason: 'KubeletReady',
            status: 'True',
            type: 'Ready',
          },
        ],
        nodeInfo: {
          architecture: 'amd64',
          containerRuntimeVersion: 'containerd://1.7.24',
          kernelVersion: '6.1.112+',
          kubeProxyVersion: 'v1.31.5',
          kubeletVersion: 'v1.31.5',
          operatingSystem: 'linux',
          osImage: 'Container-Optimized OS from Google',
        },
      },
    });
    return name;
  });

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

  for (const app of c.apps) addApp(c, app, nodes, out);
  return out;
}

function proxyContainers(mesh) {
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

function addApp(c, app, nodes, out) {
  const ns = app.namespace;
  const mesh = app.mesh ?? 'sidecar';
  const sa =
    app.serviceAccount ??
    `${ns === 'bookinfo' ? 'bookinfo-' : ''}${app.service}`;
  const owner = app.owner;
  const ports = app.ports ?? [
    { name: 'http', port: 9080, targetPort: 9080, protocol: 'TCP' },
  ];
  const svcLabels = {
    app: app.service,
    service: app.service,
    ...(owner ? { [OWNER_LABEL]: owner } : {}),
    ...app.serviceLabels,
  };
  const endpoints = [];

  for (const v of app.versions) {
    const deployName = `${app.service}-${v.version}`;
    const podLabels = { app: app.service, version: v.version };
    const templateHash = suffix(`${c.name}${ns}${deployName}`, 10);
    const rsName = `${deployName}-${templateHash}`;
    const deployMeta = metadata(c.name, 'Deployment', ns, deployName, {
      annotations: { 'deployment.kubernetes.io/revision': '1' },
      generation: 1,
      labels: { app: app.service, version: v.version },
    });
    out.deployments.push({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: deployMeta,
      spec: {
        progressDeadlineSeconds: 600,
        replicas: v.replicas,
        revisionHistoryLimit: 10,
        selector: { matchLabels: podLabels },
        strategy: {
          rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' },
          type: 'RollingUpdate',
        },
        template: {
          metadata: { creationTimestamp: null, labels: podLabels },
          spec: {
            containers: [
              {
                image: v.image,
                imagePullPolicy: 'IfNotPresent',
                name: app.service,
                ports: ports.map(p => ({
                  containerPort:
                    typeof p.targetPort === 'number' ? p.targetPort : p.port,
                  protocol: 'TCP',
                })),
              },
            ],
            serviceAccountName: sa,
          },
        },
      },
      status: {
        availableReplicas: v.ready ?? v.replicas,
        observedGeneration: 1,
        readyReplicas: v.ready ?? v.replicas,
        replicas: v.replicas,
        updatedReplicas: v.replicas,
      },
    });
    for (let i = 0; i < v.replicas; i++) {
      const podName = `${rsName}-${suffix(`${c.name}${rsName}${i}`, 5)}`;
      const ready = i < (v.ready ?? v.replicas);
      const nodeName = nodes[i % nodes.length];
      const zone = c.zones[i % c.zones.length];
      const podIP = ip(`${c.name}${podName}`, `10.${c.index}`);
      const proxy = proxyContainers(mesh);
      const annotations = {
        ...(mesh === 'sidecar'
          ? {
              'istio.io/rev': 'default',
              'kubectl.kubernetes.io/default-container': app.service,
              'prometheus.io/path': '/stats/prometheus',
              'prometheus.io/port': '15020',
              'prometheus.io/scrape': 'true',
              'sidecar.istio.io/status':
                '{"initContainers":["istio-init"],"containers":["istio-proxy"],"volumes":["workload-socket","credential-socket","workload-certs","istio-envoy","istio-data","istio-podinfo","istio-token","istiod-ca-cert"],"imagePullSecrets":null,"revision":"default"}',
            }
          : {}),
        ...(mesh === 'ambient'
          ? { 'ambient.istio.io/redirection': 'enabled' }
          : {}),
        ...(mesh === 'linkerd'
          ? {
              'linkerd.io/created-by': `linkerd/proxy-injector ${LINKERD_VERSION}`,
              'linkerd.io/inject': 'enabled',
              'linkerd.io/proxy-version': LINKERD_VERSION,
              'linkerd.io/trust-root-sha256': hash(LINKERD_ROOT),
            }
          : {}),
      };
      const labels = {
        ...podLabels,
        'pod-template-hash': templateHash,
        ...(mesh === 'sidecar'
          ? {
              'security.istio.io/tlsMode': 'istio',
              'service.istio.io/canonical-name': app.service,
              'service.istio.io/canonical-revision': v.version,
            }
          : {}),
        ...(mesh === 'linkerd'
          ? {
              'linkerd.io/control-plane-ns': 'linkerd',
              'linkerd.io/proxy-deployment': deployName,
              'linkerd.io/workload-ns': ns,
            }
          : {}),
      };
      const containerNames = [
        app.service,
        ...proxy.containers.map(p => p.name),
      ];
      const startedAt = time(`${c.name}${podName}start`);
      out.pods.push({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: metadata(c.name, 'Pod', ns, podName, {
          annotations,
          creationTimestamp: startedAt,
          labels,
          ownerReferences: [
            {
              apiVersion: 'apps/v1',
              blockOwnerDeletion: true,
              controller: true,
              kind: 'ReplicaSet',
              name: rsName,
              uid: uid(`${c.name}/ReplicaSet/${ns}/${rsName}`),
            },
          ],
        }),
        spec: {
          containers: [
            {
              image: v.image,
              imagePullPolicy: 'IfNotPresent',
              name: app.service,
              ports: ports.map(p => ({
                containerPort:
                  typeof p.targetPort === 'number' ? p.targetPort : p.port,
                protocol: 'TCP',
              })),
            },
            ...proxy.containers,
          ],
          dnsPolicy: 'ClusterFirst',
          enableServiceLinks: true,
          ...(proxy.initContainers.length
            ? { initContainers: proxy.initContainers }
            : {}),
          nodeName,
          preemptionPolicy: 'PreemptLowerPriority',
          priority: 0,
          restartPolicy: 'Always',
          schedulerName: 'default-scheduler',
          serviceAccount: sa,
          serviceAccountName: sa,
          terminationGracePeriodSeconds: 30,
        },
        status: {
          conditions: [
            {
              lastProbeTime: null,
              lastTransitionTime: startedAt,
              status: 'True',
              type: 'PodReadyToStartContainers',
            },
            {
              lastProbeTime: null,
              lastTransitionTime: startedAt,
              status: 'True',
              type: 'Initialized',
            },
            {
              lastProbeTime: null,
              lastTransitionTime: startedAt,
              ...(ready
                ? {}
                : {
                    message: `containers with unready status: [${app.service}]`,
                    reason: 'ContainersNotReady',
                  }),
              status: ready ? 'True' : 'False',
              type: 'Ready',
            },
            {
              lastProbeTime: null,
              lastTransitionTime: startedAt,
              ...(ready
                ? {}
                : {
                    message: `containers with unready status: [${app.service}]`,
                    reason: 'ContainersNotReady',
                  }),
              status: ready ? 'True' : 'False',
              type: 'ContainersReady',
            },
            {
              lastProbeTime: null,
              lastTransitionTime: startedAt,
              status: 'True',
              type: 'PodScheduled',
            },
          ],
          containerStatuses: containerNames.map(name => ({
            containerID: `containerd://${hash(`${podName}${name}`)}`,
            image:
              name === app.service
                ? v.image
                : proxy.containers.find(p => p.name === name).image,
            imageID: `sha256:${hash(`${name}image`)}`,
            lastState: {},
            name,
            ready: name === app.service ? ready : true,
            restartCount: ready ? 0 : 7,
            started: true,
            state:
              ready || name !== app.service
                ? { running: { startedAt } }
                : {
                    waiting: {
                      message: 'back-off 5m0s restarting failed container',
                      reason: 'CrashLoopBackOff',
                    },
                  },
          })),
          hostIP: `10.${c.index}0.0.${(i % nodes.length) + 10}`,
          phase: 'Running',
          podIP,
          podIPs: [{ ip: podIP }],
          qosClass: 'BestEffort',
          startTime: startedAt,
        },
      });
      endpoints.push({
        addresses: [podIP],
        conditions: { ready, serving: ready, terminating: false },
        nodeName,
        targetRef: {
          kind: 'Pod',
          name: podName,
          namespace: ns,
          uid: uid(`${c.name}/Pod/${ns}/${podName}`),
        },
        zone,
      });
    }
  }

  const clusterIP = ip(
    `${c.name}${ns}${app.service}svc`,
    `172.${20 + c.index}`,
  );
  out.services.push({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: metadata(c.name, 'Service', ns, app.service, {
      labels: svcLabels,
    }),
    spec: {
      clusterIP,
      clusterIPs: [clusterIP],
      internalTrafficPolicy: 'Cluster',
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      ports: ports.map(p => ({
        name: p.name,
        port: p.port,
        protocol: p.protocol,
        targetPort: p.targetPort,
      })),
      selector: { app: app.service },
      sessionAffinity: 'None',
      type: 'ClusterIP',
    },
    status: { loadBalancer: {} },
  });
  const sliceName = `${app.service}-${suffix(
    `${c.name}${ns}${app.service}slice`,
    5,
  )}`;
  out.endpointslices.push({
    addressType: 'IPv4',
    apiVersion: 'discovery.k8s.io/v1',
    endpoints,
    kind: 'EndpointSlice',
    metadata: metadata(c.name, 'EndpointSlice', ns, sliceName, {
      annotations: {
        'endpoints.kubernetes.io/last-change-trigger-time': time(
          `${sliceName}change`,
        ),
      },
      generation: endpoints.length,
      labels: {
        app: app.service,
        'endpointslice.kubernetes.io/managed-by':
          'endpointslice-controller.k8s.io',
        'kubernetes.io/service-name': app.service,
        service: app.service,
        ...(owner ? { [OWNER_LABEL]: owner } : {}),
      },
      ownerReferences: [
        {
          apiVersion: 'v1',
          blockOwnerDeletion: true,
          controller: true,
          kind: 'Service',
          name: app.service,
          uid: uid(`${c.name}/Service/${ns}/${app.service}`),
        },
      ],
    }),
    ports: ports.map(p => ({
      name: p.name,
      port: typeof p.targetPort === 'number' ? p.targetPort : p.port,
      protocol: 'TCP',
    })),
  });
}

/* --------------------------------------- Istio ------------------------------------------- */

function addIstioControlPlane(c, out, { remotes }) {
  const meshYaml = [
    'accessLogFile: /dev/stdout',
    'defaultConfig:',
    '  discoveryAddress: istiod.istio-system.svc:15012',
    '  meshId: mesh1',
    '  proxyMetadata: {}',
    '  tracing: {}',
    'defaultProviders:',
    '  metrics:',
    '  - prometheus',
    'enablePrometheusMerge: true',
    'rootNamespace: istio-system',
    'trustDomain: cluster.local',
    '',
  ].join('\n');
  const meshNetworks = 'networks: {}\n';
  const cmLabels = {
    'app.kubernetes.io/managed-by': 'Helm',
    'install.operator.istio.io/owning-resource': 'unknown',
    'istio.io/rev': 'default',
    'operator.istio.io/component': 'Pilot',
    release: 'istiod',
  };
  out.configmaps.push(
    {
      apiVersion: 'v1',
      data: { mesh: meshYaml, meshNetworks },
      kind: 'ConfigMap',
      metadata: metadata(c.name, 'ConfigMap', 'istio-system', 'istio', {
        annotations: {
          'meta.helm.sh/release-name': 'istiod',
          'meta.helm.sh/release-namespace': 'istio-system',
        },
        labels: cmLabels,
      }),
    },
    {
      apiVersion: 'v1',
      data: { 'root-cert.pem': ISTIO_ROOT },
      kind: 'ConfigMap',
      metadata: metadata(
        c.name,
        'ConfigMap',
        'istio-system',
        'istio-ca-root-cert',
        { labels: { 'istio.io/config': 'true' } },
      ),
    },
  );
  const istiodLabels = {
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
  };
  out.deployments.push({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: metadata(c.name, 'Deployment', 'istio-system', 'istiod', {
      annotations: {
        'deployment.kubernetes.io/revision': '1',
        'meta.helm.sh/release-name': 'istiod',
        'meta.helm.sh/release-namespace': 'istio-system',
      },
      generation: 1,
      labels: istiodLabels,
    }),
    spec: {
      replicas: 1,
      selector: { matchLabels: { istio: 'pilot' } },
      template: {
        metadata: {
          annotations: {
            'prometheus.io/port': '15014',
            'prometheus.io/scrape': 'true',
            'sidecar.istio.io/inject': 'false',
          },
          creationTimestamp: null,
          labels: {
            app: 'istiod',
            istio: 'pilot',
            'istio.io/rev': 'default',
            'sidecar.istio.io/inject': 'false',
          },
        },
        spec: {
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
                    fieldRef: {
                      apiVersion: 'v1',
                      fieldPath: 'metadata.namespace',
                    },
                  },
                },
                { name: 'KUBECONFIG', value: '/var/run/secrets/remote/config' },
                { name: 'CLUSTER_ID', value: c.name },
                { name: 'EXTERNAL_ISTIOD', value: 'false' },
                { name: 'PILOT_ENABLE_AMBIENT', value: String(!!c.ambient) },
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
          serviceAccountName: 'istiod',
        },
      },
    },
    status: {
      availableReplicas: 1,
      observedGeneration: 1,
      readyReplicas: 1,
      replicas: 1,
      updatedReplicas: 1,
    },
  });
  const gwLabels = {
    app: 'istio-eastwestgateway',
    istio: 'eastwestgateway',
    'topology.istio.io/network': c.network,
  };
  const gwIP = c.gatewayIP;
  out.services.push({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: metadata(
      c.name,
      'Service',
      'istio-system',
      'istio-eastwestgateway',
      { labels: gwLabels },
    ),
    spec: {
      allocateLoadBalancerNodePorts: true,
      clusterIP: ip(`${c.name}ewgw`, `172.${20 + c.index}`),
      externalTrafficPolicy: 'Cluster',
      ports: [
        {
          name: 'status-port',
          nodePort: 31021,
          port: 15021,
          protocol: 'TCP',
          targetPort: 15021,
        },
        {
          name: 'tls',
          nodePort: 31443,
          port: 15443,
          protocol: 'TCP',
          targetPort: 15443,
        },
        {
          name: 'tls-istiod',
          nodePort: 31012,
          port: 15012,
          protocol: 'TCP',
          targetPort: 15012,
        },
        {
          name: 'tls-webhook',
          nodePort: 31017,
          port: 15017,
          protocol: 'TCP',
          targetPort: 15017,
        },
      ],
      selector: {
        app: 'istio-eastwestgateway',
        istio: 'eastwestgateway',
        'topology.istio.io/network': c.network,
      },
      sessionAffinity: 'None',
      type: 'LoadBalancer',
    },
    status: { loadBalancer: { ingress: [{ ip: gwIP, ipMode: 'VIP' }] } },
  });
  out['istio-config'].push({
    apiVersion: 'networking.istio.io/v1',
    kind: 'Gateway',
    metadata: metadata(
      c.name,
      'Gateway',
      'istio-system',
      'cross-network-gateway',
      { generation: 1 },
    ),
    spec: {
      selector: { istio: 'eastwestgateway' },
      servers: [
        {
          hosts: ['*.local'],
          port: { name: 'tls', number: 15443, protocol: 'TLS' },
          tls: { mode: 'AUTO_PASSTHROUGH' },
        },
      ],
    },
  });
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
}

function istioObject(c, kind, group, namespace, name, spec) {
  return {
    apiVersion: `${group}/v1`,
    kind,
    metadata: metadata(c.name, kind, namespace, name, { generation: 1 }),
    spec,
  };
}

/* --------------------------------------- Linkerd ----------------------------------------- */

function addLinkerdControlPlane(c, out) {
  const values = [
    'clusterDomain: cluster.local',
    'clusterNetworks: 10.0.0.0/8,100.64.0.0/10,172.16.0.0/12,192.168.0.0/16',
    'controllerReplicas: 1',
    'identityTrustDomain: cluster.local',
    'policyController:',
    '  defaultAllowPolicy: all-unauthenticated',
    'proxy:',
    '  defaultInboundPolicy: all-unauthenticated',
    `  image:\n    name: cr.l5d.io/linkerd/proxy\n    version: ${LINKERD_VERSION}`,
    '',
  ].join('\n');
  out.configmaps.push(
    {
      apiVersion: 'v1',
      data: { values },
      kind: 'ConfigMap',
      metadata: metadata(c.name, 'ConfigMap', 'linkerd', 'linkerd-config', {
        annotations: {
          'linkerd.io/created-by': `linkerd/helm ${LINKERD_VERSION}`,
        },
        labels: {
          'linkerd.io/control-plane-component': 'controller',
          'linkerd.io/control-plane-ns': 'linkerd',
        },
      }),
    },
    {
      apiVersion: 'v1',
      data: { 'ca-bundle.crt': LINKERD_ROOT },
      kind: 'ConfigMap',
      metadata: metadata(
        c.name,
        'ConfigMap',
        'linkerd',
        'linkerd-identity-trust-roots',
        {
          annotations: {
            'linkerd.io/created-by': `linkerd/helm ${LINKERD_VERSION}`,
          },
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
    out.deployments.push({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: metadata(c.name, 'Deployment', 'linkerd', name, {
        annotations: {
          'deployment.kubernetes.io/revision': '1',
          'linkerd.io/created-by': `linkerd/helm ${LINKERD_VERSION}`,
        },
        generation: 1,
        labels: {
          'app.kubernetes.io/name': component,
          'app.kubernetes.io/part-of': 'Linkerd',
          'app.kubernetes.io/version': LINKERD_VERSION,
          'linkerd.io/control-plane-component': component,
          'linkerd.io/control-plane-ns': 'linkerd',
          'linkerd.io/control-plane-version': LINKERD_VERSION,
        },
      }),
      spec: {
        replicas: 1,
        selector: {
          matchLabels: {
            'linkerd.io/control-plane-component': component,
            'linkerd.io/control-plane-ns': 'linkerd',
          },
        },
        template: {
          metadata: {
            creationTimestamp: null,
            labels: {
              'linkerd.io/control-plane-component': component,
              'linkerd.io/control-plane-ns': 'linkerd',
            },
          },
          spec: {
            containers: [
              {
                args: ['-log-level=info'],
                image: `cr.l5d.io/linkerd/controller:${LINKERD_VERSION}`,
                name: component,
              },
            ],
            serviceAccountName: name,
          },
        },
      },
      status: {
        availableReplicas: 1,
        observedGeneration: 1,
        readyReplicas: 1,
        replicas: 1,
        updatedReplicas: 1,
      },
    });
  }
}

/* ---------------------------------------- The fleet -------------------------------------- */

const bookinfoNs = {
  name: 'bookinfo',
  labels: {
    'istio-injection': 'enabled',
    [OWNER_LABEL]: 'group:default/bookinfo-team',
  },
};
const img = (name, v) =>
  `docker.io/istio/examples-bookinfo-${name}-${v}:1.20.2`;

const cluster1 = {
  name: 'cluster-1',
  index: 1,
  region: 'us-west-1',
  zones: ['us-west-1a', 'us-west-1b'],
  nodePrefix: 'gke-cluster-1-default-pool',
  network: 'network-1',
  gatewayIP: '34.118.10.21',
  namespaces: [
    { name: 'default', labels: {} },
    { name: 'kube-system', labels: {} },
    {
      name: 'istio-system',
      labels: { 'topology.istio.io/network': 'network-1' },
    },
    bookinfoNs,
    {
      name: 'accounts',
      labels: {
        'istio-injection': 'enabled',
        [OWNER_LABEL]: 'group:default/payments-team',
      },
    },
  ],
  apps: [
    {
      namespace: 'bookinfo',
      service: 'productpage',
      versions: [
        { version: 'v1', replicas: 1, image: img('productpage', 'v1') },
      ],
    },
    {
      namespace: 'bookinfo',
      service: 'details',
      versions: [{ version: 'v1', replicas: 1, image: img('details', 'v1') }],
    },
    {
      namespace: 'bookinfo',
      service: 'ratings',
      versions: [{ version: 'v1', replicas: 1, image: img('ratings', 'v1') }],
    },
    {
      namespace: 'bookinfo',
      service: 'reviews',
      versions: [
        { version: 'v1', replicas: 1, image: img('reviews', 'v1') },
        { version: 'v2', replicas: 1, image: img('reviews', 'v2') },
      ],
    },
    {
      namespace: 'accounts',
      service: 'accounts',
      owner: 'group:default/payments-team',
      ports: [{ name: 'grpc', port: 8080, targetPort: 8080, protocol: 'TCP' }],
      versions: [
        {
          version: 'v1',
          replicas: 2,
          image: 'ghcr.io/meshport/demo-accounts:1.4.0',
        },
      ],
    },
    {
      namespace: 'accounts',
      service: 'users',
      owner: 'group:default/identity-team',
      ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }],
      versions: [
        {
          version: 'v1',
          replicas: 2,
          image: 'ghcr.io/meshport/demo-users:2.1.0',
        },
      ],
    },
  ],
};

const cluster2 = {
  name: 'cluster-2',
  index: 2,
  region: 'us-west-2',
  zones: ['us-west-2a', 'us-west-2b'],
  nodePrefix: 'gke-cluster-2-default-pool',
  network: 'network-2',
  gatewayIP: '35.203.44.7',
  ambient: true,
  namespaces: [
    { name: 'default', labels: {} },
    { name: 'kube-system', labels: {} },
    {
      name: 'istio-system',
      labels: { 'topology.istio.io/network': 'network-2' },
    },
    bookinfoNs,
    {
      name: 'orders',
      labels: {
        'istio.io/dataplane-mode': 'ambient',
        [OWNER_LABEL]: 'group:default/orders-team',
      },
    },
  ],
  apps: [
    {
      namespace: 'bookinfo',
      service: 'reviews',
      versions: [{ version: 'v3', replicas: 2, image: img('reviews', 'v3') }],
    },
    {
      namespace: 'bookinfo',
      service: 'ratings',
      versions: [
        { version: 'v1', replicas: 2, ready: 1, image: img('ratings', 'v1') },
      ],
    },
    {
      namespace: 'orders',
      service: 'orders',
      mesh: 'ambient',
      versions: [
        {
          version: 'v1',
          replicas: 2,
          image: 'ghcr.io/meshport/demo-orders:0.9.3',
        },
      ],
      ports: [{ name: 'http', port: 8080, targetPort: 8080, protocol: 'TCP' }],
    },
    {
      namespace: 'orders',
      service: 'history',
      mesh: 'ambient',
      versions: [
        {
          version: 'v1',
          replicas: 1,
          image: 'ghcr.io/meshport/demo-history:0.3.1',
        },
      ],
      ports: [{ name: 'http', port: 8080, targetPort: 8080, protocol: 'TCP' }],
    },
  ],
};

const cluster3 = {
  name: 'cluster-3',
  index: 3,
  region: 'eu-west-1',
  zones: ['eu-west-1a'],
  nodePrefix: 'ip-10-30-0',
  namespaces: [
    { name: 'default', labels: {} },
    { name: 'kube-system', labels: {} },
    {
      name: 'linkerd',
      labels: {
        'config.linkerd.io/admission-webhooks': 'disabled',
        'linkerd.io/control-plane-ns': 'linkerd',
        'linkerd.io/is-control-plane': 'true',
      },
    },
    {
      name: 'accounts',
      labels: { [OWNER_LABEL]: 'group:default/payments-team' },
      annotations: {
        'config.linkerd.io/default-inbound-policy': 'all-authenticated',
        'linkerd.io/inject': 'enabled',
      },
    },
  ],
  apps: [
    {
      namespace: 'accounts',
      service: 'users',
      mesh: 'linkerd',
      owner: 'group:default/identity-team',
      ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }],
      versions: [
        {
          version: 'v2',
          replicas: 2,
          image: 'ghcr.io/meshport/demo-users:2.2.0',
        },
      ],
    },
    {
      namespace: 'accounts',
      service: 'ledger',
      mesh: 'linkerd',
      ports: [{ name: 'http', port: 8080, targetPort: 8080, protocol: 'TCP' }],
      versions: [
        {
          version: 'v1',
          replicas: 1,
          image: 'ghcr.io/meshport/demo-ledger:1.0.0',
        },
      ],
    },
  ],
};

const c1 = buildCluster(cluster1);
addIstioControlPlane(cluster1, c1, { remotes: ['cluster-2'] });
c1['istio-config'].push(
  istioObject(
    cluster1,
    'PeerAuthentication',
    'security.istio.io',
    'istio-system',
    'default',
    { mtls: { mode: 'STRICT' } },
  ),
  istioObject(
    cluster1,
    'PeerAuthentication',
    'security.istio.io',
    'bookinfo',
    'productpage-legacy-probe',
    {
      selector: { matchLabels: { app: 'productpage' } },
      mtls: { mode: 'UNSET' },
      portLevelMtls: { 9080: { mode: 'PERMISSIVE' } },
    },
  ),
  istioObject(
    cluster1,
    'DestinationRule',
    'networking.istio.io',
    'bookinfo',
    'reviews',
    {
      host: 'reviews.bookinfo.svc.cluster.local',
      trafficPolicy: {
        tls: { mode: 'ISTIO_MUTUAL' },
        loadBalancer: { localityLbSetting: { enabled: true } },
        outlierDetection: {
          consecutive5xxErrors: 5,
          interval: '30s',
          baseEjectionTime: '60s',
        },
      },
      subsets: [
        { name: 'v1', labels: { version: 'v1' } },
        { name: 'v2', labels: { version: 'v2' } },
        { name: 'v3', labels: { version: 'v3' } },
      ],
    },
  ),
  istioObject(
    cluster1,
    'VirtualService',
    'networking.istio.io',
    'bookinfo',
    'reviews',
    {
      hosts: ['reviews'],
      http: [
        {
          route: [
            { destination: { host: 'reviews', subset: 'v1' }, weight: 50 },
            { destination: { host: 'reviews', subset: 'v2' }, weight: 30 },
            { destination: { host: 'reviews', subset: 'v3' }, weight: 20 },
          ],
        },
      ],
    },
  ),
  istioObject(
    cluster1,
    'AuthorizationPolicy',
    'security.istio.io',
    'bookinfo',
    'ratings-from-reviews',
    {
      selector: { matchLabels: { app: 'ratings' } },
      action: 'ALLOW',
      rules: [
        {
          from: [
            {
              source: {
                principals: ['cluster.local/ns/bookinfo/sa/bookinfo-reviews'],
              },
            },
          ],
          to: [{ operation: { methods: ['GET'] } }],
        },
      ],
    },
  ),
);

const c2 = buildCluster(cluster2);
addIstioControlPlane(cluster2, c2, { remotes: ['cluster-1'] });
c2['istio-config'].push(
  istioObject(
    cluster2,
    'PeerAuthentication',
    'security.istio.io',
    'orders',
    'default',
    { mtls: { mode: 'PERMISSIVE' } },
  ),
);
// ztunnel runs in istio-system for the ambient namespace
c2.pods.push({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: metadata('cluster-2', 'Pod', 'istio-system', 'ztunnel-7xq2m', {
    labels: {
      app: 'ztunnel',
      'controller-revision-hash': '6c8f9d7b5',
      'pod-template-generation': '1',
      'sidecar.istio.io/inject': 'false',
    },
    ownerReferences: [
      {
        apiVersion: 'apps/v1',
        blockOwnerDeletion: true,
        controller: true,
        kind: 'DaemonSet',
        name: 'ztunnel',
        uid: uid('cluster-2/DaemonSet/istio-system/ztunnel'),
      },
    ],
  }),
  spec: {
    containers: [
      {
        image: `docker.io/istio/ztunnel:${ISTIO_VERSION}`,
        name: 'istio-proxy',
      },
    ],
    nodeName: c2.nodes[0].metadata.name,
    serviceAccount: 'ztunnel',
    serviceAccountName: 'ztunnel',
  },
  status: {
    conditions: [
      {
        lastProbeTime: null,
        lastTransitionTime: '2025-03-05T08:00:00Z',
        status: 'True',
        type: 'Ready',
      },
    ],
    hostIP: '10.20.0.10',
    phase: 'Running',
    podIP: '10.20.0.10',
    qosClass: 'Burstable',
    startTime: '2025-03-05T08:00:00Z',
  },
});

const c3 = buildCluster(cluster3);
addLinkerdControlPlane(cluster3, c3);
const linkerdPolicy = (kind, group, version, name, spec) => ({
  apiVersion: `${group}/${version}`,
  kind,
  metadata: metadata('cluster-3', kind, 'accounts', name, { generation: 1 }),
  spec,
});
c3['linkerd-config'].push(
  linkerdPolicy('Server', 'policy.linkerd.io', 'v1beta3', 'users-http', {
    podSelector: { matchLabels: { app: 'users' } },
    port: 8080,
    proxyProtocol: 'HTTP/1',
  }),
  linkerdPolicy(
    'MeshTLSAuthentication',
    'policy.linkerd.io',
    'v1alpha1',
    'ledger-clients',
    {
      identities: [
        'ledger.accounts.serviceaccount.identity.linkerd.cluster.local',
      ],
    },
  ),
  linkerdPolicy(
    'AuthorizationPolicy',
    'policy.linkerd.io',
    'v1alpha1',
    'users-from-ledger',
    {
      targetRef: {
        group: 'policy.linkerd.io',
        kind: 'Server',
        name: 'users-http',
      },
      requiredAuthenticationRefs: [
        {
          group: 'policy.linkerd.io',
          kind: 'MeshTLSAuthentication',
          name: 'ledger-clients',
        },
      ],
    },
  ),
  linkerdPolicy('HTTPRoute', 'policy.linkerd.io', 'v1beta3', 'users-api', {
    parentRefs: [
      { group: 'policy.linkerd.io', kind: 'Server', name: 'users-http' },
    ],
    rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/api' } }] }],
  }),
);

for (const [name, files] of [
  ['cluster-1', c1],
  ['cluster-2', c2],
  ['cluster-3', c3],
]) {
  mkdirSync(join(here, name), { recursive: true });
  for (const [file, items] of Object.entries(files)) {
    if (items.length === 0) continue;
    const sorted = [...items].sort((a, b) =>
      `${a.metadata.namespace ?? ''}/${a.metadata.name}`.localeCompare(
        `${b.metadata.namespace ?? ''}/${b.metadata.name}`,
      ),
    );
    writeFileSync(
      join(here, name, `${file}.json`),
      `${JSON.stringify(list(sorted), null, 2)}\n`,
    );
  }
}
