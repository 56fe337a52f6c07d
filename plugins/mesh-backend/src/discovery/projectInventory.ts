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
import type { KubeObject, ObjectMapper } from '../readers/ClusterReader';

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

// Every listed object goes through these, so they walk the raw values in place rather than
// building entry arrays and copies that are garbage at once.

/** The string-valued own properties of an object, in its key order (`Object.entries` order). */
function stringMap(value: unknown): Labels {
  if (typeof value !== 'object' || value === null) return {};
  const source = value as Untyped;
  for (const key in source) {
    if (
      typeof source[key] !== 'string' ||
      !Object.hasOwn(source, key) ||
      // a copy would make it an own key, where assigning it sets the prototype
      key === '__proto__'
    )
      return onlyStrings(source);
  }
  // Labels are all strings (the API allows nothing else), and a spread copy is much
  // cheaper than adding the keys one by one; it also lays them out inside the object.
  return { ...source } as Labels;
}

function onlyStrings(source: Untyped): Labels {
  const out: Labels = {};
  for (const key in source) {
    if (!Object.hasOwn(source, key)) continue;
    const v = source[key];
    if (typeof v === 'string') out[key] = v;
  }
  return out;
}

/** `KEPT_ANNOTATIONS` that are set, in that order, without copying the other annotations. */
function keptAnnotations(value: unknown): Labels {
  const kept: Labels = {};
  if (typeof value !== 'object' || value === null) return kept;
  const source = value as Untyped;
  for (const key of KEPT_ANNOTATIONS) {
    const v = source[key];
    if (typeof v === 'string' && Object.hasOwn(source, key)) kept[key] = v;
  }
  return kept;
}

/** Names of the containers in a list, empty and missing names left out. */
function pushContainerNames(list: unknown, names: string[]) {
  if (!Array.isArray(list)) return;
  for (const c of list) {
    const name = typeof c === 'object' && c !== null ? c.name : undefined;
    if (typeof name === 'string' && name) names.push(name);
  }
}

/**
 * Named container ports, `name → containerPort`: what a Service's named `targetPort` means
 * for this pod, and so which key of a PeerAuthentication's `portLevelMtls` applies to it.
 */
function namedContainerPorts(list: unknown): Record<string, number> {
  const ports: Record<string, number> = {};
  if (!Array.isArray(list)) return ports;
  for (const c of list) {
    for (const p of arr(obj(c).ports)) {
      const { name, containerPort } = obj(p);
      if (
        typeof name === 'string' &&
        name &&
        typeof containerPort === 'number'
      ) {
        ports[name] = containerPort;
      }
    }
  }
  return ports;
}

function isReady(conditions: unknown): boolean {
  if (!Array.isArray(conditions)) return false;
  for (const c of conditions) {
    if (
      typeof c === 'object' &&
      c !== null &&
      c.type === 'Ready' &&
      c.status === 'True'
    )
      return true;
  }
  return false;
}

