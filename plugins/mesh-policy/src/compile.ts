import type { Fleet } from '@meshport/backstage-plugin-mesh-common';
import { Conflict, findExistingConfig, mergeTrafficPlans } from './conflicts';
import { POLICIES_ANNOTATION } from './constants';
import { Diagnostic, compareStrings, sortDiagnostics } from './diagnostics';
import { Topology } from './fleet/topology';
import { Policy, policyRef } from './schema/policy';
import type { AccessPolicy } from './schema/accessPolicy';
import type { TrafficPolicy } from './schema/trafficPolicy';
import type { VirtualDestination } from './schema/virtualDestination';
import { compileAccessPolicy } from './translate/access';
import { compileVirtualDestination } from './translate/istio/virtualDestination';
import { translateIstioTraffic } from './translate/istio/traffic';
import { translateLinkerdTraffic } from './translate/linkerd/httpRoute';
import { MeshResource, ResourceSet } from './translate/resources';
import { handWrittenProblem, SchemaValidator } from './translate/schemaCheck';
import { ClientPlan, planTrafficPolicy } from './translate/trafficPlan';

export interface CompileResult {
  /** True when there is nothing to fix: no errors and no conflicts. */
  ok: boolean;
  /** Rendered objects per cluster name, sorted by kind, namespace and name. */
  resources: Record<string, MeshResource[]>;
  conflicts: Conflict[];
  warnings: Diagnostic[];
  errors: Diagnostic[];
}

export interface CompileOptions {
  /**
   * Checks every rendered object against its CRD schema; get it once from
   * `loadSchemaValidator()`. Without it only the Linkerd and Gateway API shapes are checked.
   */
  validateSchema?: SchemaValidator;
}

const CLUSTER_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Compiles policies against a fleet snapshot into per-cluster Istio / Linkerd objects. Pure and
 * deterministic: the same policies and fleet, in any order, give the same result.
 */
export function compile(
  policies: Policy[],
  fleet: Fleet,
  options: CompileOptions = {},
): CompileResult {
  const errors: Diagnostic[] = [];
  const warnings: Diagnostic[] = [];
  const conflicts: Conflict[] = [];

  // Cluster names become directory names; one that is not a DNS label is left out, loudly.
  const usable = fleet.clusters.filter(
    c => CLUSTER_NAME.test(c.name) && c.name.length <= 63,
  );
  for (const c of fleet.clusters.filter(x => !usable.includes(x))) {
    warnings.push({
      path: '',
      message: `fleet cluster "${c.name}" is ignored: its name is not a DNS-1123 label, so it cannot name a rendered/ directory; rename it in the Backstage kubernetes config`,
    });
  }
  const topo = new Topology({ ...fleet, clusters: usable });

  const sorted = [...policies].sort((a, b) =>
    compareStrings(policyRef(a), policyRef(b)),
  );
  const seen = new Set<string>();
  const unique = sorted.filter(p => {
    const ref = policyRef(p);
    if (seen.has(ref)) {
      errors.push({
        policy: ref,
        path: 'metadata.name',
        message: `two policies are named ${ref}: rename one`,
      });
      return false;
    }
    seen.add(ref);
    return true;
  });

  const out = new ResourceSet();
  const plans: ClientPlan[] = [];
  for (const p of unique.filter(
    (x): x is TrafficPolicy => x.kind === 'TrafficPolicy',
  )) {
    const r = planTrafficPolicy(p, topo);
    errors.push(...r.errors);
    warnings.push(...r.warnings);
    if (r.errors.length === 0) plans.push(...r.plans);
  }
  const merged = mergeTrafficPlans(plans);
  conflicts.push(
    ...merged.conflicts,
    ...findExistingConfig(merged.destinations, topo.fleet),
  );
  for (const dp of merged.destinations) {
    if (dp.mesh === 'istio') translateIstioTraffic(dp, topo, out);
    else translateLinkerdTraffic(dp, topo, out);
  }

  for (const p of unique.filter(
    (x): x is AccessPolicy => x.kind === 'AccessPolicy',
  )) {
    const r = compileAccessPolicy(p, topo, out);
    errors.push(...r.errors);
    warnings.push(...r.warnings);
  }

  const hostnames = new Map<string, string>();
  for (const p of unique.filter(
    (x): x is VirtualDestination => x.kind === 'VirtualDestination',
  )) {
    const owner = hostnames.get(p.spec.hostname);
    if (owner) {
      conflicts.push({
        kind: 'hostname',
        policies: [owner, policyRef(p)],
        field: 'hostname',
        clusters: [],
        message: `${owner} and ${policyRef(p)} both define the hostname ${
          p.spec.hostname
        }: give one of them another hostname`,
      });
      continue;
    }
    hostnames.set(p.spec.hostname, policyRef(p));
    const r = compileVirtualDestination(p, topo, out);
    errors.push(...r.errors);
    warnings.push(...r.warnings);
  }

  const resources = out.finish();
  for (const [cluster, list] of Object.entries(resources)) {
    for (const r of list) {
      const problem = (options.validateSchema ?? handWrittenProblem)(r);
      if (problem) {
        errors.push({
          policy: r.metadata.annotations[POLICIES_ANNOTATION],
          path: '',
          message: `internal error: the ${r.kind} ${r.metadata.namespace}/${r.metadata.name} rendered for ${cluster} fails its schema (${problem}); please report this with the policy`,
        });
      }
    }
  }

  const sortedErrors = sortDiagnostics(errors);
  return {
    ok: sortedErrors.length === 0 && conflicts.length === 0,
    resources,
    conflicts,
    warnings: dedupe(sortDiagnostics(warnings)),
    errors: dedupe(sortedErrors),
  };
}

function dedupe(list: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return list.filter(d => {
    const key = `${d.policy}\u0000${d.path}\u0000${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
