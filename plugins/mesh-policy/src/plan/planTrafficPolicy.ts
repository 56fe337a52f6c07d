import { Diagnostic, compareStrings } from '../diagnostics';
import { Topology } from '../fleet/topology';
import { policyRef } from '../schema/policy';
import type { RouteTarget, TrafficPolicy } from '../schema/trafficPolicy';
import { linkerdClientProblems } from '../translate/linkerd/clientChecks';
import * as checks from '../validate/fleetChecks';
import type { ClientPlan, ResolvedTarget, SourceMatch } from './types';

/** A TrafficPolicy's plans, one per client cluster that can apply it, and why others cannot. */
export interface PlanResult {
  plans: ClientPlan[];
  errors: Diagnostic[];
  warnings: Diagnostic[];
}

// Linkerd's HTTPRoute has no equivalent for these, or only per route object, not per rule.
const LINKERD_UNSUPPORTED = [
  'faultInjection',
  'cors',
  'outlierDetection',
  'retries',
  'mirror',
] as const;

/**
 * Resolves a TrafficPolicy against the fleet: which client clusters it applies to and, for
 * each, how every target is reached. Clusters named in `sources` must work or it is an error;
 * clusters implied by an unscoped source are skipped with a warning when they cannot comply.
 */
export function planTrafficPolicy(
  policy: TrafficPolicy,
  topo: Topology,
): PlanResult {
  const ref = policyRef(policy);
  const errors: Diagnostic[] = [];
  const warnings: Diagnostic[] = [];
  const spec = policy.spec;
  const dest = spec.destination;
  const err = (path: string, message: string) =>
    errors.push({ policy: ref, path, message });

  const missing = checks.unknownService(topo, dest.namespace, dest.service);
  if (missing) {
    err('spec.destination.service', missing);
    return { plans: [], errors, warnings };
  }
  const portProblem = checks.checkPort(
    topo,
    dest.namespace,
    dest.service,
    dest.port,
  );
  if (portProblem) err('spec.destination.port', portProblem);

  const sources = spec.sources ?? [];
  const explicit = new Set<string>();
  sources.forEach((s, i) => {
    if (!s.cluster) return;
    const unknown = checks.unknownCluster(topo, s.cluster);
    if (unknown) err(`spec.sources.${i}.cluster`, unknown);
    else explicit.add(s.cluster);
  });
  const implicit = sources.length === 0 || sources.some(s => !s.cluster);
  const candidates = new Set(explicit);
  explicit.forEach(c => {
    if (!topo.hasNamespace(c, dest.namespace))
      err(
        'spec.sources',
        `${c} has no ${dest.namespace} namespace, where this policy's ${dest.service} routes must live: create the namespace there, or drop ${c} from the sources`,
      );
  });
  if (implicit) {
    const serving = topo.servingClusters(dest.namespace, dest.service);
    for (const c of topo.clusterNames()) {
      if (!topo.meshKind(c) || !serving.some(s => topo.reach(c, s))) continue;
      // A client's routes for the host go into the destination's namespace, and only mean
      // something where the client's registry holds the host (it serves it or reads the
      // endpoints of a cluster that does); elsewhere they would be written for nothing, or
      // fail to apply because the namespace does not exist.
      const knowsHost = serving.some(
        s => s === c || topo.reach(c, s) === 'shared-endpoint-discovery',
      );
      const hasNamespace = topo.hasNamespace(c, dest.namespace);
      if (knowsHost && hasNamespace) {
        candidates.add(c);
      } else if (!explicit.has(c)) {
        warnings.push({
          policy: ref,
          path: 'spec.sources',
          message: `not applied from ${c}, which the unscoped source implies: ${
            hasNamespace
              ? `${dest.service}.${dest.namespace} is not in its registry (it reaches it only through an east-west gateway); name ${c} as a source and route to a named cluster to route from there`
              : `it has no ${dest.namespace} namespace to hold the routes for ${dest.service}.${dest.namespace}`
          }`,
        });
      }
    }
  }
  if (errors.length > 0) return { plans: [], errors, warnings };

  const plans: ClientPlan[] = [];
  for (const client of [...candidates].sort(compareStrings)) {
    const problems: Diagnostic[] = [];
    const plan = planClient(policy, ref, client, topo, problems, warnings);
    if (problems.length === 0 && plan) {
      plans.push(plan);
    } else if (explicit.has(client)) {
      errors.push(...problems);
    } else {
      for (const p of problems) {
        warnings.push({
          ...p,
          message: `skipped client cluster ${client}, which the unscoped source implies: ${p.message}`,
        });
      }
    }
  }
  if (plans.length === 0 && errors.length === 0) {
    err(
      'spec.sources',
      `no client cluster can apply this policy: name a source cluster that reaches ${dest.service}.${dest.namespace}`,
    );
  }
  return { plans, errors, warnings };
}

