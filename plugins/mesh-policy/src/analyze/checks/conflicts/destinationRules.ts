import { compareStrings } from '../../../diagnostics';
import { asArray, ROOT_NAMESPACE } from '../../../verify/clusterConfig';
import type { ClusterObject } from '../../../verify/types';
import type { AnalysisContext } from '../../context';
import type { Check, FindingDraft } from '../../types';
import {
  destinationRuleHost,
  list,
  namespaceOwners,
  nsOf,
  scopesMeet,
  serviceIdOf,
  specOf,
  uniqueSorted,
  visibleTo,
} from './lookups';

function subsetNames(o: ClusterObject): string[] {
  return asArray<unknown>(specOf(o).subsets)
    .map(s =>
      s && typeof s === 'object'
        ? (s as Record<string, unknown>).name
        : undefined,
    )
    .filter((n): n is string => typeof n === 'string');
}

const hasTrafficPolicy = (o: ClusterObject) => {
  const p = specOf(o).trafficPolicy;
  return !!p && typeof p === 'object' && Object.keys(p).length > 0;
};

/** A DestinationRule with a `workloadSelector` applies to its workloads only; Istio keeps it apart. */
const selectsWorkloads = (o: ClusterObject) => {
  const s = specOf(o).workloadSelector;
  return !!s && typeof s === 'object' && Object.keys(s).length > 0;
};

interface Clash {
  /** What the clash loses, as the key names it. */
  reason: string;
  host: string;
  /** The rule whose settings are lost, then the one that wins or hides it. */
  objects: ClusterObject[];
  detail: string;
  fix: string;
}

/**
 * DestinationRules of one namespace for one host, as Istio merges them
 * (pilot/pkg/model/destination_rule.go, `mergeDestinationRule`): subsets are concatenated, but
 * a subset whose name the first rule already has is dropped, and only the first rule's
 * top-level `trafficPolicy` is kept. "First" is by creation time (configs are sorted by
 * `sortConfigByCreationTime`, pkg/config/model.go), which the fleet does not carry: the
 * finding names both and says the older wins.
 */
function sameNamespaceClashes(host: string, rules: ClusterObject[]): Clash[] {
  const clashes: Clash[] = [];
  for (let i = 0; i < rules.length; i++) {
    for (let j = i + 1; j < rules.length; j++) {
      const [a, b] = [rules[i], rules[j]];
      if (!scopesMeet(a, b)) continue;
      const names = `DestinationRule ${nsOf(a)}/${
        a.metadata.name
      } and DestinationRule ${nsOf(b)}/${b.metadata.name}`;
      const duplicated = subsetNames(a).filter(n => subsetNames(b).includes(n));
      if (duplicated.length > 0)
        clashes.push({
          reason: `duplicate-subsets:${uniqueSorted(duplicated).join(',')}`,
          host,
          objects: [b, a],
          detail: `${names} both define subset ${list(
            uniqueSorted(duplicated),
          )} for ${host}: Istio merges the two rules but keeps only the older rule's definition of ${
            duplicated.length > 1 ? 'each' : 'that'
          } subset and drops the other`,
          fix: `Define each subset of ${host} in one DestinationRule only: delete subset ${list(
            uniqueSorted(duplicated),
          )} from one of them, or merge the two rules into one.`,
        });
      if (hasTrafficPolicy(a) && hasTrafficPolicy(b))
        clashes.push({
          reason: 'traffic-policy',
          host,
          objects: [b, a],
          detail: `${names} both set a top-level trafficPolicy for ${host}: Istio merges the two rules but keeps only the older rule's trafficPolicy and ignores the other's entirely (TLS mode, load balancing, outlier detection)`,
          fix: `Keep one top-level trafficPolicy for ${host}: merge the two into one DestinationRule and delete the other.`,
        });
    }
  }
  return clashes;
}

/**
 * A rule in a caller's namespace for a host of another namespace hides the host namespace's
 * rule for every caller there: Istio takes the first rule found in the order caller's
 * namespace, host's namespace, root namespace (pilot/pkg/model/push_context.go,
 * `destinationRule`), and does not merge rules of different namespaces. Reported only when the
 * hidden rule has something the hiding one lacks (a subset, a top-level trafficPolicy).
 */
