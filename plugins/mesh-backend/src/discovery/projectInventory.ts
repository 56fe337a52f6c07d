import type {
  ClusterInventory,
  ConfigMapInfo,
  EndpointSliceInfo,
  Labels,
  MeshConfigObject,
  NamespaceInfo,
  NodeInfo,
  ObjectRef,
  PodInfo,
  RemoteSecretInfo,
  ServiceInfo,
  WorkloadInfo,
} from '../aggregation/inventory';
import type { KubeObject } from '../readers/ClusterReader';

/** The only annotations aggregation reads; everything else (last-applied config…) is dropped. */
const KEPT_ANNOTATIONS = [
  'ambient.istio.io/redirection',
  'config.linkerd.io/default-inbound-policy',
  'topology.istio.io/controlPlaneClusters',
  'networking.istio.io/cluster',
];

/** Environment of control-plane containers worth keeping; other env may hold secrets. */
const KEPT_ENV = ['CLUSTER_ID', 'EXTERNAL_ISTIOD', 'NETWORK'];

/** Config maps that carry mesh config or a root of trust. */
export function isMeshConfigMap(name: string): boolean {
  return (
    name === 'istio' ||
    name.startsWith('istio-') ||
    name === 'linkerd-config' ||
    name === 'linkerd-identity-trust-roots'
  );
}

export interface RawInventory {
  namespaces: KubeObject[];
  nodes: KubeObject[];
  services: KubeObject[];
  endpointSlices: KubeObject[];
  pods: KubeObject[];
  deployments: KubeObject[];
  statefulSets: KubeObject[];
  configMaps: KubeObject[];
  remoteSecrets: KubeObject[];
  meshConfig: KubeObject[];
}

type Untyped = Record<string, unknown>;

function obj(value: unknown): Untyped {
  return typeof value === 'object' && value !== null ? (value as Untyped) : {};
}

