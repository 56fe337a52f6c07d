import type { DataPlaneMode } from '@meshport/backstage-plugin-mesh-common';
import { asArray, ClusterConfig, ROOT_NAMESPACE, Spec } from './clusterConfig';
import type { Topology } from '../fleet/topology';
import type { AuthzOutcome } from './types';

/**
 * The identity a waypoint presents to the destination's ztunnel: istiod's gateway deployment
 * controller runs it under a ServiceAccount named after the Gateway, in the Gateway's namespace
 * (pilot/pkg/config/kube/gateway/testdata/deployment/istio-upgrade-to-1.24.yaml: Gateway
 * `test-upgrade` of class istio-waypoint, `serviceAccountName: test-upgrade`).
 */
export function waypointPrincipal(
  topo: Topology,
  cluster: string,
  waypoint: { namespace: string; name: string },
): string {
  return `${topo.trustDomain(cluster)}/ns/${waypoint.namespace}/sa/${
    waypoint.name
  }`;
}

/** The serving workload and the request as its enforcement point sees it. */
export interface AuthzRequest {
  namespace: string;
  service: string;
  labels: Record<string, string>;
  mode: DataPlaneMode;
  /**
   * The waypoint (a Gateway of class `istio-waypoint`) the service's traffic goes through, as
   * discovery resolved it from `istio.io/use-waypoint` (the fleet's `ServiceInstance.waypoint`).
   */
  waypoint?: { namespace: string; name: string };
  /** The caller's principal without `spiffe://`, e.g. `cluster.local/ns/a/sa/b`; absent without mTLS. */
  principal?: string;
  /** The principal of the waypoint, as ztunnel sees traffic arriving from it. */
  waypointPrincipal?: string;
  /** Trust domains the serving cluster accepts; policy principals are expanded to all of them. */
  trustDomains: string[];
  method: string;
  path: string;
  /** The port the pod listens on: AuthorizationPolicy `ports` name target ports. */
  targetPort: number | string;
  headers: Record<string, string>;
  /** Hand-written AuthorizationPolicies discovery saw on the workload whose content is not given. */
  unseen: string[];
}

// What ztunnel cannot see (pilot/pkg/serviceregistry/ambient/authorization.go httpOperations,
// httpSources, l4WhenAttributes): any of these makes a rule L7.
const L7_OPERATION = [
  'hosts',
  'notHosts',
  'methods',
  'notMethods',
  'paths',
  'notPaths',
];
const L7_SOURCE = [
  'requestPrincipals',
  'notRequestPrincipals',
  'remoteIpBlocks',
  'notRemoteIpBlocks',
];
const L4_WHEN = new Set([
  'source.ip',
  'source.namespace',
  'source.principal',
  'destination.ip',
  'destination.port',
]);

/** Istio's string match in authorization: exact, `*`, `prefix*` or `*suffix` (pilot/pkg/security/authz/matcher/string.go). */
function valueMatches(pattern: string, value: string | undefined): boolean {
  if (value === undefined) return false;
  if (pattern === '*') return true;
  if (pattern.endsWith('*')) return value.startsWith(pattern.slice(0, -1));
  if (pattern.startsWith('*')) return value.endsWith(pattern.slice(1));
  return pattern === value;
}

/**
 * A policy principal as the serving proxy enforces it: a principal in the local trust domain,
 * in one of its aliases or in `cluster.local` is expanded to every accepted trust domain
 * (pilot/pkg/security/trustdomain/bundle.go ReplaceTrustDomainAliases).
 */
function expandPrincipal(p: string, trustDomains: string[]): string[] {
  const slash = p.indexOf('/ns/');
  if (slash <= 0 || p.startsWith('*')) return [p];
  const td = p.slice(0, slash);
  if (td !== 'cluster.local' && !trustDomains.includes(td)) return [p];
  return trustDomains.map(t => `${t}${p.slice(slash)}`);
}

/**
 * Whether a policy principal (`<td>/ns/<ns>/sa/<sa>`, wildcards allowed) admits a caller's
 * principal at a proxy accepting `trustDomains`, as the proxy matches `source.principals`.
 */
export function principalMatches(
  pattern: string,
  principal: string,
  trustDomains: string[],
): boolean {
  return expandPrincipal(pattern, trustDomains).some(x =>
    valueMatches(x, principal),
  );
}

