import { asArray, ROOT_NAMESPACE, Spec } from '../../../verify/clusterConfig';

/**
 * Which AuthorizationPolicies reach a workload and which of their parts ztunnel can see, for
 * naming them in findings. The decision itself is the verifier's (`verify/authz.ts`
 * `authorize`); these follow the same Istio sources.
 */

export interface PolicyView {
  id: string;
  namespace: string;
  spec: Spec;
}

const record = (v: unknown): Spec =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Spec) : {};

/** `targetRefs`, else the legacy `targetRef` (pilot/pkg/model/policyattachment.go GetTargetRefs). */
export function targetRefsOf(spec: Spec): Spec[] {
  const refs = asArray<Spec>(spec.targetRefs).filter(
    r => typeof r === 'object',
  );
  if (refs.length > 0) return refs;
  return spec.targetRef && typeof spec.targetRef === 'object'
    ? [spec.targetRef as Spec]
    : [];
}

export function actionOf(spec: Spec): string {
  return typeof spec.action === 'string' ? spec.action : 'ALLOW';
}

/**
 * Selector attachment as a sidecar or ztunnel applies it: the workload's namespace or the
 * root namespace, `selector.matchLabels` a subset of the pod's labels; a policy with
 * targetRefs is ignored (policyattachment.go ShouldAttachPolicy).
 */
export function selectsWorkload(
  p: PolicyView,
  namespace: string,
  labels: Record<string, string>,
): boolean {
  if (targetRefsOf(p.spec).length > 0) return false;
  if (p.namespace !== namespace && p.namespace !== ROOT_NAMESPACE) return false;
  const match = record(record(p.spec.selector).matchLabels);
  return Object.entries(match).every(([k, v]) => labels[k] === v);
}

const group = (r: Spec) =>
  typeof r.group === 'string' && r.group !== '' ? r.group : 'core';

/** Whether the policy names the Service by targetRefs (kind Service, core group, its namespace). */
export function targetsService(
  p: PolicyView,
  namespace: string,
  service: string,
): boolean {
  return targetRefsOf(p.spec).some(
    r =>
      group(r) === 'core' &&
      r.kind === 'Service' &&
      r.name === service &&
      p.namespace === namespace,
  );
}

/**
 * targetRef attachment at a waypoint: the Service it serves, its own Gateway, or the
 * `istio-waypoint` GatewayClass from the root namespace (policyattachment.go, IsWaypoint).
 */
export function attachesToWaypoint(
  p: PolicyView,
  namespace: string,
  service: string,
  waypoint: { namespace: string; name: string },
): boolean {
  if (targetsService(p, namespace, service)) return true;
  return targetRefsOf(p.spec).some(r => {
    if (group(r) !== 'gateway.networking.k8s.io') return false;
    if (r.kind === 'GatewayClass')
      return p.namespace === ROOT_NAMESPACE && r.name === 'istio-waypoint';
    return (
      r.kind === 'Gateway' &&
      r.name === waypoint.name &&
      p.namespace === waypoint.namespace
    );
  });
}

const present = (v: unknown) => asArray(v).length > 0;

/**
 * The `when` keys ztunnel evaluates; any other makes the rule HTTP-only
 * (pilot/pkg/serviceregistry/ambient/authorization.go l4WhenAttributes).
 */
export const L4_WHEN_KEYS = new Set([
  'source.ip',
  'source.namespace',
  'source.principal',
  'destination.ip',
  'destination.port',
]);

const HTTP_OPERATION = [
  'hosts',
  'notHosts',
  'methods',
  'notMethods',
  'paths',
  'notPaths',
];
const HTTP_SOURCE = [
  'remoteIpBlocks',
  'notRemoteIpBlocks',
  'requestPrincipals',
  'notRequestPrincipals',
];

/**
 * The HTTP attributes of one rule, named as istiod names them in the policy's status
 * (authorization.go httpOperations, httpSources, non-L4 `when` keys); empty for an L4 rule.
 */
export function httpAttributes(rule: Spec): string[] {
  const found = new Set<string>();
  for (const t of asArray<Spec>(rule.to)) {
    const op = record(t.operation);
    for (const k of HTTP_OPERATION) if (present(op[k])) found.add(k);
  }
  for (const f of asArray<Spec>(rule.from)) {
    const src = record(f.source);
    for (const k of HTTP_SOURCE) if (present(src[k])) found.add(k);
  }
  for (const w of asArray<Spec>(rule.when)) {
    const key = String(record(w).key ?? '');
    if (!L4_WHEN_KEYS.has(key)) found.add(key);
  }
  return [...found].sort();
}

/**
 * Whether a rule keeps a condition ztunnel can check once its HTTP parts are dropped: a DENY
 * rule left with none is skipped by ztunnel, not applied to everything (authorization.go
 * hasEffectiveRules, "this DENY policy has no enforceable rules at ztunnel").
 */
export function hasL4Condition(rule: Spec): boolean {
  const sourceKeys = [
    'principals',
    'notPrincipals',
    'namespaces',
    'notNamespaces',
    'ipBlocks',
    'notIpBlocks',
    'serviceAccounts',
    'notServiceAccounts',
  ];
  return (
    asArray<Spec>(rule.from).some(f =>
      sourceKeys.some(k => present(record(f.source)[k])),
    ) ||
    asArray<Spec>(rule.to).some(
      t =>
        present(record(t.operation).ports) ||
        present(record(t.operation).notPorts),
    ) ||
    asArray<Spec>(rule.when).some(w =>
      L4_WHEN_KEYS.has(String(record(w).key ?? '')),
    )
  );
}
