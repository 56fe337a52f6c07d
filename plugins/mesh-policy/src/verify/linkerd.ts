import {
  linkerdIdentity,
  type ServiceInstance,
} from '@meshport/backstage-plugin-mesh-common';
import { POLICIES_ANNOTATION } from '../constants';
import { compareStrings, Diagnostic } from '../diagnostics';
import { Topology } from '../fleet/topology';
import { localHost } from '../names';
import { planTrafficPolicy } from '../plan/planTrafficPolicy';
import type { AccessPolicy } from '../schema/accessPolicy';
import { policyRef } from '../schema/policy';
import type { TrafficPolicy } from '../schema/trafficPolicy';
import { grantedPorts } from '../translate/linkerd/authorization';
import { hasMirror, mirrorName } from '../translate/linkerd/multicluster';
import { targetPorts } from '../translate/targetPorts';
import { describeLeg } from './format';
import type { ClusterObject, Leg, Trace } from './types';

/*
 * The Linkerd legs of the verifier: what a Linkerd proxy in a client cluster does with a
 * request given the HTTPRoutes that cluster holds, and what a Linkerd proxy in the serving
 * cluster admits given its Servers, AuthorizationPolicies and MeshTLSAuthentications.
 */

const EPSILON = 0.01;

/** The Service name and port an HTTPRoute parentRef / backendRef names. */
interface Ref {
  name?: string;
  kind?: string;
  group?: string;
  namespace?: string;
  port?: number;
  weight?: number;
}

interface Match {
  path?: { type?: string; value?: string };
  method?: string;
  headers?: { type?: string; name: string; value: string }[];
  queryParams?: unknown[];
}

interface Rule {
  matches?: Match[];
  backendRefs?: Ref[];
  timeouts?: { request?: string };
}

interface Request {
  path: string;
  method: string;
  headers: Record<string, string>;
}

const annotationRefs = (o: ClusterObject): string[] =>
  (
    (o.metadata as { annotations?: Record<string, string> }).annotations?.[
      POLICIES_ANNOTATION
    ] ?? ''
  )
    .split(',')
    .filter(Boolean);

/** Both HTTPRoute groups Linkerd reads: its own and the Gateway API's (linkerd.io "HTTPRoute" reference). */
const isHttpRoute = (o: ClusterObject) =>
  o.kind === 'HTTPRoute' &&
  /^(policy\.linkerd\.io|gateway\.networking\.k8s\.io)\//.test(
    o.apiVersion ?? '',
  );

const isLinkerdPolicy = (o: ClusterObject, kind: string) =>
  o.kind === kind && (o.apiVersion ?? '').startsWith('policy.linkerd.io/');

/**
 * Whether a parentRef attaches the route to Service `parent` on `port`. A Service parent is
 * `group: ''` (or `core`) and `kind: Service`; without a port it covers every port of the
 * Service (linkerd2 policy-controller/k8s/index/src/outbound/index.rs, "If the parent_ref
 * doesn't include a port, apply this route to all ports").
 */
function attaches(
  ref: Ref,
  routeNamespace: string | undefined,
  parent: string,
  namespace: string,
  port: number,
): boolean {
  return (
    (ref.kind ?? 'Gateway') === 'Service' &&
    (ref.group === '' || ref.group === 'core') &&
    ref.name === parent &&
    (ref.namespace ?? routeNamespace) === namespace &&
    (ref.port === undefined || ref.port === port)
  );
}

/** Whether one Gateway API match admits the request (path Exact/PathPrefix, method, exact headers). */
function matches(m: Match, r: Request): boolean {
  const p = m.path;
  if (p?.value !== undefined) {
    if ((p.type ?? 'PathPrefix') === 'Exact' && r.path !== p.value)
      return false;
    if ((p.type ?? 'PathPrefix') === 'PathPrefix') {
      // Gateway API PathPrefix matches whole path elements: `/abc` matches `/abc/x`, not `/abcd`.
      const prefix = p.value.replace(/\/$/, '');
      if (
        prefix !== '' &&
        r.path !== prefix &&
        !r.path.startsWith(`${prefix}/`)
      )
        return false;
    }
    if (p.type === 'RegularExpression') return false;
  }
  if (m.method && m.method !== r.method) return false;
  for (const h of m.headers ?? []) {
    if ((h.type ?? 'Exact') !== 'Exact') return false;
    if (r.headers[h.name.toLowerCase()] !== h.value) return false;
  }
  return true;
}

