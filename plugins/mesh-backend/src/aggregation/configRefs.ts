import {
  ConfigRef,
  MESHPORT_POLICY_LABEL,
} from '@meshport/backstage-plugin-mesh-common';
import type { Labels, MeshConfigObject, ServiceInfo } from './inventory';
import { pick, pickLabels, selectorMatches } from './labels';

/**
 * Expands a host as Istio reads it in an object of namespace `ns`: `reviews` and
 * `reviews.bookinfo` are short for `reviews.bookinfo.svc.cluster.local`.
 */
export function qualifyHost(host: string, ns: string): string {
  const dots = host.split('.').length - 1;
  if (host.startsWith('*')) return host;
  if (dots === 0) return `${host}.${ns}.svc.cluster.local`;
  if (dots === 1) return `${host}.svc.cluster.local`;
  return host;
}

function hostMatches(host: string, ns: string, service: ServiceInfo): boolean {
  const fqdnPrefix = `${service.name}.${service.namespace}.svc.`;
  const qualified = qualifyHost(host, ns);
  if (qualified === '*') return true;
  if (qualified.startsWith('*.')) {
    return `${service.name}.${service.namespace}.svc.cluster.local`.endsWith(
      qualified.slice(1),
    );
  }
  // any cluster domain, not only cluster.local
  return qualified.startsWith(fqdnPrefix);
}

const GATEWAY_API = 'gateway.networking.k8s.io';

/** An object's `spec.parentRefs`, as a list whatever was served. */
function parentRefsOf(o: MeshConfigObject): unknown[] {
  const refs = pick(o.spec, 'parentRefs');
  return Array.isArray(refs) ? refs : [];
}

function strings(value: unknown): string[] {
  return Array.isArray(value)
    ? value.filter((v): v is string => typeof v === 'string')
    : [];
}

/** Every `destination.host` in a VirtualService's http/tcp/tls routes. */
function routeDestinationHosts(spec: Record<string, unknown>): string[] {
  const hosts: string[] = [];
  for (const kind of ['http', 'tcp', 'tls']) {
    const routes = spec[kind];
    if (!Array.isArray(routes)) continue;
    for (const route of routes) {
      const targets = pick(route, 'route');
      if (!Array.isArray(targets)) continue;
      for (const target of targets) {
        const host = pick(target, 'destination.host');
        if (typeof host === 'string') hosts.push(host);
      }
    }
  }
  return hosts;
}

function targetRefsService(o: MeshConfigObject, service: ServiceInfo): boolean {
  const many = pick(o.spec, 'targetRefs');
  const all = [pick(o.spec, 'targetRef'), ...(Array.isArray(many) ? many : [])];
  return all.some(
    ref =>
      pick(ref, 'kind') === 'Service' &&
      pick(ref, 'name') === service.name &&
      o.namespace === service.namespace,
  );
}

function selectsPods(
  o: MeshConfigObject,
  path: string,
  podLabels: Labels[],
): boolean {
  const selector = pickLabels(o.spec, path);
  return podLabels.some(labels => selectorMatches(selector, labels));
}

export interface ConfigRefInput {
  service: ServiceInfo;
  podLabels: Labels[];
  objects: MeshConfigObject[];
  rootNamespace: string;
  /** `indexMeshConfig(objects)`, built once per cluster when many services are resolved. */
  index?: MeshConfigIndex;
}

/**
 * Which objects could touch which service, so a cluster's services are not each matched
 * against every object of the cluster. It only narrows the candidates: `touches` still decides.
 */
export interface MeshConfigIndex {
  /** Routing objects by the `<service>.<namespace>` their hosts name. */
  byHost: Map<string, number[]>;
  /** Routing objects with a wildcard host: candidates for every service. */
  wildcard: number[];
  /** Security and Linkerd policy objects by namespace. */
  byNamespace: Map<string, number[]>;
  /** Linkerd Servers by namespace. */
  servers: Map<string, number[]>;
  hasAuthentications: boolean;
}

const ROUTING_KINDS = new Set([
  'VirtualService',
  'DestinationRule',
  'ServiceEntry',
]);