function crossNamespaceClashes(
  host: string,
  byNamespace: Map<string, ClusterObject[]>,
): Clash[] {
  const hostNamespace = host.split('.')[1];
  const owned = byNamespace.get(hostNamespace) ?? [];
  if (owned.length === 0) return [];
  const clashes: Clash[] = [];
  for (const [namespace, rules] of byNamespace) {
    if (namespace === hostNamespace || namespace === ROOT_NAMESPACE) continue;
    // the callers of `namespace` would otherwise see the host namespace's rule
    const hidden = owned.filter(o => visibleTo(o, namespace));
    if (hidden.length === 0) continue;
    const hiding = rules.filter(o => visibleTo(o, namespace));
    if (hiding.length === 0) continue;
    const kept = new Set(hiding.flatMap(subsetNames));
    const lostSubsets = uniqueSorted(
      hidden.flatMap(subsetNames).filter(n => !kept.has(n)),
    );
    const lostPolicy =
      hidden.some(hasTrafficPolicy) && !hiding.some(hasTrafficPolicy);
    if (lostSubsets.length === 0 && !lostPolicy) continue;
    const lost = [
      ...(lostSubsets.length > 0
        ? [`subset${lostSubsets.length > 1 ? 's' : ''} ${list(lostSubsets)}`]
        : []),
      ...(lostPolicy ? ['the top-level trafficPolicy'] : []),
    ];
    const hidingNames = list(
      hiding.map(o => `DestinationRule ${nsOf(o)}/${o.metadata.name}`),
    );
    const hiddenNames = list(
      hidden.map(o => `DestinationRule ${nsOf(o)}/${o.metadata.name}`),
    );
    clashes.push({
      reason: `hides:${namespace}`,
      host,
      objects: [...hiding, ...hidden],
      detail: `${hidingNames} is the DestinationRule Istio uses for ${host} for every caller in namespace ${namespace}, and it hides ${hiddenNames} of the service's own namespace entirely, so those callers lose ${list(
        lost,
      )}`,
      fix: `Add ${list(
        lost,
      )} of ${hiddenNames} to ${hidingNames}, or delete ${hidingNames} so callers in ${namespace} use the service's own rule.`,
    });
  }
  return clashes;
}

/**
 * MESH202. Several DestinationRules for one host that the same callers see. Kiali's KIA0201
 * ("More than one DestinationRules for the same host subset combination") is the same-namespace
 * case; Istio has no analyzer for it, only the `pilot_duplicated_subsets` metric
 * (destination_rule.go). Wildcard hosts and rules with a workloadSelector are left out: they
 * are looked up by other rules.
 */
export const severalDestinationRulesForOneHost: Check = {
  code: 'MESH202',
  severity: 'warning',
  title: 'Several DestinationRules for one host apply to the same callers',
  kiali: 'KIA0201',
  run(ctx) {
    const found = new Map<
      string,
      { clash: Clash; clusters: Map<string, ClusterObject[]> }
    >();
    for (const cluster of ctx.clustersWithConfig()) {
      const byHost = new Map<string, ClusterObject[]>();
      for (const dr of ctx.config(cluster).ofKind('DestinationRule')) {
        const host = destinationRuleHost(dr);
        if (!host || host.includes('*') || selectsWorkloads(dr)) continue;
        const rules = byHost.get(host);
        if (rules) rules.push(dr);
        else byHost.set(host, [dr]);
      }
      for (const [host, rules] of byHost) {
        // most hosts have one rule: nothing to compare
        if (rules.length < 2) continue;
        const byNamespace = new Map<string, ClusterObject[]>();
        for (const dr of rules)
          byNamespace.set(nsOf(dr), [...(byNamespace.get(nsOf(dr)) ?? []), dr]);
        const clashes = crossNamespaceClashes(host, byNamespace);
        for (const sameNamespace of byNamespace.values())
          if (sameNamespace.length > 1)
            clashes.push(...sameNamespaceClashes(host, sameNamespace));
        for (const clash of clashes) {
          // the same two rules clashing in several clusters make one finding
          const key = [
            host,
            clash.reason,
            ...clash.objects.map(o => `${nsOf(o)}/${o.metadata.name}`),
          ].join('|');
          const entry = found.get(key) ?? { clash, clusters: new Map() };
          entry.clusters.set(cluster, clash.objects);
          found.set(key, entry);
        }
      }
    }
    return [...found.keys()].sort(compareStrings).map(key => {
      const { clash, clusters } = found.get(key)!;
      return draftOf(ctx, clash, clusters);
    });
  },
};

function draftOf(
  ctx: AnalysisContext,
  clash: Clash,
  clusters: Map<string, ClusterObject[]>,
): FindingDraft {
  const names = [...clusters.keys()].sort(compareStrings);
  const objects = names.flatMap(c => clusters.get(c)!.map(o => ctx.ref(c, o)));
  const all = [...clusters.values()].flat();
  const owners = namespaceOwners(ctx, all);
  const service = serviceIdOf(ctx, clash.host);
  return {
    message: `In ${names.length > 1 ? 'clusters' : 'cluster'} ${list(names)}, ${
      clash.detail
    }${owners.length > 0 ? ` (owned by ${list(owners)})` : ''}.`,
    fix: clash.fix,
    objects,
    ...(service ? { services: [service] } : {}),
    owners,
    keyParts: [clash.host, clash.reason],
  };
}