/**
 * Precedence of a match per the Gateway API (apis/v1/httproute_types.go, HTTPRouteRule
 * "matches": exact path first, then the longest prefix, then a method, then the most header
 * matches, then the most query matches; ties go to the oldest route, then to
 * `<namespace>/<name>` in alphabetical order, then to rule order). Linkerd's policy controller
 * hands the proxy its routes in that tie order (policy-controller/grpc, `to_route_list`, which
 * quotes the spec) and the proxy takes the most specific matching rule across them
 * (linkerd2-proxy, linkerd/http/route). Meshport's output carries no creation time, so a tie
 * is decided by name.
 */
function rank(m: Match): number[] {
  const exact = m.path?.type === 'Exact' ? 1 : 0;
  const prefixLength = m.path?.value?.length ?? 1; // no path is PathPrefix "/"
  return [
    -exact,
    -prefixLength,
    m.method ? -1 : 0,
    -(m.headers?.length ?? 0),
    -(m.queryParams?.length ?? 0),
  ];
}

function compareRanks(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

/** The rule of all attached routes Linkerd applies to the request, or undefined. */
function chooseRule(
  routes: ClusterObject[],
  r: Request,
): { route: ClusterObject; index: number; rule: Rule } | undefined {
  const candidates: {
    route: ClusterObject;
    index: number;
    rule: Rule;
    rank: number[];
    name: string;
  }[] = [];
  for (const route of routes) {
    const rules = (route.spec?.rules as Rule[] | undefined) ?? [];
    rules.forEach((rule, index) => {
      // A rule without matches is a PathPrefix "/" match (Gateway API default).
      const ms = rule.matches?.length ? rule.matches : [{}];
      const hit = ms.filter(m => matches(m, r));
      if (hit.length === 0) return;
      const best = hit.map(rank).sort(compareRanks)[0];
      candidates.push({
        route,
        index,
        rule,
        rank: best,
        name: `${route.metadata.namespace ?? ''}/${route.metadata.name}`,
      });
    });
  }
  candidates.sort(
    (a, b) =>
      compareRanks(a.rank, b.rank) ||
      compareStrings(a.name, b.name) ||
      a.index - b.index,
  );
  return candidates[0];
}

/** How a Linkerd client reaches a backend Service that it holds. */
function resolveBackend(
  topo: Topology,
  client: string,
  namespace: string,
  service: string,
  name: string,
): { instance?: ServiceInstance; cluster?: string; travel?: Leg['travel'] } {
  if (name === service) {
    const local = topo.instance(namespace, service, client);
    return local
      ? { instance: local, cluster: client, travel: 'local' }
      : { cluster: client };
  }
  for (const i of topo.service(namespace, service)?.instances ?? []) {
    if (i.cluster === client || mirrorName(service, i.cluster) !== name)
      continue;
    if (
      !hasMirror(i, client) ||
      topo.reach(client, i.cluster) !== 'linkerd-multicluster'
    )
      return { cluster: i.cluster };
    // Gateway mode: the mirror's endpoint is the target's multicluster gateway; flat
    // (pod-to-pod) mode: the mirror's endpoints are the remote pods themselves
    // (linkerd.io/2.17/features/multicluster, "hierarchical" vs "flat" networks).
    const travel =
      topo.linkerdLinkMode(client, i.cluster) === 'flat'
        ? 'linkerd-pod-to-pod'
        : 'linkerd-gateway';
    return { instance: i, cluster: i.cluster, travel };
  }
  return {};
}

/** The Service callers in the client address: the Service when it runs there, else each mirror. */
function parentsIn(
  topo: Topology,
  client: string,
  dest: { namespace: string; service: string },
): string[] {
  if (topo.instance(dest.namespace, dest.service, client))
    return [dest.service];
  return (topo.service(dest.namespace, dest.service)?.instances ?? [])
    .filter(i => hasMirror(i, client))
    .map(i => mirrorName(dest.service, i.cluster))
    .sort(compareStrings);
}

/** Traces one request of a Linkerd client addressing `parent:port`. */
export function traceLinkerd(
  topo: Topology,
  resources: ClusterObject[],
  request: {
    client: string;
    namespace: string;
    service: string;
    parent: string;
    port: number;
  } & Request,
): { trace: Trace; routeObject?: ClusterObject } {
  const { client, namespace, service, parent, port } = request;
  const trace: Trace = {
    request: {
      from: { cluster: client, namespace, mode: 'linkerd' },
      host: localHost(parent, namespace),
      port,
      path: request.path,
      method: request.method,
      headers: request.headers,
    },
    legs: [],
    notes: [],
    ok: true,
  };
  // Producer routes only: a route in the Service's own namespace applies to every client; a
  // consumer route (in a caller's namespace) applies only to callers there
  // (linkerd.io/2-edge/features/httproute, "producer and consumer routes").
  const routes = resources.filter(
    o =>
      isHttpRoute(o) &&
      o.metadata.namespace === namespace &&
      ((o.spec?.parentRefs as Ref[] | undefined) ?? []).some(ref =>
        attaches(ref, o.metadata.namespace, parent, namespace, port),
      ),
  );
  const chosen = chooseRule(routes, request);
  // No route (or no matching rule) for a Service: Linkerd's default outbound policy sends the
  // request to the Service itself (policy-controller/k8s/index/src/outbound/index.rs, the
  // default backend of a Service with no routes).
  const backends: Ref[] = chosen?.rule.backendRefs?.length
    ? chosen.rule.backendRefs
    : [{ name: parent, port }];
  if (chosen)
    trace.route = {
      route: `HTTPRoute ${chosen.route.metadata.namespace}/${chosen.route.metadata.name}`,
      index: chosen.index,
      timeout: chosen.rule.timeouts?.request,
    };
  else
    trace.notes.push(
      `no HTTPRoute rule matches: the default route to ${parent}`,
    );
  // Gateway API: weight defaults to 1; the request share of a backend is its weight over the sum.
  const weights = backends.map(b => b.weight ?? 1);
  const total = weights.reduce((n, w) => n + w, 0);
  if (total === 0) {
    trace.failure = `every backendRef of the HTTPRoute rule has weight 0: the Gateway API answers 500 to every request`;
    trace.ok = false;
    return { trace, routeObject: chosen?.route };
  }
  backends.forEach((b, i) => {
    const name = b.name ?? '';
    const r = resolveBackend(topo, client, namespace, service, name);
    const leg: Leg = {
      share: (weights[i] / total) * 100,
      destination: i,
      host: localHost(name, namespace),
      cluster: r.cluster,
      endpointLabels: (r.instance?.workloads ?? []).map(w => w.labels),
      readyEndpoints: r.instance?.endpoints.ready ?? 0,
      travel: r.travel,
      localities: r.instance?.localities ?? [],
    };
    if (!r.instance) {
      // A backendRef to a Service the cluster lacks cannot be resolved; the Gateway API
      // requires a 500 for requests routed to it (apis/v1/httproute_types.go, HTTPBackendRef),
      // which Linkerd's policy controller serves as a failing backend.
      leg.failure = `${client} has no Service ${name} in ${namespace}${
        name === service
          ? ''
          : ' (no Linkerd mirror: the Link did not export it)'
      }: the backend is unresolved and its requests fail with 500`;
      leg.failureKind = 'route';
    } else if (leg.readyEndpoints === 0) {
      leg.failure = `${name} has no ready endpoint in ${r.cluster}: the Linkerd proxy fails its requests fast (503)`;
      leg.failureKind = 'route';
    } else if (
      r.cluster !== client &&
      topo.mutuallyTrusted(client, r.cluster!) === false
    ) {
      // Linkerd multicluster requires one shared trust anchor (linkerd.io/2.17/tasks/multicluster,
      // "Trust anchor bundle"): otherwise the mTLS handshake to the remote side fails.
      leg.failure = `${client} and ${r.cluster} do not share a Linkerd trust anchor: the mTLS handshake fails`;
      leg.failureKind = 'transport';
    }
    if (leg.failure) trace.ok = false;
    trace.legs.push(leg);
  });
  return { trace, routeObject: chosen?.route };
}

/** A request the policy's first match admits, so its rule is the one traced. */
function requestFor(spec: TrafficPolicy['spec']): Request {
  const m = spec.match?.[0];
  const path = m?.path && ('exact' in m.path ? m.path.exact : m.path.prefix);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(m?.headers ?? {}))
    headers[k.toLowerCase()] = 'exact' in v ? v.exact : v.prefix;
  return { path: path ?? '/', method: m?.method ?? 'GET', headers };
}