function routingHosts(o: MeshConfigObject): string[] {
  switch (o.kind) {
    case 'VirtualService':
      return [...strings(o.spec.hosts), ...routeDestinationHosts(o.spec)];
    case 'DestinationRule':
      return [typeof o.spec.host === 'string' ? o.spec.host : ''];
    default:
      return strings(o.spec.hosts);
  }
}

function push(map: Map<string, number[]>, key: string, i: number) {
  const list = map.get(key);
  if (!list) map.set(key, [i]);
  else if (list[list.length - 1] !== i) list.push(i);
}

export function indexMeshConfig(objects: MeshConfigObject[]): MeshConfigIndex {
  const index: MeshConfigIndex = {
    byHost: new Map(),
    wildcard: [],
    byNamespace: new Map(),
    servers: new Map(),
    hasAuthentications: false,
  };
  objects.forEach((o, i) => {
    if (o.kind === 'Server') push(index.servers, o.namespace, i);
    if (o.kind === 'MeshTLSAuthentication') index.hasAuthentications = true;
    const group = o.apiVersion.split('/')[0];
    if (group === 'networking.istio.io') {
      if (!ROUTING_KINDS.has(o.kind)) return;
      let wildcard = false;
      for (const host of routingHosts(o)) {
        const qualified = qualifyHost(host, o.namespace);
        if (qualified.startsWith('*')) {
          wildcard = true;
          continue;
        }
        // `<service>.<namespace>.svc.…`: Kubernetes names hold no dots
        const labels = qualified.split('.');
        if (labels.length >= 4 && labels[2] === 'svc')
          push(index.byHost, `${labels[0]}.${labels[1]}`, i);
      }
      if (wildcard) index.wildcard.push(i);
    } else if (
      group === 'security.istio.io' ||
      group === 'policy.linkerd.io' ||
      group === GATEWAY_API
    ) {
      push(index.byNamespace, o.namespace, i);
      // a consumer route is a candidate for the services of the namespaces it names too
      if (group === GATEWAY_API)
        for (const ref of parentRefsOf(o)) {
          const namespace = pick(ref, 'namespace');
          if (typeof namespace === 'string' && namespace !== o.namespace)
            push(index.byNamespace, namespace, i);
        }
    }
  });
  return index;
}

/** The objects that may touch the service, in their original order. */
function candidates(input: ConfigRefInput, index: MeshConfigIndex): number[] {
  const { service, rootNamespace } = input;
  if (service.name.includes('.') || service.namespace.includes('.')) {
    // not a Kubernetes name: the host index cannot be trusted, look at everything
    return input.objects.map((_, i) => i);
  }
  const found = new Set<number>([
    ...(index.byHost.get(`${service.name}.${service.namespace}`) ?? []),
    ...index.wildcard,
    ...(index.byNamespace.get(service.namespace) ?? []),
    ...(index.byNamespace.get(rootNamespace) ?? []),
  ]);
  return [...found].sort((a, b) => a - b);
}

/** Whether one Istio or Linkerd object applies to the service. */
function touches(
  o: MeshConfigObject,
  input: ConfigRefInput,
  serversOfService: Set<string>,
): boolean {
  const { service, podLabels, rootNamespace } = input;
  const group = o.apiVersion.split('/')[0];
  const sameNamespace = o.namespace === service.namespace;
  if (group === 'networking.istio.io') {
    switch (o.kind) {
      case 'VirtualService':
        return [
          ...strings(o.spec.hosts),
          ...routeDestinationHosts(o.spec),
        ].some(h => hostMatches(h, o.namespace, service));
      case 'DestinationRule':
        return hostMatches(
          typeof o.spec.host === 'string' ? o.spec.host : '',
          o.namespace,
          service,
        );
      case 'ServiceEntry':
        return strings(o.spec.hosts).some(h =>
          hostMatches(h, o.namespace, service),
        );
      default:
        return false;
    }
  }
  if (group === 'security.istio.io') {
    const hasSelector = pickLabels(o.spec, 'selector.matchLabels');
    if (!hasSelector || Object.keys(hasSelector).length === 0) {
      if (targetRefsService(o, service)) return true;
      return o.namespace === rootNamespace || sameNamespace;
    }
    return sameNamespace && selectsPods(o, 'selector.matchLabels', podLabels);
  }
  if (group === 'policy.linkerd.io' || group === GATEWAY_API) {
    if (o.kind === 'Server')
      return sameNamespace && serversOfService.has(o.name);
    const parents = [pick(o.spec, 'targetRef'), ...parentRefsOf(o)];
    return parents.some(ref => {
      const kind = pick(ref, 'kind');
      const name = pick(ref, 'name');
      // A Gateway API parentRef may name the Service's namespace: a consumer route, which
      // applies to calls from the route's own namespace (GAMMA, gateway-api.sigs.k8s.io/mesh,
      // "producer and consumer routes"). Linkerd's policy objects stay in their namespace.
      const refNamespace =
        group === GATEWAY_API ? pick(ref, 'namespace') : undefined;
      const namespace =
        typeof refNamespace === 'string' ? refNamespace : o.namespace;
      if (namespace !== service.namespace) return false;
      if (kind === 'Server')
        return (
          sameNamespace &&
          typeof name === 'string' &&
          serversOfService.has(name)
        );
      if (kind === 'Service') return name === service.name;
      if (kind === 'Namespace') return name === service.namespace;
      return false;
    });
  }
  return false;
}

