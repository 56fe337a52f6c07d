import type {
  ClusterInventory,
  ConfigMapInfo,
  EndpointSliceInfo,
  Labels,
  MeshConfigObject,
  MeshConfigValidationMessage,
  NamespaceInfo,
  NodeInfo,
  ObjectRef,
  PodInfo,
  RemoteSecretInfo,
  ServiceInfo,
  WorkloadInfo,
} from '../aggregation/inventory';
import {
  describeValue,
  MESHPORT_POLICIES_ANNOTATION,
  MESHPORT_SPEC_HASH_ANNOTATION,
  nameProblem,
  NameRule,
  SkippedObjects,
} from '@meshport/backstage-plugin-mesh-common';
import type { KubeObject, ObjectMapper } from '../readers/ClusterReader';
import { MESH_CONFIG_RESOURCES } from '../readers/resources';
import { StringPool } from './StringPool';

/**
 * The only annotations aggregation and analysis read; everything else (last-applied config…)
 * is dropped. The two Meshport ones are on rendered mesh config objects: analysis compares the
 * spec hash with the live spec to find hand edits, and names the policies behind an object.
 */
const KEPT_ANNOTATIONS = [
  'ambient.istio.io/redirection',
  'config.linkerd.io/default-inbound-policy',
  'topology.istio.io/controlPlaneClusters',
  'networking.istio.io/cluster',
  MESHPORT_SPEC_HASH_ANNOTATION,
  MESHPORT_POLICIES_ANNOTATION,
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

function isObject(value: unknown): value is Untyped {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function strings(value: unknown): string[] {
  return Array.isArray(value)
    ? value.filter((v): v is string => typeof v === 'string')
    : [];
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

/** Thrown inside a projection when an object breaks a rule the API server itself enforces. */
class Refused extends Error {}

function refuse(reason: string): never {
  throw new Refused(reason);
}

/**
 * An object the projection left out, with why. It stays in the mapped list in the object's
 * place, so a list that starts over (an expired continue token) drops it with the rest of the
 * abandoned snapshot instead of counting it twice.
 */
export class Skipped {
  constructor(
    readonly kind: string,
    readonly object: string,
    readonly reason: string,
  ) {}
}

/** How a skipped object is named in its cluster's status. */
function identify(o: unknown): string {
  const metadata = obj(obj(o).metadata);
  const name = str(metadata.name);
  const namespace = str(metadata.namespace);
  if (!name) return 'an object without a usable name';
  const id = namespace ? `${namespace}/${name}` : name;
  return id.length > 120 ? `${id.slice(0, 117)}...` : id;
}

/**
 * Projects each object on its own: whatever is wrong with one object (a rule it breaks, or a
 * shape nothing expected) makes it a `Skipped` record, never an exception that would fail its
 * whole cluster's sync.
 */
function guarded<T>(
  kind: string | ((o: unknown) => string),
  project: (o: KubeObject) => T | undefined,
): ObjectMapper<T | Skipped> {
  return o => {
    try {
      return project(o);
    } catch (error) {
      const reason =
        error instanceof Refused
          ? error.message
          : `could not be read: ${(error as Error)?.message ?? String(error)}`;
      return new Skipped(
        typeof kind === 'string' ? kind : kind(o),
        identify(o),
        reason,
      );
    }
  };
}

interface Meta {
  metadata: Untyped;
  name: string;
  /** `''` for cluster-scoped kinds. */
  namespace: string;
}

/**
 * The object's metadata, refused unless its name follows the rule the API server applies to
 * its kind and, for a namespaced kind, its namespace is a DNS-1123 label (namespace names are
 * `ValidateNamespaceName`'s DNS-1123 labels): an object without a namespace is not read as
 * namespace `""`.
 */
function meta(o: unknown, nameRule: NameRule, namespaced: boolean): Meta {
  if (!isObject(o)) refuse(`${describeValue(o)} is not an object`);
  const metadata = o.metadata;
  if (!isObject(metadata)) refuse('it has no metadata');
  const nameError = nameProblem('metadata.name', metadata.name, nameRule);
  if (nameError) refuse(nameError);
  let namespace = '';
  if (namespaced) {
    const namespaceError = nameProblem(
      'metadata.namespace',
      metadata.namespace,
      'dns1123-label',
    );
    if (namespaceError) refuse(namespaceError);
    namespace = metadata.namespace as string;
  }
  return { metadata, name: metadata.name as string, namespace };
}

function ref({ metadata, name, namespace }: Meta): ObjectRef {
  const r: ObjectRef = {
    namespace,
    name,
    labels: stringMap(metadata.labels),
    annotations: keptAnnotations(metadata.annotations),
  };
  const created = metadata.creationTimestamp;
  if (typeof created === 'string' && created) r.creationTimestamp = created;
  return r;
}

function namespaceInfo(o: KubeObject): NamespaceInfo {
  const { name, labels, annotations } = ref(meta(o, 'dns1123-label', false));
  return { name, labels, annotations };
}

function nodeInfo(o: KubeObject): NodeInfo {
  const { metadata, name } = meta(o, 'dns1123-subdomain', false);
  const labels = stringMap(metadata.labels);
  return {
    name,
    region:
      labels['topology.kubernetes.io/region'] ??
      labels['failure-domain.beta.kubernetes.io/region'],
    zone:
      labels['topology.kubernetes.io/zone'] ??
      labels['failure-domain.beta.kubernetes.io/zone'],
  };
}

type ServicePort = ServiceInfo['ports'][number];

function isPortNumber(value: unknown): value is number {
  return (
    Number.isInteger(value) &&
    (value as number) >= 1 &&
    (value as number) <= 65535
  );
}

// Ports, services and pods are built in place, in the inventory's key order (optional fields
// only when set): a spread per optional field is a generic copy per listed object.
/**
 * One Service port. `port` must be a number (the API's `int32`, 1-65535): a named port such
 * as `"http"` is refused, not turned into `null` in the fleet. `targetPort` is an
 * IntOrString: a number or a container port's name.
 */
function servicePort(p: unknown, i: number): ServicePort {
  const where = `spec.ports[${i}]`;
  if (!isObject(p)) refuse(`${where} is not a port`);
  const port: Partial<ServicePort> = {};
  if (p.name !== undefined && typeof p.name !== 'string')
    refuse(`${where}.name ${describeValue(p.name)} is not a string`);
  if (p.name) port.name = p.name as string;
  if (!isPortNumber(p.port))
    refuse(
      `${where}.port ${describeValue(
        p.port,
      )} is not a port number (an integer from 1 to 65535)`,
    );
  port.port = p.port;
  const target = p.targetPort;
  if (target !== undefined) {
    if (!isPortNumber(target) && !(typeof target === 'string' && target))
      refuse(
        `${where}.targetPort ${describeValue(
          target,
        )} is neither a port number nor a port name`,
      );
    port.targetPort = target;
  }
  port.protocol = str(p.protocol) ?? 'TCP';
  const appProtocol = str(p.appProtocol);
  if (appProtocol) port.appProtocol = appProtocol;
  return port as ServicePort;
}

/**
 * Services are named by DNS-1123 labels: Kubernetes asks for the stricter DNS-1035 label
 * (`ValidateServiceName`), but relaxes it to DNS-1123 with `RelaxedServiceNameValidation`
 * (KEP-5311, alpha in 1.34), so both are accepted; either way the name is a valid host label.
 */
function serviceInfo(o: KubeObject): ServiceInfo {
  const m = meta(o, 'dns1123-label', true);
  const spec = obj(o.spec);
  const ports = spec.ports ?? [];
  if (!Array.isArray(ports))
    refuse(`spec.ports ${describeValue(ports)} is not a list`);
  const selector = stringMap(spec.selector);
  const service: ObjectRef & Partial<ServiceInfo> = ref(m);
  service.type = str(spec.type) ?? 'ClusterIP';
  if (Object.keys(selector).length > 0) service.selector = selector;
  service.ports = ports.map(servicePort);
  service.externalIPs = strings(spec.externalIPs);
  service.loadBalancerIngress = arr(obj(obj(o.status).loadBalancer).ingress)
    .map(i => str(i.ip) ?? str(i.hostname))
    .filter((a): a is string => !!a);
  return service as ServiceInfo;
}

function endpointSliceInfo(o: KubeObject): EndpointSliceInfo | undefined {
  const { metadata, namespace } = meta(o, 'dns1123-subdomain', true);
  const serviceName = str(obj(metadata.labels)['kubernetes.io/service-name']);
  // a slice that no Service owns says nothing about one
  if (!serviceName) return undefined;
  return {
    namespace,
    serviceName,
    endpoints: arr(o.endpoints).map(e => {
      const target = obj(e.targetRef);
      const addresses = strings(e.addresses);
      return {
        key: str(target.uid) ?? str(target.name) ?? addresses[0] ?? '',
        // the API says an unknown readiness should be read as ready
        ready: obj(e.conditions).ready !== false,
      };
    }),
  };
}

/** The owner that counts: the controller, else the first; refused unless each is one. */
function podOwner(refs: unknown): PodInfo['owner'] {
  if (refs === undefined || refs === null) return undefined;
  if (!Array.isArray(refs))
    refuse(`metadata.ownerReferences ${describeValue(refs)} is not a list`);
  refs.forEach((r, i) => {
    if (
      !isObject(r) ||
      typeof r.kind !== 'string' ||
      typeof r.name !== 'string' ||
      !r.name
    )
      refuse(
        `metadata.ownerReferences[${i}] ${describeValue(
          r,
        )} is not an owner reference with a kind and a name`,
      );
  });
  const owner = (refs as Untyped[]).find(r => r.controller === true) ?? refs[0];
  return owner
    ? { kind: owner.kind as string, name: owner.name as string }
    : undefined;
}

function podInfo(o: KubeObject, pool: StringPool | undefined): PodInfo {
  const m = meta(o, 'dns1123-subdomain', true);
  const spec = obj(o.spec);
  const status = obj(o.status);
  const owner = podOwner(m.metadata.ownerReferences);
  // init containers first: an `istio-proxy` native sidecar is one
  const containers: string[] = [];
  pushContainerNames(spec.initContainers, containers);
  pushContainerNames(spec.containers, containers);
  // a workload's identity is built from it: a ServiceAccount's name, a DNS-1123 subdomain
  // like every object name (`ValidateServiceAccountName`)
  // unset, the API server's admission sets `default`
  const serviceAccount =
    spec.serviceAccountName === undefined || spec.serviceAccountName === ''
      ? 'default'
      : spec.serviceAccountName;
  const serviceAccountError = nameProblem(
    'spec.serviceAccountName',
    serviceAccount,
    'dns1123-subdomain',
  );
  if (serviceAccountError) refuse(serviceAccountError);
  const pod: ObjectRef & Partial<PodInfo> = ref(m);
  pod.serviceAccountName = serviceAccount as string;
  const nodeName = str(spec.nodeName);
  if (nodeName) pod.nodeName = nodeName;
  pod.ready = isReady(status.conditions);
  pod.containers = containers;
  const ports = namedContainerPorts(spec.containers);
  if (Object.keys(ports).length > 0) pod.containerPorts = ports;
  if (owner) pod.owner = owner;
  return pool ? internPodStrings(pod as PodInfo, pool) : (pod as PodInfo);
}

/**
 * The pod with the strings its cluster's pods repeat (labels, service account, node,
 * containers, owner) replaced, in place, by the pool's copy of each. A pod projected in
 * another thread arrives with copies of its own and is pooled here, on arrival.
 */
export function internPodStrings(pod: PodInfo, pool: StringPool): PodInfo {
  pool.internValues(pod.labels);
  pod.serviceAccountName = pool.intern(pod.serviceAccountName);
  if (pod.nodeName) pod.nodeName = pool.intern(pod.nodeName);
  const containers = pod.containers;
  for (let i = 0; i < containers.length; i++)
    containers[i] = pool.intern(containers[i]);
  const owner = pod.owner;
  if (owner) {
    owner.kind = pool.intern(owner.kind);
    owner.name = pool.intern(owner.name);
  }
  return pod;
}

function workloadInfo(o: KubeObject, kind: WorkloadInfo['kind']): WorkloadInfo {
  const m = meta(o, 'dns1123-subdomain', true);
  const podSpec = obj(obj(obj(o.spec).template).spec);
  return {
    ...ref(m),
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

function configMapInfo(o: KubeObject): ConfigMapInfo | undefined {
  const { name, namespace } = meta(o, 'dns1123-subdomain', true);
  if (!isMeshConfigMap(name)) return undefined;
  return { namespace, name, data: stringMap(o.data) };
}

function remoteSecretInfo(o: KubeObject): RemoteSecretInfo {
  const { metadata, name, namespace } = meta(o, 'dns1123-subdomain', true);
  const clusterId = str(
    obj(metadata.annotations)['networking.istio.io/cluster'],
  );
  return { namespace, name, ...(clusterId ? { clusterId } : {}) };
}

/** More than this on one object says nothing more to a reader, and bounds what is stored. */
const MAX_VALIDATION_MESSAGES = 20;
const MAX_MESSAGE_LENGTH = 1000;

/**
 * Istio's levels (`AnalysisMessageBase.Level`: ERROR = 3, WARNING = 8, INFO = 12, written by
 * name or number) and the older spellings.
 */
const LEVELS: Record<string, string> = {
  error: 'ERROR',
  '3': 'ERROR',
  warning: 'WARNING',
  warn: 'WARNING',
  '8': 'WARNING',
  info: 'INFO',
  '12': 'INFO',
};

/**
 * One of Istio's `status.validationMessages[]`, written by istiod's analysis when
 * `PILOT_ENABLE_STATUS` and `enableAnalysis` are on
 * (https://istio.io/latest/docs/reference/config/config-status/). istiod serialises
 * `AnalysisMessageBase` (istio/api analysis/v1alpha1/message.proto): `{ type: { code, name },
 * level, documentationUrl }`; the docs' example shows `{ code, level, message }`. Both are read;
 * anything else is dropped, and text is bounded.
 */
function validationMessage(
  value: Untyped,
): MeshConfigValidationMessage | undefined {
  const type = obj(value.type);
  const code = str(type.code) ?? str(value.code);
  const level = LEVELS[String(value.level ?? '').toLowerCase()];
  const description =
    str(value.message) ?? str(value.description) ?? str(type.name) ?? code;
  if (!description) return undefined;
  return {
    ...(code ? { code: code.slice(0, 20) } : {}),
    ...(level ? { level } : {}),
    description: description.slice(0, MAX_MESSAGE_LENGTH),
  };
}

function meshConfigObject(o: KubeObject): MeshConfigObject {
  const m = meta(o, 'dns1123-subdomain', true);
  if (typeof o.apiVersion !== 'string' || !o.apiVersion.includes('/'))
    refuse(`apiVersion ${describeValue(o.apiVersion)} is not a group/version`);
  if (typeof o.kind !== 'string' || !o.kind)
    refuse(`kind ${describeValue(o.kind)} is not a kind`);
  const validationMessages = arr(obj(o.status).validationMessages)
    .map(validationMessage)
    .filter(v => v !== undefined)
    .slice(0, MAX_VALIDATION_MESSAGES);
  return {
    ...ref(m),
    apiVersion: o.apiVersion,
    kind: o.kind,
    spec: obj(o.spec),
    ...(validationMessages.length > 0 ? { validationMessages } : {}),
  };
}

const MESH_CONFIG_KINDS = new Set(MESH_CONFIG_RESOURCES.map(r => r.kind));

/** A mesh config object's kind as its status names it: one of those listed, never raw input. */
function meshConfigKind(o: unknown): string {
  const kind = obj(o).kind;
  return typeof kind === 'string' && MESH_CONFIG_KINDS.has(kind)
    ? kind
    : 'mesh config object';
}

function isTerminated(o: KubeObject): boolean {
  const phase = obj(o.status).phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

/** The namespace a raw object claims, for filtering before it is validated. */
function rawNamespace(o: unknown): string {
  return str(obj(obj(o).metadata).namespace) ?? '';
}

/** How many skipped objects a cluster's status lists by name. */
const SKIPPED_EXAMPLES = 20;

/** What a cluster's status says of the objects one sync skipped, or undefined if none. */
export function summarizeSkipped(
  skipped: Skipped[],
): SkippedObjects | undefined {
  if (skipped.length === 0) return undefined;
  const byKind: Record<string, number> = {};
  for (const s of skipped) byKind[s.kind] = (byKind[s.kind] ?? 0) + 1;
  return {
    count: skipped.length,
    byKind,
    examples: skipped
      .slice(0, SKIPPED_EXAMPLES)
      .map(({ kind, object, reason }) => ({ kind, object, reason })),
  };
}

/**
 * Stands in the mapped pod list for a pod the projection drops (excluded namespace, or
 * terminated) that is a ztunnel: the inventory keeps no record of it, but it still says the
 * ambient data plane is installed. A symbol, so dropping costs no allocation.
 */
export const DROPPED_ZTUNNEL: unique symbol = Symbol('dropped ztunnel pod');

export type PodRecord = PodInfo | typeof DROPPED_ZTUNNEL;

const isZtunnel = (o: unknown) =>
  obj(obj(obj(o).metadata).labels).app === 'ztunnel';

/**
 * The projection split per kind, for a reader that maps each page as it arrives, so raw
 * objects never outlive their page. Each mapper projects one object on its own and never
 * throws: an object it must refuse comes back as a `Skipped` record in its place.
 */
export function inventoryMappers(
  excludeNamespaces: string[],
  /**
   * Pods repeat their container names, owners and labels: one string each (see StringPool).
   * None in a projection thread, whose strings are copied on their way back anyway.
   */
  pool?: StringPool,
) {
  const excluded = new Set(excludeNamespaces);
  const included = (o: unknown) => !excluded.has(rawNamespace(o));
  return {
    namespaces: guarded('Namespace', namespaceInfo),
    nodes: guarded('Node', nodeInfo),
    services: guarded('Service', serviceInfo),
    endpointSlices: guarded('EndpointSlice', o =>
      included(o) ? endpointSliceInfo(o) : undefined,
    ),
    pods: guarded('Pod', (o): PodRecord | undefined => {
      if (included(o) && !isTerminated(o)) return podInfo(o, pool);
      return isZtunnel(o) ? DROPPED_ZTUNNEL : undefined;
    }),
    deployments: guarded('Deployment', o => workloadInfo(o, 'Deployment')),
    statefulSets: guarded('StatefulSet', o =>
      included(o) ? workloadInfo(o, 'StatefulSet') : undefined,
    ),
    // only the mesh's own config maps are read; the others are not validated either
    configMaps: guarded('ConfigMap', o => {
      const name = obj(obj(o).metadata).name;
      return typeof name === 'string' && !isMeshConfigMap(name)
        ? undefined
        : configMapInfo(o);
    }),
    remoteSecrets: guarded('Secret', remoteSecretInfo),
    meshConfig: guarded(meshConfigKind, meshConfigObject),
  } satisfies Record<string, ObjectMapper<unknown>>;
}

/** What one list's mapper kept, the skipped records taken out into `skipped`. */
export function withoutSkipped<T>(
  records: Array<T | Skipped>,
  skipped: Skipped[],
): T[] {
  let any = false;
  for (const r of records) {
    if (r instanceof Skipped) {
      skipped.push(r);
      any = true;
    }
  }
  // copy only when there is something to take out: lists run to tens of thousands
  return any
    ? records.filter((r): r is T => !(r instanceof Skipped))
    : (records as T[]);
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

/** Every kind's list as its mapper left it, skipped records included. */
export interface MappedLists {
  namespaces: Array<NamespaceInfo | Skipped>;
  nodes: Array<NodeInfo | Skipped>;
  services: Array<ServiceInfo | Skipped>;
  endpointSlices: Array<EndpointSliceInfo | Skipped>;
  pods: Array<PodRecord | Skipped>;
  deployments: Array<WorkloadInfo | Skipped>;
  statefulSets: Array<WorkloadInfo | Skipped>;
  configMaps: Array<ConfigMapInfo | Skipped>;
  remoteSecrets: Array<RemoteSecretInfo | Skipped>;
  meshConfig: Array<MeshConfigObject | Skipped>;
}

/**
 * The inventory from every kind's mapped list, in one key order whichever way the lists were
 * read, so the same cluster always serialises to the same JSON. `remoteSecretsForbidden`
 * names the control-plane namespaces whose remote secrets could not be listed.
 */
export function assembleInventory(
  lists: MappedLists,
  remoteSecretsForbidden: string[] = [],
): ClusterInventory {
  const skipped: Skipped[] = [];
  const { pods, ztunnelPresent } = podsOf(withoutSkipped(lists.pods, skipped));
  const inventory: ClusterInventory = {
    namespaces: withoutSkipped(lists.namespaces, skipped),
    nodes: withoutSkipped(lists.nodes, skipped),
    services: withoutSkipped(lists.services, skipped),
    endpointSlices: withoutSkipped(lists.endpointSlices, skipped),
    pods,
    workloads: [
      ...withoutSkipped(lists.deployments, skipped),
      ...withoutSkipped(lists.statefulSets, skipped),
    ],
    configMaps: withoutSkipped(lists.configMaps, skipped),
    remoteSecrets: withoutSkipped(lists.remoteSecrets, skipped),
    meshConfig: withoutSkipped(lists.meshConfig, skipped),
    ztunnelPresent,
  };
  const summary = summarizeSkipped(skipped);
  if (summary) inventory.skipped = summary;
  if (remoteSecretsForbidden.length > 0)
    inventory.remoteSecretsForbidden = remoteSecretsForbidden;
  return inventory;
}

const mapAll = <T>(list: KubeObject[], map: ObjectMapper<T>): T[] => {
  const kept: T[] = [];
  for (const o of list) {
    const record = map(o);
    if (record !== undefined) kept.push(record);
  }
  return kept;
};

/**
 * Reduces whole raw lists to the inventory, as `readClusterInventory` does page by page: only
 * the fields aggregation reads, no workload objects from excluded namespaces (except control
 * planes and gateways, which live there), malformed objects skipped and counted.
 */
export function projectInventory(
  raw: RawInventory,
  excludeNamespaces: string[],
): ClusterInventory {
  const map = inventoryMappers(excludeNamespaces, new StringPool());
  return assembleInventory({
    namespaces: mapAll(raw.namespaces, map.namespaces),
    nodes: mapAll(raw.nodes, map.nodes),
    services: mapAll(raw.services, map.services),
    endpointSlices: mapAll(raw.endpointSlices, map.endpointSlices),
    pods: mapAll(raw.pods, map.pods),
    deployments: mapAll(raw.deployments, map.deployments),
    statefulSets: mapAll(raw.statefulSets, map.statefulSets),
    configMaps: mapAll(raw.configMaps, map.configMaps),
    remoteSecrets: mapAll(raw.remoteSecrets, map.remoteSecrets),
    meshConfig: mapAll(raw.meshConfig, map.meshConfig),
  });
}