function servicePort(
  topo: Topology,
  dest: TrafficPolicy['spec']['destination'],
) {
  if (dest.port !== undefined) return dest.port;
  return (topo.service(dest.namespace, dest.service)?.instances ?? [])
    .flatMap(i => i.ports.map(p => p.port))
    .sort((a, b) => a - b)[0];
}

/**
 * Verifies a TrafficPolicy's Linkerd clients: from each, for each Service its callers address,
 * the rule Linkerd applies is this policy's, its backends split as asked, and each backend is a
 * local Service or a mirror the client holds, with ready endpoints. Returns the traces (empty
 * when the policy has no Linkerd client).
 */
export function verifyLinkerdTraffic(
  p: TrafficPolicy,
  topo: Topology,
  resources: Record<string, ClusterObject[]>,
  errors: Diagnostic[],
): { cluster: string; trace: Trace }[] {
  const ref = policyRef(p);
  const dest = p.spec.destination;
  const traces: { cluster: string; trace: Trace }[] = [];
  const error = (path: string, message: string) =>
    errors.push({ policy: ref, path, message: `verification: ${message}` });
  const port = servicePort(topo, dest);
  if (port === undefined) return traces;
  // The Linkerd clients planning kept, and every Linkerd cluster this policy wrote an
  // HTTPRoute to: the verifier checks the objects, not only what planning meant to write.
  const clients = new Set(
    planTrafficPolicy(p, topo)
      .plans.filter(plan => plan.mesh === 'linkerd')
      .map(plan => plan.client),
  );
  for (const [cluster, objects] of Object.entries(resources))
    if (
      topo.meshKind(cluster) === 'linkerd' &&
      objects.some(o => isHttpRoute(o) && annotationRefs(o).includes(ref))
    )
      clients.add(cluster);
  for (const client of [...clients].sort(compareStrings)) {
    const parents = parentsIn(topo, client, dest);
    if (parents.length === 0)
      error(
        'spec.destination',
        `${client} holds neither ${dest.service} nor a Linkerd mirror of it: no HTTPRoute there can apply`,
      );
    for (const parent of parents) {
      const { trace, routeObject } = traceLinkerd(
        topo,
        resources[client] ?? [],
        {
          client,
          namespace: dest.namespace,
          service: dest.service,
          parent,
          port,
          ...requestFor(p.spec),
        },
      );
      traces.push({ cluster: client, trace });
      const where = `from ${client} to ${parent}.${dest.namespace}:${port}${trace.request.path}`;
      if (trace.failure) {
        error('spec', `${where}: ${trace.failure}`);
        continue;
      }
      if (!routeObject || !annotationRefs(routeObject).includes(ref)) {
        error(
          'spec',
          `${where}: Linkerd applies ${
            trace.route?.route ?? 'no HTTPRoute'
          }, not this policy's (it picks the most specific matching rule of the routes whose parentRef is the Service and port)`,
        );
        continue;
      }
      for (const leg of trace.legs)
        if (leg.failure)
          error('spec', `${where}: leg ${describeLeg(leg)}: ${leg.failure}`);
      // The rule's `timeouts.request` bounds the whole request (Gateway API HTTPRouteTimeouts;
      // Linkerd honours it from HTTPRoute policy.linkerd.io/v1beta3, linkerd.io "HTTPRoute").
      if (p.spec.timeout && trace.route?.timeout !== p.spec.timeout)
        error(
          'spec.timeout',
          `${where}: the rule Linkerd applies has request timeout ${
            trace.route?.timeout ?? 'none'
          }, ${p.spec.timeout} was asked for`,
        );
      (p.spec.route ?? []).forEach((target, i) => {
        const legs = trace.legs.filter(l => l.destination === i);
        const share = legs.reduce((n, l) => n + l.share, 0);
        if (Math.abs(share - target.weight) > EPSILON)
          error(
            `spec.route.${i}`,
            `${where}: ${share.toFixed(2)} % of requests reach this target, ${
              target.weight
            } % were asked for`,
          );
        for (const leg of legs)
          if (target.cluster && leg.cluster !== target.cluster)
            error(
              `spec.route.${i}.cluster`,
              `${where}: leg ${describeLeg(leg)} lands in ${
                leg.cluster ?? 'no cluster'
              }, not ${target.cluster}`,
            );
      });
    }
  }
  return traces;
}

