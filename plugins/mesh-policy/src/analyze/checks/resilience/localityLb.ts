import { asArray, Spec } from '../../../verify/clusterConfig';

/** A plain object field, or undefined for anything else (null, a list, a string). */
export function record(v: unknown): Spec | undefined {
  return v && typeof v === 'object' && !Array.isArray(v)
    ? (v as Spec)
    : undefined;
}

/** One `failover` entry of a localityLbSetting: regions only (Istio validation). */
export interface FailoverEntry {
  from: string;
  to: string;
}

/**
 * One place of a DestinationRule that sets `loadBalancer.localityLbSetting`: the top-level
 * traffic policy, a port-level setting or a subset's traffic policy, with whether the outlier
 * detection Envoy ends up with there is set. A subset or port inherits the top-level
 * `outlierDetection` unless it sets its own (Istio merges traffic policies field by field:
 * pilot/pkg/networking/core/cluster_traffic_policy.go, MergeTrafficPolicy).
 */
export interface LocalityScope {
  /** Where in the spec, e.g. `trafficPolicy`, `subsets[v1].trafficPolicy`. */
  where: string;
  distribute: boolean;
  failover: FailoverEntry[];
  failoverPriority: string[];
  /** `enabled` as written: true, false or absent. */
  enabled?: boolean;
  hasOutlierDetection: boolean;
}

function scopeOf(
  lbHolder: Spec,
  where: string,
  outlier: boolean,
): LocalityScope | undefined {
  const lb = record(record(lbHolder.loadBalancer)?.localityLbSetting);
  if (!lb) return undefined;
  return {
    where,
    distribute: asArray(lb.distribute).length > 0,
    failover: asArray<Spec>(lb.failover)
      .filter(f => record(f))
      .map(f => ({ from: String(f.from ?? ''), to: String(f.to ?? '') })),
    failoverPriority: asArray<unknown>(lb.failoverPriority).map(String),
    enabled: typeof lb.enabled === 'boolean' ? lb.enabled : undefined,
    hasOutlierDetection: outlier,
  };
}

function policyScopes(
  tp: Spec | undefined,
  where: string,
  inheritedOutlier: boolean,
): LocalityScope[] {
  if (!tp) return [];
  const outlier = !!record(tp.outlierDetection) || inheritedOutlier;
  const out: LocalityScope[] = [];
  const top = scopeOf(tp, where, outlier);
  if (top) out.push(top);
  asArray<unknown>(tp.portLevelSettings).forEach((raw, i) => {
    const p = record(raw);
    if (!p) return;
    const port = record(p.port)?.number ?? i;
    const scope = scopeOf(
      p,
      `${where}.portLevelSettings[port ${String(port)}]`,
      !!record(p.outlierDetection) || outlier,
    );
    if (scope) out.push(scope);
  });
  return out;
}

/** Every localityLbSetting of a DestinationRule spec, wherever it is set. */
export function localityScopes(spec: Spec): LocalityScope[] {
  const tp = record(spec.trafficPolicy);
  const topOutlier = !!record(tp?.outlierDetection);
  return [
    ...policyScopes(tp, 'trafficPolicy', false),
    ...asArray<unknown>(spec.subsets).flatMap(raw => {
      const s = record(raw);
      if (!s) return [];
      return policyScopes(
        record(s.trafficPolicy),
        `subsets[${String(s.name ?? '?')}].trafficPolicy`,
        topOutlier,
      );
    }),
  ];
}

/**
 * Whether Istio would fail over by locality here if outlier detection were set: locality LB
 * not disabled, no `distribute` (which wins over failover: pilot/pkg/networking/core/
 * loadbalancer/loadbalancer.go ApplyLocalityLoadBalancer, "one of Distribute or Failover
 * settings can be applied") and some failover asked for.
 */
export function asksForFailover(s: LocalityScope): boolean {
  return (
    s.enabled !== false &&
    !s.distribute &&
    (s.failover.length > 0 ||
      s.failoverPriority.length > 0 ||
      s.enabled === true)
  );
}
