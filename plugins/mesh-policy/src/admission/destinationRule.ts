import {
  Findings,
  isDns1123Label,
  record,
  records,
  strings,
  validateDuration,
  validateLabels,
  validatePercent,
  validateWildcardDomain,
} from './rules';

/** `ValidateDestinationRule` (pkg/config/validation/validation.go). */
export function validateDestinationRule(
  spec: Record<string, unknown>,
): Findings {
  const f = new Findings();
  f.err(validateWildcardDomain(String(spec.host ?? '')));
  validateTrafficPolicy(record(spec.trafficPolicy), f);
  const names = new Set<string>();
  for (const s of records(spec.subsets)) {
    const name = String(s.name ?? '');
    if (names.has(name)) f.err(`duplicate subset names: ${name}`);
    names.add(name);
    // validateSubset → validateSubsetName, labels, the subset's own traffic policy.
    if (name.length === 0) f.err('subset name cannot be empty');
    else if (!isDns1123Label(name)) f.err(`subset name is invalid: ${name}`);
    validateLabels(s.labels).forEach(e => f.err(e));
    validateTrafficPolicy(record(s.trafficPolicy), f);
  }
  return f;
}

const TRAFFIC_POLICY_FIELDS = [
  'outlierDetection',
  'connectionPool',
  'loadBalancer',
  'tls',
  'portLevelSettings',
  'tunnel',
  'proxyProtocol',
  'retryBudget',
];

/** `validateTrafficPolicy`. */
function validateTrafficPolicy(
  tp: Record<string, unknown> | undefined,
  f: Findings,
) {
  if (!tp) return;
  if (!TRAFFIC_POLICY_FIELDS.some(k => tp[k] !== undefined && tp[k] !== null)) {
    f.err('traffic policy must have at least one field');
    return;
  }
  const outlier = record(tp.outlierDetection);
  validateOutlierDetection(outlier, f);
  const lb = record(tp.loadBalancer);
  if (lb) validateLocalityLbSetting(record(lb.localityLbSetting), outlier, f);
}

/** `validateOutlierDetection`. */
function validateOutlierDetection(
  o: Record<string, unknown> | undefined,
  f: Findings,
) {
  if (!o) return;
  if (o.baseEjectionTime !== undefined)
    f.err(validateDuration(o.baseEjectionTime));
  if (o.consecutiveErrors !== undefined && o.consecutiveErrors !== 0)
    f.warn(
      'outlier detection consecutive errors is deprecated, use consecutiveGatewayErrors or consecutive5xxErrors instead',
    );
  if (
    !o.splitExternalLocalOriginErrors &&
    Number(o.consecutiveLocalOriginFailures ?? 0) > 0
  )
    f.err(
      'outlier detection consecutive local origin failures is specified, but split external local origin errors is set to false',
    );
  if (o.interval !== undefined) f.err(validateDuration(o.interval));
  f.err(validatePercent(o.maxEjectionPercent));
  f.err(validatePercent(o.minHealthPercent));
}

const TOPOLOGY_LABELS = [
  'topology.kubernetes.io/region',
  'topology.kubernetes.io/zone',
  'topology.istio.io/subzone',
];

/** `agent.ValidateLocalityLbSetting` (pkg/config/validation/agent/validation.go). */
export function validateLocalityLbSetting(
  lb: Record<string, unknown> | undefined,
  outlier: Record<string, unknown> | undefined,
  f: Findings,
) {
  if (!lb) return;
  const failover = records(lb.failover);
  const priority = strings(lb.failoverPriority);
  if (records(lb.distribute).length > 0 && failover.length > 0) {
    f.err("can not simultaneously specify 'distribute' and 'failover'");
    return;
  }
  if (failover.length > 0) {
    const topo = priority.find(p => TOPOLOGY_LABELS.includes(p));
    if (topo) {
      f.err(
        `can not simultaneously set 'failover' and topology label '${topo}' in 'failover_priority'`,
      );
      return;
    }
  }
  if ((failover.length > 0 || priority.length > 0) && !outlier)
    f.warn('outlier detection policy must be provided for failover');
  for (const fo of failover) {
    const from = String(fo.from ?? '');
    const to = String(fo.to ?? '');
    if (from === to)
      f.err('locality lb failover settings must specify different regions');
    if (from.includes('/') || to.includes('/'))
      f.err('locality lb failover only specify region');
    if (from.includes('*') || to.includes('*'))
      f.err("locality lb failover region should not contain '*' wildcard");
  }
}