/** Whether a MeshTLSAuthentication `identities` entry admits an identity: `*`, a `*.` suffix, or exact (linkerd.io reference "Authorization Policy", MeshTLSAuthentication). */
function identityMatches(pattern: string, identity: string): boolean {
  if (pattern === '*') return true;
  if (pattern.startsWith('*.')) return identity.endsWith(pattern.slice(1));
  return pattern === identity;
}

/** The identities a MeshTLSAuthentication admits: `identities` plus ServiceAccount `identityRefs`. */
function authnPatterns(
  authn: ClusterObject,
  cpNamespace: string,
  trustDomain: string,
): string[] {
  const spec = authn.spec ?? {};
  const refs =
    (spec.identityRefs as {
      kind?: string;
      name?: string;
      namespace?: string;
    }[]) ?? [];
  return [
    ...((spec.identities as string[] | undefined) ?? []),
    ...refs.map(r => {
      if (r.kind === 'ServiceAccount' && r.name)
        return linkerdIdentity(
          cpNamespace,
          trustDomain,
          r.namespace ?? authn.metadata.namespace ?? '',
          r.name,
        );
      if (r.kind === 'Namespace' && r.name)
        return `*.${r.name}.serviceaccount.identity.${cpNamespace}.${trustDomain}`;
      return '*';
    }),
  ];
}

