import { asArray, ClusterConfig, Spec } from '../../../verify/clusterConfig';
import type { ClusterObject } from '../../../verify/types';
import {
  actionOf,
  httpAttributes,
  L4_WHEN_KEYS,
  targetRefsOf,
} from './attachment';

/**
 * Observed traffic says who calls a workload, not with which request: no method, path, header
 * or source IP. To say "this caller is denied now" without knowing its requests, each policy is
 * rewritten before the verifier's `authorize` decides:
 * - an ALLOW rule keeps only what the caller's identity and the port decide, so it admits the
 *   caller if some request of the caller could match it;
 * - a DENY rule is kept only if it denies every request of the caller, i.e. it has no
 *   condition on what is not known.
 * A caller the rewritten policies deny is denied whatever it sends. At ztunnel (an ambient
 * workload's selector policies) HTTP conditions are kept as they are: ztunnel itself never
 * matches an ALLOW rule using them and drops them from DENY rules (verify/authz.ts), which is
 * what happens to the caller.
 */

const record = (v: unknown): Spec =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Spec) : {};

/** Caller IPs are not observed: a condition on them is unknown. */
const IP_SOURCE = ['ipBlocks', 'notIpBlocks'];
const IP_WHEN = new Set(['source.ip', 'destination.ip']);
/** `when` keys the verifier decides from the caller's identity and the port. */
const IDENTITY_WHEN = new Set([
  'source.principal',
  'source.namespace',
  'destination.port',
]);

/**
 * `source.serviceAccounts` (`<ns>/<sa>`, or `<sa>` in the policy's namespace) as the principal
 * suffix it stands for in any trust domain, so the verifier's principal matching decides it.
 */
function serviceAccountPrincipals(list: unknown, namespace: string): string[] {
  return asArray<unknown>(list)
    .filter((x): x is string => typeof x === 'string')
    .map(sa => {
      const [ns, name] = sa.includes('/') ? sa.split('/') : [namespace, sa];
      return `*/ns/${ns}/sa/${name}`;
    });
}

function withServiceAccounts(source: Spec, namespace: string): Spec {
  const out = { ...source };
  const sas = serviceAccountPrincipals(source.serviceAccounts, namespace);
  if (sas.length > 0 && asArray(source.principals).length === 0)
    out.principals = sas;
  const notSas = serviceAccountPrincipals(source.notServiceAccounts, namespace);
  if (notSas.length > 0)
    out.notPrincipals = [...asArray(source.notPrincipals), ...notSas];
  delete out.serviceAccounts;
  delete out.notServiceAccounts;
  return out;
}

function relaxAllowRule(rule: Spec, namespace: string, http: boolean): Spec {
  const from = asArray<Spec>(rule.from).map(f => {
    const source = withServiceAccounts(record(f.source), namespace);
    for (const k of IP_SOURCE) delete source[k];
    if (http)
      for (const k of [
        'remoteIpBlocks',
        'notRemoteIpBlocks',
        'requestPrincipals',
        'notRequestPrincipals',
      ])
        delete source[k];
    return { ...f, source };
  });
  const to = asArray<Spec>(rule.to).map(t => {
    if (!http) return t;
    const operation = { ...record(t.operation) };
    for (const k of [
      'hosts',
      'notHosts',
      'methods',
      'notMethods',
      'paths',
      'notPaths',
    ])
      delete operation[k];
    return { ...t, operation };
  });
  const when = asArray<Spec>(rule.when).filter(w => {
    const key = String(record(w).key ?? '');
    if (IP_WHEN.has(key)) return false;
    // ztunnel: a non-L4 key keeps the rule HTTP-only, so it keeps never matching.
    return http ? IDENTITY_WHEN.has(key) : true;
  });
  return { ...rule, from, to, when };
}

/** Whether a DENY rule surely applies to every request of a caller it matches. */
function denyIsCertain(rule: Spec, http: boolean): boolean {
  if (
    asArray<Spec>(rule.from).some(f =>
      IP_SOURCE.some(k => asArray(record(f.source)[k]).length > 0),
    )
  )
    return false;
  if (
    asArray<Spec>(rule.when).some(w => {
      const key = String(record(w).key ?? '');
      return IP_WHEN.has(key) || (http && !L4_WHEN_KEYS.has(key));
    })
  )
    return false;
  return !http || httpAttributes(rule).length === 0;
}

function relax(o: ClusterObject, http: boolean): ClusterObject {
  const spec = record(o.spec);
  const namespace = o.metadata.namespace ?? 'default';
  const rules = asArray<Spec>(spec.rules).filter(r => typeof r === 'object');
  const action = actionOf(spec);
  let relaxed: Spec[];
  if (action === 'ALLOW')
    relaxed = rules.map(r => relaxAllowRule(r, namespace, http));
  else if (action === 'DENY')
    relaxed = rules
      .filter(r => denyIsCertain(r, http))
      .map(r => ({
        ...r,
        from: asArray<Spec>(r.from).map(f => ({
          ...f,
          source: withServiceAccounts(record(f.source), namespace),
        })),
      }));
  else relaxed = rules;
  // A DENY policy left without rules must not become "no rules" = match nothing; dropping
  // it keeps the meaning (it denies nothing for certain).
  return { ...o, spec: { ...spec, rules: relaxed } };
}

/**
 * A cluster's AuthorizationPolicies as the caller question needs them, for one kind of
 * enforcement: `sidecar` (every policy is enforced with HTTP visible) or `ambient` (selector
 * policies at ztunnel, targetRefs policies at the waypoint, which sees HTTP).
 */
export function callerView(
  config: ClusterConfig,
  mode: 'sidecar' | 'ambient',
): ClusterConfig {
  const policies = config
    .ofKind('AuthorizationPolicy')
    .map(o =>
      relax(o, mode === 'sidecar' || targetRefsOf(record(o.spec)).length > 0),
    )
    .filter(
      o =>
        actionOf(record(o.spec)) !== 'DENY' ||
        asArray(record(o.spec).rules).length > 0,
    );
  return new ClusterConfig(policies);
}