function anyOf(
  list: unknown,
  value: string | undefined,
  expand?: (p: string) => string[],
): boolean {
  return asArray<string>(list).some(p =>
    (expand ? expand(p) : [p]).some(x => valueMatches(x, value)),
  );
}

function present(list: unknown): boolean {
  return asArray(list).length > 0;
}

interface Peer {
  principal?: string;
}

function namespaceOf(principal?: string): string | undefined {
  return principal?.match(/\/ns\/([^/]+)\/sa\//)?.[1];
}

/** `matched` for a rule that matches, `false` otherwise; `l7Dropped` when ztunnel omits L7. */
function ruleMatches(
  rule: Spec,
  req: AuthzRequest,
  peer: Peer,
  l4Only: boolean,
): boolean {
  const expand = (p: string) => expandPrincipal(p, req.trustDomains);
  const peerNs = namespaceOf(peer.principal);
  const from = asArray<Spec>(rule.from);
  if (from.length > 0) {
    const ok = from.some(f => {
      const s = (f.source ?? {}) as Spec;
      if (present(s.principals) && !anyOf(s.principals, peer.principal, expand))
        return false;
      if (anyOf(s.notPrincipals, peer.principal, expand)) return false;
      if (present(s.namespaces) && !anyOf(s.namespaces, peerNs)) return false;
      if (anyOf(s.notNamespaces, peerNs)) return false;
      if (present(s.ipBlocks) || present(s.notIpBlocks)) return false;
      if (!l4Only && L7_SOURCE.some(k => present(s[k]))) return false;
      return true;
    });
    if (!ok) return false;
  }
  const to = asArray<Spec>(rule.to);
  if (to.length > 0) {
    const ok = to.some(t => {
      const o = (t.operation ?? {}) as Spec;
      const port = String(req.targetPort);
      if (present(o.ports) && !anyOf(o.ports, port)) return false;
      if (anyOf(o.notPorts, port)) return false;
      if (l4Only) return true;
      if (present(o.methods) && !anyOf(o.methods, req.method)) return false;
      if (anyOf(o.notMethods, req.method)) return false;
      if (present(o.paths) && !anyOf(o.paths, req.path)) return false;
      if (anyOf(o.notPaths, req.path)) return false;
      if (present(o.hosts) || present(o.notHosts)) return false;
      return true;
    });
    if (!ok) return false;
  }
  for (const w of asArray<Spec>(rule.when)) {
    const key = String(w.key ?? '');
    if (l4Only && !L4_WHEN.has(key)) continue;
    let value: string | undefined;
    if (key === 'source.principal') value = peer.principal;
    else if (key === 'source.namespace') value = peerNs;
    else if (key === 'destination.port') value = String(req.targetPort);
    else if (key.startsWith('request.headers['))
      value = req.headers[key.slice(16, -1).toLowerCase()];
    else return false;
    if (present(w.values) && !anyOf(w.values, value)) return false;
    if (anyOf(w.notValues, value)) return false;
  }
  return true;
}

function isL7Rule(rule: Spec): boolean {
  return (
    asArray<Spec>(rule.to).some(t =>
      L7_OPERATION.some(k => present((t.operation as Spec | undefined)?.[k])),
    ) ||
    asArray<Spec>(rule.from).some(f =>
      L7_SOURCE.some(k => present((f.source as Spec | undefined)?.[k])),
    ) ||
    asArray<Spec>(rule.when).some(w => !L4_WHEN.has(String(w.key ?? '')))
  );
}

/**
 * Whether a rule keeps a condition once ztunnel omits its HTTP parts: a DENY rule left with
 * none is skipped, it does not deny everything (ambient/authorization.go, "no enforceable
 * rules at ztunnel").
 */
function hasL4Condition(rule: Spec): boolean {
  const sourceKeys = [
    'principals',
    'notPrincipals',
    'namespaces',
    'notNamespaces',
    'ipBlocks',
    'notIpBlocks',
  ];
  return (
    asArray<Spec>(rule.from).some(f =>
      sourceKeys.some(k => present((f.source as Spec | undefined)?.[k])),
    ) ||
    asArray<Spec>(rule.to).some(
      t =>
        present((t.operation as Spec | undefined)?.ports) ||
        present((t.operation as Spec | undefined)?.notPorts),
    ) ||
    asArray<Spec>(rule.when).some(w => L4_WHEN.has(String(w.key ?? '')))
  );
}

interface Applied {
  id: string;
  spec: Spec;
}

/**
 * Istio's order: CUSTOM, then DENY (any match denies), then ALLOW (once any ALLOW policy
 * applies, a request no ALLOW rule matches is denied); with no ALLOW policy, allowed.
 * Concepts > Security > Authorization policy, and pilot/pkg/security/authz/builder/builder.go.
 * `l4Only` is ztunnel: ALLOW rules using HTTP attributes never match, DENY rules are enforced
 * without their HTTP parts (pilot/pkg/serviceregistry/ambient/authorization.go handleRule).
 */
function decide(
  policies: Applied[],
  req: AuthzRequest,
  peer: Peer,
  l4Only: boolean,
  who: string,
): {
  decision: 'allow' | 'deny';
  reason: string;
  custom: boolean;
  byDeny?: boolean;
} {
  const action = (p: Applied) => String(p.spec.action ?? 'ALLOW');
  const custom = policies.some(p => action(p) === 'CUSTOM');
  for (const p of policies.filter(x => action(x) === 'DENY')) {
    if (
      asArray<Spec>(p.spec.rules).some(
        r =>
          (!l4Only || hasL4Condition(r)) && ruleMatches(r, req, peer, l4Only),
      )
    )
      return {
        decision: 'deny',
        reason: `${who}: DENY policy ${p.id} matches`,
        custom,
        byDeny: true,
      };
  }
  const allows = policies.filter(x => action(x) === 'ALLOW');
  if (allows.length === 0)
    return {
      decision: 'allow',
      reason: `${who}: no ALLOW policy applies, allowed by default`,
      custom,
    };
  for (const p of allows) {
    const rules = asArray<Spec>(p.spec.rules);
    const hit = rules.find(
      r => !(l4Only && isL7Rule(r)) && ruleMatches(r, req, peer, l4Only),
    );
    if (hit)
      return {
        decision: 'allow',
        reason: `${who}: ALLOW policy ${p.id} matches`,
        custom,
      };
  }
  const dropped =
    l4Only && allows.some(p => asArray<Spec>(p.spec.rules).some(isL7Rule));
  return {
    decision: 'deny',
    reason: dropped
      ? `${who}: ALLOW ${allows
          .map(p => p.id)
          .join(
            ', ',
          )} applies but its rules use HTTP attributes (methods, paths…) that ztunnel cannot see, so they never match ("fail safe"): every caller is denied; attach the policy to a waypoint with targetRefs, or make it L4-only`
      : `${who}: ALLOW ${allows
          .map(p => p.id)
          .join(', ')} applies and no rule matches ${
          peer.principal ?? 'a caller without mTLS identity'
        }: denied (default deny once an ALLOW applies)`,
    custom,
  };
}

function targetRefsOf(spec: Spec): Spec[] {
  // `targetRef` is the legacy single form; Istio reads it only when `targetRefs` is empty
  // (pilot/pkg/model/policyattachment.go GetTargetRefs).
  const refs = asArray<Spec>(spec.targetRefs);
  if (refs.length > 0) return refs;
  return spec.targetRef ? [spec.targetRef as Spec] : [];
}

/**
 * Selector attachment, as a sidecar or ztunnel applies it: a policy with targetRefs is ignored
 * altogether by a workload that is not a gateway (pilot/pkg/model/policyattachment.go
 * ShouldAttachPolicy, "if targetRef is specified, ignore the policy altogether").
 */
function selects(p: { namespace: string; spec: Spec }, req: AuthzRequest) {
  if (targetRefsOf(p.spec).length > 0) return false;
  if (p.namespace !== req.namespace && p.namespace !== ROOT_NAMESPACE)
    return false;
  const match = ((p.spec.selector as Spec | undefined)?.matchLabels ??
    {}) as Record<string, string>;
  return Object.entries(match).every(([k, v]) => req.labels[k] === v);
}

/** Istio compares groups canonically: `""` is the core group (pkg/config CanonicalGroup). */
function group(ref: Spec): string {
  const g = typeof ref.group === 'string' ? ref.group : '';
  return g === '' ? 'core' : g;
}

/**
 * targetRef attachment, as the waypoint applies it (pilot/pkg/model/policyattachment.go
 * ShouldAttachPolicy with IsWaypoint): a waypoint never uses selector policies; it takes a
 * policy whose targetRefs name the Service it serves (core/Service, policy in the Service's
 * namespace), its own Gateway (gateway.networking.k8s.io/Gateway, policy in the Gateway's
 * namespace, a ref namespace empty or the same), or the `istio-waypoint` GatewayClass from the
 * root namespace. Istio docs, ambient "Use Layer 7 features", "Considerations for authorization
 * policies": a policy attaches to a waypoint by a targetRef naming the waypoint or a Service
 * that uses it.
 */
function targets(
  p: { namespace: string; spec: Spec },
  req: AuthzRequest,
  waypoint: { namespace: string; name: string },
) {
  return targetRefsOf(p.spec).some(r => {
    if (group(r) === 'core' && r.kind === 'Service')
      return p.namespace === req.namespace && r.name === req.service;
    if (group(r) === 'gateway.networking.k8s.io' && r.kind === 'GatewayClass')
      return p.namespace === ROOT_NAMESPACE && r.name === 'istio-waypoint';
    if (group(r) === 'gateway.networking.k8s.io' && r.kind === 'Gateway')
      return (
        p.namespace === waypoint.namespace &&
        r.name === waypoint.name &&
        (r.namespace === undefined ||
          r.namespace === '' ||
          r.namespace === waypoint.namespace)
      );
    return false;
  });
}

/** Every policy that may attach to the waypoint: its namespace, the Service's, the root's. */
function waypointCandidates(
  config: ClusterConfig,
  req: AuthzRequest,
  waypoint: { namespace: string; name: string },
) {
  const seen = new Set<string>();
  return [
    ...config.authorizationPoliciesFor(req.namespace),
    ...config.authorizationPoliciesFor(waypoint.namespace),
  ].filter(p => {
    if (seen.has(p.id)) return false;
    seen.add(p.id);
    return targets(p, req, waypoint);
  });
}

/** The serving side's authorization decision for one request. */
export function authorize(
  config: ClusterConfig,
  req: AuthzRequest,
): AuthzOutcome {
  if (req.mode === 'none' || req.mode === 'linkerd') {
    return {
      enforcer: 'none',
      decision: req.mode === 'none' ? 'allow' : 'unknown',
      reason:
        req.mode === 'none'
          ? 'the server has no Istio data plane: nothing enforces authorization'
          : 'the server runs Linkerd: Istio authorization does not apply',
    };
  }
  const all = config.authorizationPoliciesFor(req.namespace);
  const selected = all.filter(p => selects(p, req));
  const unseen = (
    d: ReturnType<typeof decide>,
    enforcer: AuthzOutcome['enforcer'],
  ): AuthzOutcome => {
    if (req.unseen.length > 0 && !d.byDeny)
      return {
        enforcer,
        decision: 'unknown',
        reason: `${d.reason}; hand-written ${req.unseen.join(
          ', ',
        )} also applies and its content is not known`,
      };
    if (d.custom)
      return {
        enforcer,
        decision: 'unknown',
        reason: `${d.reason}; a CUSTOM (external) policy also applies and is not modelled`,
      };
    return { enforcer, decision: d.decision, reason: d.reason };
  };
  if (req.mode === 'sidecar') {
    return unseen(
      decide(selected, req, { principal: req.principal }, false, 'sidecar'),
      'sidecar',
    );
  }
  if (!req.waypoint) {
    return unseen(
      decide(selected, req, { principal: req.principal }, true, 'ztunnel'),
      'ztunnel',
    );
  }
  // With a waypoint, L7 policy attaches to it by targetRefs; the destination ztunnel then sees
  // the waypoint's identity, not the caller's (Istio docs, ambient L4 policy, "considerations").
  const waypoint = req.waypoint;
  const atWaypoint = decide(
    waypointCandidates(config, req, waypoint),
    req,
    { principal: req.principal },
    false,
    `waypoint ${waypoint.namespace}/${waypoint.name}`,
  );
  if (atWaypoint.decision === 'deny') return unseen(atWaypoint, 'waypoint');
  const atZtunnel = decide(
    selected,
    req,
    { principal: req.waypointPrincipal },
    true,
    'ztunnel behind the waypoint',
  );
  return unseen(
    atZtunnel.decision === 'deny' ? atZtunnel : atWaypoint,
    atZtunnel.decision === 'deny' ? 'ztunnel' : 'waypoint',
  );
}