function planClient(
  policy: TrafficPolicy,
  ref: string,
  client: string,
  topo: Topology,
  problems: Diagnostic[],
  warnings: Diagnostic[],
): ClientPlan | undefined {
  const spec = policy.spec;
  const dest = spec.destination;
  const problem = (path: string, message: string) =>
    problems.push({ policy: ref, path, message });
  const mesh = topo.meshKind(client);
  if (!mesh) {
    problem(
      'spec.sources',
      `${client} runs no mesh control plane: install Istio or Linkerd there, or drop it from the sources`,
    );
    return undefined;
  }

  const applicable = (spec.sources ?? []).filter(
    s => !s.cluster || s.cluster === client,
  );
  const unrestricted =
    applicable.length === 0 || applicable.some(s => !s.namespace && !s.labels);
  const sources: SourceMatch[] = unrestricted
    ? []
    : applicable.map(s => ({ namespace: s.namespace, labels: s.labels }));

  const resolve = (
    target: RouteTarget,
    path: string,
    weight: number,
  ): ResolvedTarget | undefined => {
    const before = problems.length;
    const subset = target.subset ?? {};
    let reach: ResolvedTarget['reach'] = 'registry';
    let visible: string[];
    if (target.cluster) {
      const msg =
        checks.unknownCluster(topo, target.cluster) ??
        checks.notServedIn(
          topo,
          dest.namespace,
          dest.service,
          target.cluster,
        ) ??
        checks.unreachable(topo, client, target.cluster);
      if (msg) {
        problem(`${path}.cluster`, msg);
        return undefined;
      }
      reach = topo.reach(client, target.cluster)!;
      visible = [target.cluster];
      const mtls =
        checks.rootMismatch(topo, client, target.cluster) ??
        checks.trustDomainsMismatch(topo, client, target.cluster);
      if (mtls) problem(`${path}.cluster`, mtls);
      const unknownRoot = checks.unknownRoot(topo, client, target.cluster);
      if (unknownRoot)
        warnings.push({
          policy: ref,
          path: `${path}.cluster`,
          message: unknownRoot,
        });
      if (
        mesh === 'istio' &&
        (reach === 'linkerd-multicluster' ||
          topo.meshKind(target.cluster) !== 'istio')
      ) {
        problem(
          `${path}.cluster`,
          `${client} runs Istio but ${target.cluster} is reached through Linkerd multicluster: Istio cannot route there; pick an Istio cluster`,
        );
      }
      if (
        mesh === 'linkerd' &&
        reach !== 'local' &&
        reach !== 'linkerd-multicluster'
      ) {
        problem(
          `${path}.cluster`,
          `${client} runs Linkerd and reaches ${target.cluster} only through ${reach}: link them with Linkerd multicluster`,
        );
      }
      if (
        reach === 'gateway-federation' &&
        topo.eastWestGateways(target.cluster).length === 0
      ) {
        problem(
          `${path}.cluster`,
          `${target.cluster} has no east-west gateway with an address: expose one (port 15443) before routing to it from ${client}`,
        );
      }
    } else {
      // Without a cluster the target is whatever the client's own registry holds for the host.
      visible = topo
        .servingClusters(dest.namespace, dest.service)
        .filter(
          s =>
            s === client ||
            topo.reach(client, s) === 'shared-endpoint-discovery',
        );
      for (const s of visible) {
        const td = checks.trustDomainsMismatch(topo, client, s);
        if (td) problem(path, td);
      }
      if (visible.length === 0) {
        problem(
          path,
          `${client} has no local view of ${dest.service}.${
            dest.namespace
          } (it runs in ${checks.list(
            topo.servingClusters(dest.namespace, dest.service),
          )}): name the serving cluster in this target`,
        );
        return undefined;
      }
    }
    if (Object.keys(subset).length > 0) {
      if (mesh === 'linkerd') {
        problem(
          `${path}.subset`,
          `${client} runs Linkerd, which has no subsets: route to a Service per version, or drop the subset`,
        );
      } else {
        const msg = checks.unknownSubset(
          topo,
          dest.namespace,
          dest.service,
          visible,
          subset,
        );
        if (msg) problem(`${path}.subset`, msg);
      }
    }
    if (problems.length > before) return undefined;
    return { cluster: target.cluster, subset, reach, weight };
  };

  const route = spec.route?.map((t, i) =>
    resolve(t, `spec.route.${i}`, t.weight),
  );
  const mirror = spec.mirror
    ? resolve(spec.mirror, 'spec.mirror', 0)
    : undefined;

  if (mesh === 'linkerd') {
    const linkerd = linkerdClientProblems(topo, client, spec);
    for (const p of linkerd.problems) problem(p.path, p.message);
    warnings.push(...linkerd.warnings.map(w => ({ ...w, policy: ref })));
    for (const field of LINKERD_UNSUPPORTED) {
      if (spec[field])
        problem(
          `spec.${field}`,
          `${client} runs Linkerd, which cannot apply ${field}: remove it or scope the sources to Istio clusters`,
        );
    }
    if (sources.length > 0) {
      problem(
        'spec.sources',
        `${client} runs Linkerd, whose routes apply to every client: drop namespace/labels from the sources for ${client}`,
      );
    }
    (spec.match ?? []).forEach((m, i) => {
      for (const [name, value] of Object.entries(m.headers ?? {})) {
        if ('prefix' in value)
          problem(
            `spec.match.${i}.headers.${name}`,
            `${client} runs Linkerd, whose routes match headers exactly: use exact`,
          );
      }
    });
  }
  if (problems.length > 0) return undefined;
  return {
    policy: ref,
    client,
    mesh,
    destination: dest,
    scopePort:
      checks.servicePorts(topo, dest.namespace, dest.service).length > 1
        ? dest.port
        : undefined,
    sources,
    matches: spec.match ?? [],
    policySpec: spec,
    route: route as ResolvedTarget[] | undefined,
    mirror:
      mirror && spec.mirror
        ? { ...mirror, percent: spec.mirror.percent }
        : undefined,
  };
}