/** A Linkerd Server's `spec.port`, a port number or a container port name; else undefined. */
function serverPort(o: MeshConfigObject): number | string | undefined {
  const port = pick(o.spec, 'port');
  if (typeof port === 'number' && Number.isInteger(port)) return port;
  return typeof port === 'string' && port !== '' ? port : undefined;
}

/**
 * Each config object's reference, made once: every instance the object applies to lists the
 * same reference (a namespace's or the root's PeerAuthentication names itself in every
 * instance of the cluster: at 100,000 instances, hundreds of thousands of copies). Nothing edits a published
 * reference, as nothing edits a published fleet.
 */
const refsByObject = new WeakMap<MeshConfigObject, ConfigRef>();

function refTo(o: MeshConfigObject): ConfigRef {
  let ref = refsByObject.get(o);
  if (ref) return ref;
  ref = {
    apiVersion: o.apiVersion,
    kind: o.kind,
    namespace: o.namespace,
    name: o.name,
  };
  const port = o.kind === 'Server' ? serverPort(o) : undefined;
  if (port !== undefined) ref.port = port;
  const policy = o.labels[MESHPORT_POLICY_LABEL];
  if (policy) ref = { ...ref, meshportPolicy: policy };
  refsByObject.set(o, ref);
  return ref;
}

/**
 * The mesh configuration that applies to one service in one cluster: routing by host,
 * Istio security by selector or namespace, Linkerd policy through the Servers that select
 * the service's pods. MeshTLSAuthentications are listed when a listed policy requires them.
 */
export function configRefsFor(input: ConfigRefInput): ConfigRef[] {
  const index = input.index ?? indexMeshConfig(input.objects);
  const servers = new Set(
    (index.servers.get(input.service.namespace) ?? [])
      .map(i => input.objects[i])
      .filter(o => selectsPods(o, 'podSelector.matchLabels', input.podLabels))
      .map(o => o.name),
  );
  const touching = candidates(input, index)
    .map(i => input.objects[i])
    .filter(o => touches(o, input, servers));
  const required = new Set<string>();
  for (const o of touching) {
    const refs = pick(o.spec, 'requiredAuthenticationRefs');
    if (!Array.isArray(refs)) continue;
    for (const ref of refs) {
      if (pick(ref, 'kind') === 'MeshTLSAuthentication') {
        required.add(
          `${pick(ref, 'namespace') ?? o.namespace}/${pick(ref, 'name')}`,
        );
      }
    }
  }
  const authentications =
    required.size > 0 && index.hasAuthentications
      ? input.objects.filter(
          o =>
            o.kind === 'MeshTLSAuthentication' &&
            required.has(`${o.namespace}/${o.name}`),
        )
      : [];
  return [...touching, ...authentications]
    .map(refTo)
    .sort(
      (a, b) =>
        a.kind.localeCompare(b.kind) ||
        a.namespace.localeCompare(b.namespace) ||
        a.name.localeCompare(b.name),
    );
}