/**
 * Linkerd's decision on a mTLS caller to a Server: admitted when some AuthorizationPolicy
 * targeting the Server (or its namespace) has every required authentication satisfied; once a
 * Server selects the pod port and nothing authorizes the caller, it is denied (linkerd.io
 * reference "Authorization Policy": "Once a Server is configured for a pod & port, its default
 * behavior is to deny traffic").
 */
function linkerdAdmits(
  objects: ClusterObject[],
  server: ClusterObject,
  identity: string,
  cpNamespace: string,
  trustDomain: string,
): boolean {
  const ns = server.metadata.namespace;
  const inNs = objects.filter(o => o.metadata.namespace === ns);
  const policies = inNs.filter(o => {
    if (!isLinkerdPolicy(o, 'AuthorizationPolicy')) return false;
    const t = (o.spec?.targetRef ?? {}) as { kind?: string; name?: string };
    return (
      (t.kind === 'Server' && t.name === server.metadata.name) ||
      (t.kind === 'Namespace' && (t.name ?? ns) === ns)
    );
  });
  return policies.some(ap => {
    const refs =
      (ap.spec?.requiredAuthenticationRefs as {
        kind?: string;
        name?: string;
        namespace?: string;
      }[]) ?? [];
    return refs.every(r => {
      // A ServiceAccount ref names the identity directly; NetworkAuthentication (by client
      // address) is not modelled: a policy needing one is treated as not admitting.
      if (r.kind === 'ServiceAccount')
        return (
          identity ===
          linkerdIdentity(
            cpNamespace,
            trustDomain,
            r.namespace ?? ns ?? '',
            r.name ?? '',
          )
        );
      if (r.kind !== 'MeshTLSAuthentication') return false;
      const authn = objects.find(
        o =>
          isLinkerdPolicy(o, 'MeshTLSAuthentication') &&
          o.metadata.name === r.name &&
          o.metadata.namespace === (r.namespace ?? ns),
      );
      return (
        !!authn &&
        authnPatterns(authn, cpNamespace, trustDomain).some(p =>
          identityMatches(p, identity),
        )
      );
    });
  });
}

/** The Server selecting the instance's pods on a (target) port: matchLabels ⊆ pod labels and the same port. */
function serverFor(
  objects: ClusterObject[],
  namespace: string,
  instance: ServiceInstance,
  port: number | string,
): ClusterObject | undefined {
  const podLabels = instance.workloads.map(w => w.labels);
  return objects
    .filter(
      o =>
        isLinkerdPolicy(o, 'Server') &&
        o.metadata.namespace === namespace &&
        o.spec?.port === port,
    )
    .find(o => {
      const sel =
        (
          (o.spec?.podSelector ?? {}) as {
            matchLabels?: Record<string, string>;
          }
        ).matchLabels ?? {};
      const labels = podLabels.length > 0 ? podLabels : [instance.selector];
      return labels.some(l =>
        Object.entries(sel).every(([k, v]) => l?.[k] === v),
      );
    });
}