function arr(value: unknown): Untyped[] {
  return Array.isArray(value) ? value.map(obj) : [];
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function stringMap(value: unknown): Labels {
  const out: Labels = {};
  for (const [k, v] of Object.entries(obj(value))) {
    if (typeof v === 'string') out[k] = v;
  }
  return out;
}

function ref(o: KubeObject): ObjectRef {
  const annotations = stringMap(o.metadata?.annotations);
  const kept: Labels = {};
  for (const key of KEPT_ANNOTATIONS) {
    if (annotations[key] !== undefined) kept[key] = annotations[key];
  }
  return {
    namespace: o.metadata?.namespace ?? '',
    name: o.metadata?.name ?? '',
    labels: stringMap(o.metadata?.labels),
    annotations: kept,
    ...(o.metadata?.creationTimestamp
      ? { creationTimestamp: String(o.metadata.creationTimestamp) }
      : {}),
  };
}

function namespaceInfo(o: KubeObject): NamespaceInfo {
  const { name, labels, annotations } = ref(o);
  return { name, labels, annotations };
}

function nodeInfo(o: KubeObject): NodeInfo {
  const labels = stringMap(o.metadata?.labels);
  return {
    name: o.metadata?.name ?? '',
    region:
      labels['topology.kubernetes.io/region'] ??
      labels['failure-domain.beta.kubernetes.io/region'],
    zone:
      labels['topology.kubernetes.io/zone'] ??
      labels['failure-domain.beta.kubernetes.io/zone'],
  };
}

function serviceInfo(o: KubeObject): ServiceInfo {
  const spec = obj(o.spec);
  const selector = stringMap(spec.selector);
  return {
    ...ref(o),
    type: str(spec.type) ?? 'ClusterIP',
    ...(Object.keys(selector).length > 0 ? { selector } : {}),
    ports: arr(spec.ports).map(p => ({
      ...(str(p.name) ? { name: str(p.name) } : {}),
      port: Number(p.port),
      ...(p.targetPort !== undefined
        ? { targetPort: p.targetPort as number | string }
        : {}),
      protocol: str(p.protocol) ?? 'TCP',
      ...(str(p.appProtocol) ? { appProtocol: str(p.appProtocol) } : {}),
    })),
    externalIPs: (spec.externalIPs as string[] | undefined) ?? [],
    loadBalancerIngress: arr(obj(obj(o.status).loadBalancer).ingress)
      .map(i => str(i.ip) ?? str(i.hostname))
      .filter((a): a is string => !!a),
  };
}

function endpointSliceInfo(o: KubeObject): EndpointSliceInfo | undefined {
  const serviceName = o.metadata?.labels?.['kubernetes.io/service-name'];
  if (!serviceName) return undefined;
  return {
    namespace: o.metadata?.namespace ?? '',
    serviceName,
    endpoints: arr(o.endpoints).map(e => {
      const target = obj(e.targetRef);
      const addresses = (e.addresses as string[] | undefined) ?? [];
      return {
        key: str(target.uid) ?? str(target.name) ?? addresses[0] ?? '',
        // the API says an unknown readiness should be read as ready
        ready: obj(e.conditions).ready !== false,
      };
    }),
  };
}

function podInfo(o: KubeObject): PodInfo {
  const spec = obj(o.spec);
  const status = obj(o.status);
  const owner =
    o.metadata?.ownerReferences?.find(r => r.controller) ??
    o.metadata?.ownerReferences?.[0];
  return {
    ...ref(o),
    serviceAccountName: str(spec.serviceAccountName) ?? 'default',
    ...(str(spec.nodeName) ? { nodeName: str(spec.nodeName) } : {}),
    ready: arr(status.conditions).some(
      c => c.type === 'Ready' && c.status === 'True',
    ),
    containers: [...arr(spec.initContainers), ...arr(spec.containers)]
      .map(c => str(c.name))
      .filter((n): n is string => !!n),
    ...(owner ? { owner: { kind: owner.kind, name: owner.name } } : {}),
  };
}

function workloadInfo(o: KubeObject, kind: WorkloadInfo['kind']): WorkloadInfo {
  const podSpec = obj(obj(obj(o.spec).template).spec);
  return {
    ...ref(o),
    kind,
    containers: arr(podSpec.containers).map(c => {
      const env: Record<string, string> = {};
      for (const e of arr(c.env)) {
        const name = str(e.name);
        const value = str(e.value);
        if (name && value !== undefined && KEPT_ENV.includes(name)) {
          env[name] = value;
        }
      }
      return { name: str(c.name) ?? '', image: str(c.image) ?? '', env };
    }),
  };
}

function configMapInfo(o: KubeObject): ConfigMapInfo {
  return {
    namespace: o.metadata?.namespace ?? '',
    name: o.metadata?.name ?? '',
    data: stringMap(o.data),
  };
}

function remoteSecretInfo(o: KubeObject): RemoteSecretInfo {
  const clusterId = o.metadata?.annotations?.['networking.istio.io/cluster'];
  return {
    namespace: o.metadata?.namespace ?? '',
    name: o.metadata?.name ?? '',
    ...(clusterId ? { clusterId } : {}),
  };
}

function meshConfigObject(o: KubeObject): MeshConfigObject {
  return {
    ...ref(o),
    apiVersion: o.apiVersion ?? '',
    kind: o.kind ?? '',
    spec: obj(o.spec),
  };
}

function isTerminated(o: KubeObject): boolean {
  const phase = obj(o.status).phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

/**
 * Reduces what the API server returned to the inventory: only the fields aggregation reads,
 * and no workload objects from excluded namespaces (except control planes and gateways,
 * which live there). Keeps persisted last-known-good data small.
 */
export function projectInventory(
  raw: RawInventory,
  excludeNamespaces: string[],
): ClusterInventory {
  const excluded = new Set(excludeNamespaces);
  const included = (o: KubeObject) =>
    !excluded.has(o.metadata?.namespace ?? '');
  return {
    namespaces: raw.namespaces.map(namespaceInfo),
    nodes: raw.nodes.map(nodeInfo),
    services: raw.services.map(serviceInfo),
    endpointSlices: raw.endpointSlices
      .filter(included)
      .map(endpointSliceInfo)
      .filter((s): s is EndpointSliceInfo => !!s),
    pods: raw.pods.filter(p => included(p) && !isTerminated(p)).map(podInfo),
    workloads: [
      ...raw.deployments.map(d => workloadInfo(d, 'Deployment')),
      ...raw.statefulSets
        .filter(included)
        .map(s => workloadInfo(s, 'StatefulSet')),
    ],
    configMaps: raw.configMaps
      .filter(c => isMeshConfigMap(c.metadata?.name ?? ''))
      .map(configMapInfo),
    remoteSecrets: raw.remoteSecrets.map(remoteSecretInfo),
    meshConfig: raw.meshConfig.map(meshConfigObject),
    ztunnelPresent: raw.pods.some(p => p.metadata?.labels?.app === 'ztunnel'),
  };
}
