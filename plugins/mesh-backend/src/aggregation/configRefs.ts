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
        return hostMatches(String(o.spec.host ?? ''), o.namespace, service);
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
  if (group === 'policy.linkerd.io' || group === 'gateway.networking.k8s.io') {
    if (!sameNamespace) return false;
    if (o.kind === 'Server') return serversOfService.has(o.name);
    const parents = [
      pick(o.spec, 'targetRef'),
      ...((pick(o.spec, 'parentRefs') as unknown[] | undefined) ?? []),
    ];
    return parents.some(ref => {
      const kind = pick(ref, 'kind');
      const name = pick(ref, 'name');
      if (kind === 'Server') return serversOfService.has(String(name));
      if (kind === 'Service') return name === service.name;
      if (kind === 'Namespace') return name === service.namespace;
      return false;
    });
  }
  return false;
}

/**
 * The mesh configuration that applies to one service in one cluster: routing by host,
 * Istio security by selector or namespace, Linkerd policy through the Servers that select
 * the service's pods. MeshTLSAuthentications are listed when a listed policy requires them.
 */
export function configRefsFor(input: ConfigRefInput): ConfigRef[] {
  const servers = new Set(
    input.objects
      .filter(
        o =>
          o.kind === 'Server' &&
          o.namespace === input.service.namespace &&
          selectsPods(o, 'podSelector.matchLabels', input.podLabels),
      )
      .map(o => o.name),
  );
  const touching = input.objects.filter(o => touches(o, input, servers));
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
  const authentications = input.objects.filter(
    o =>
      o.kind === 'MeshTLSAuthentication' &&
      required.has(`${o.namespace}/${o.name}`),
  );
  return [...touching, ...authentications]
    .map(o => {
      const ref: ConfigRef = {
        apiVersion: o.apiVersion,
        kind: o.kind,
        namespace: o.namespace,
        name: o.name,
      };
      const policy = o.labels[MESHPORT_POLICY_LABEL];
      return policy ? { ...ref, meshportPolicy: policy } : ref;
    })
    .sort(
      (a, b) =>
        a.kind.localeCompare(b.kind) ||
        a.namespace.localeCompare(b.namespace) ||
        a.name.localeCompare(b.name),
    );
}