/**
 * The identity the serving proxy sees for a caller: its own across a flat (pod-to-pod) Link,
 * the target's multicluster gateway's across a gateway Link, since the gateway opens its own
 * connection (https://linkerd.io/2023/09/12/linkerd-214, "Lost Identity"). The gateway runs as
 * ServiceAccount `linkerd-gateway` in `linkerd-multicluster` (linkerd2 multicluster/charts
 * linkerd-multicluster, gateway.yaml).
 */
function seenIdentity(
  topo: Topology,
  source: { cluster: string; namespace: string; serviceAccount: string },
  serving: string,
): string {
  const cp = (c: string) => topo.controlPlane(c)?.namespace ?? 'linkerd';
  if (
    source.cluster !== serving &&
    topo.linkerdLinkMode(source.cluster, serving) !== 'flat'
  )
    return linkerdIdentity(
      cp(serving),
      topo.trustDomain(serving),
      'linkerd-multicluster',
      'linkerd-gateway',
    );
  return linkerdIdentity(
    cp(source.cluster),
    topo.trustDomain(source.cluster),
    source.namespace,
    source.serviceAccount,
  );
}

/**
 * Verifies an AccessPolicy's Linkerd grants: in each serving cluster it wrote Linkerd policy
 * to, the Server for each granted port admits every named caller as the serving proxy sees it,
 * and does not admit a caller the policy does not name. Returns whether anything was modelled.
 */
export function verifyLinkerdAccess(
  p: AccessPolicy,
  topo: Topology,
  resources: Record<string, ClusterObject[]>,
  mine: { cluster: string; object: ClusterObject }[],
  errors: Diagnostic[],
): boolean {
  const ref = policyRef(p);
  const dest = p.spec.destination;
  const error = (path: string, message: string) =>
    errors.push({ policy: ref, path, message: `verification: ${message}` });
  const servings = [
    ...new Set(
      mine
        .filter(({ object }) => isLinkerdPolicy(object, 'AuthorizationPolicy'))
        .map(x => x.cluster),
    ),
  ].sort(compareStrings);
  for (const serving of servings) {
    const instance = topo.instance(dest.namespace, dest.service, serving);
    if (!instance) continue;
    const objects = resources[serving] ?? [];
    const cpNs = topo.controlPlane(serving)?.namespace ?? 'linkerd';
    const td = topo.trustDomain(serving);
    for (const port of grantedPorts(p, instance)) {
      const target = targetPorts(instance.ports, [port])[0];
      const server = serverFor(objects, dest.namespace, instance, target);
      const at = `${dest.service}.${dest.namespace}:${port} on ${serving}`;
      if (!server) {
        error(
          'spec.destination',
          `${at}: no Linkerd Server selects its pods on port ${target}, so the grant restricts nothing there (the default inbound policy applies)`,
        );
        continue;
      }
      const admits = (identity: string) =>
        linkerdAdmits(objects, server, identity, cpNs, td);
      p.spec.sources.forEach((s, i) => {
        if (
          s.cluster !== serving &&
          topo.reach(s.cluster, serving) !== 'linkerd-multicluster'
        )
          return;
        const sa = s.serviceAccount ?? 'meshport-any';
        const identity = seenIdentity(
          topo,
          { cluster: s.cluster, namespace: s.namespace, serviceAccount: sa },
          serving,
        );
        const who = `${s.cluster}/${s.namespace}/${s.serviceAccount ?? '*'}`;
        if (!admits(identity))
          error(
            `spec.sources.${i}`,
            `${who} → ${at}: Server ${
              server.metadata.name
            } denies it: the serving proxy sees ${identity}${
              s.cluster !== serving &&
              topo.linkerdLinkMode(s.cluster, serving) !== 'flat'
                ? ` (the multicluster gateway's identity: ${s.cluster} reaches ${serving} through a gateway Link)`
                : ''
            }, which no AuthorizationPolicy on the Server admits`,
          );
        const stranger = linkerdIdentity(
          topo.controlPlane(s.cluster)?.namespace ?? 'linkerd',
          topo.trustDomain(s.cluster),
          s.serviceAccount ? s.namespace : 'meshport-not-granted',
          s.serviceAccount ? 'meshport-not-granted' : 'default',
        );
        if (admits(stranger))
          error(
            `spec.sources.${i}`,
            `on ${serving} Server ${server.metadata.name} also admits ${stranger}, which the policy does not name`,
          );
      });
    }
  }
  return servings.length > 0;
}