function ref(o: KubeObject): ObjectRef {
  const r: ObjectRef = {
    namespace: o.metadata?.namespace ?? '',
    name: o.metadata?.name ?? '',
    labels: stringMap(o.metadata?.labels),
    annotations: keptAnnotations(o.metadata?.annotations),
  };
  if (o.metadata?.creationTimestamp)
    r.creationTimestamp = String(o.metadata.creationTimestamp);
  return r;
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

type ServicePort = ServiceInfo['ports'][number];

// Ports, services and pods are built in place, in the inventory's key order (optional fields
// only when set): a spread per optional field is a generic copy per listed object.
function servicePort(p: Untyped): ServicePort {
  const port: Partial<ServicePort> = {};
  const name = str(p.name);
  if (name) port.name = name;
  port.port = Number(p.port);
  if (p.targetPort !== undefined)
    port.targetPort = p.targetPort as number | string;
  port.protocol = str(p.protocol) ?? 'TCP';
  const appProtocol = str(p.appProtocol);
  if (appProtocol) port.appProtocol = appProtocol;
  return port as ServicePort;
}

function serviceInfo(o: KubeObject): ServiceInfo {
  const spec = obj(o.spec);
  const selector = stringMap(spec.selector);
  const service: ObjectRef & Partial<ServiceInfo> = ref(o);
  service.type = str(spec.type) ?? 'ClusterIP';
  if (Object.keys(selector).length > 0) service.selector = selector;
  service.ports = arr(spec.ports).map(servicePort);
  service.externalIPs = (spec.externalIPs as string[] | undefined) ?? [];
  service.loadBalancerIngress = arr(obj(obj(o.status).loadBalancer).ingress)
    .map(i => str(i.ip) ?? str(i.hostname))
    .filter((a): a is string => !!a);
  return service as ServiceInfo;
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
  // init containers first: an `istio-proxy` native sidecar is one
  const containers: string[] = [];
  pushContainerNames(spec.initContainers, containers);
  pushContainerNames(spec.containers, containers);
  const pod: ObjectRef & Partial<PodInfo> = ref(o);
  pod.serviceAccountName = str(spec.serviceAccountName) ?? 'default';
  const nodeName = str(spec.nodeName);
  if (nodeName) pod.nodeName = nodeName;
  pod.ready = isReady(status.conditions);
  pod.containers = containers;
  const ports = namedContainerPorts(spec.containers);
  if (Object.keys(ports).length > 0) pod.containerPorts = ports;
  if (owner) pod.owner = { kind: owner.kind, name: owner.name };
  return pod as PodInfo;
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

/**
 * Stands in the mapped pod list for a pod the projection drops (excluded namespace, or
 * terminated) that is a ztunnel: the inventory keeps no record of it, but it still says the
 * ambient data plane is installed. A symbol, so dropping costs no allocation.
 */
const DROPPED_ZTUNNEL: unique symbol = Symbol('dropped ztunnel pod');

export type PodRecord = PodInfo | typeof DROPPED_ZTUNNEL;

const isZtunnel = (o: KubeObject) => o.metadata?.labels?.app === 'ztunnel';

/**
 * `projectInventory` split per kind, for a reader that maps each page as it arrives: every
 * mapper keeps exactly what `projectInventory` keeps of that kind (the same filters, the same
 * records, in list order), so raw objects never outlive their page.
 */
export function inventoryMappers(excludeNamespaces: string[]) {
  const excluded = new Set(excludeNamespaces);
  const included = (o: KubeObject) =>
    !excluded.has(o.metadata?.namespace ?? '');
  return {
    namespaces: namespaceInfo,
    nodes: nodeInfo,
    services: serviceInfo,
    endpointSlices: (o: KubeObject) =>
      included(o) ? endpointSliceInfo(o) : undefined,
    pods: (o: KubeObject): PodRecord | undefined => {
      if (included(o) && !isTerminated(o)) return podInfo(o);
      return isZtunnel(o) ? DROPPED_ZTUNNEL : undefined;
    },
    deployments: (o: KubeObject) => workloadInfo(o, 'Deployment'),
    statefulSets: (o: KubeObject) =>
      included(o) ? workloadInfo(o, 'StatefulSet') : undefined,
    configMaps: (o: KubeObject) =>
      isMeshConfigMap(o.metadata?.name ?? '') ? configMapInfo(o) : undefined,
    remoteSecrets: remoteSecretInfo,
    meshConfig: meshConfigObject,
  } satisfies Record<string, ObjectMapper<unknown>>;
}

/** The inventory's pods and `ztunnelPresent` from what the `pods` mapper kept. */
export function podsOf(records: PodRecord[]): {
  pods: PodInfo[];
  ztunnelPresent: boolean;
} {
  let dropped = false;
  let ztunnelPresent = false;
  for (const r of records) {
    if (r === DROPPED_ZTUNNEL) dropped = ztunnelPresent = true;
    // a kept pod's labels are its string labels, so this is the raw object's test
    else if (r.labels.app === 'ztunnel') ztunnelPresent = true;
  }
  return {
    // copy only when there is something to drop
    pods: dropped
      ? records.filter((r): r is PodInfo => r !== DROPPED_ZTUNNEL)
      : (records as PodInfo[]),
    ztunnelPresent,
  };
}
