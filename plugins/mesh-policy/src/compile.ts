import {
  CLUSTER_NAME_RULE,
  type Fleet,
  followsRule,
} from '@meshport/backstage-plugin-mesh-common';
import { admissionFindings } from './admission';
import { Conflict, findExistingConfig } from './conflicts';
import { POLICIES_ANNOTATION } from './constants';
import { Diagnostic, compareStrings, sortDiagnostics } from './diagnostics';
import { Topology } from './fleet/topology';
import { mergeTrafficPlans } from './plan/mergeTrafficPlans';
import { planTrafficPolicy } from './plan/planTrafficPolicy';
import type { ClientPlan } from './plan/types';
import { Policy, policyRef } from './schema/policy';
import type { AccessPolicy } from './schema/accessPolicy';
import type { TrafficPolicy } from './schema/trafficPolicy';
import type { VirtualDestination } from './schema/virtualDestination';
import { compileAccessPolicy } from './translate/access';
import { compileVirtualDestination } from './translate/istio/virtualDestination';
import { translateIstioTraffic } from './translate/istio/traffic';
import { ServingSubsets } from './translate/istio/servingSubsets';
import { translateLinkerdTraffic } from './translate/linkerd/httpRoute';
import { MeshResource, ResourceSet } from './translate/resources';
import { handWrittenProblem, SchemaValidator } from './translate/schemaCheck';
import type { ClusterObject, MeshSettings } from './verify/types';
import { PolicyVerification, verifyPolicies } from './verify/verifyPolicies';

export interface CompileResult {
  /** True when there is nothing to fix: no errors and no conflicts. */
  ok: boolean;
  /** Rendered objects per cluster name, sorted by kind, namespace and name. */
  resources: Record<string, MeshResource[]>;
  conflicts: Conflict[];
  warnings: Diagnostic[];
  errors: Diagnostic[];
  /** What the verifier found for each policy that compiled without errors or conflicts. */
  verification: PolicyVerification[];
}

export interface CompileOptions {
  /**
   * Checks every rendered object against its CRD schema; get it once from
   * `loadSchemaValidator()`. Without it only the Linkerd and Gateway API shapes are checked.
   */
  validateSchema?: SchemaValidator;
  /** Mesh config the fleet does not carry (trust domain aliases), per cluster, for verification. */
  meshSettings?: Record<string, MeshSettings>;
  /** Hand-written objects the clusters hold, per cluster: verification sees them beside ours. */
  existingResources?: Record<string, ClusterObject[]>;
}

/** The topology the compiler works on, and the warnings about clusters it leaves out. */
export function fleetTopology(fleet: Fleet): {
  topo: Topology;
  warnings: Diagnostic[];
} {
  // Cluster names become directory names; one that is not a DNS label is left out, loudly.
  const usable = fleet.clusters.filter(c =>
    followsRule(CLUSTER_NAME_RULE, c.name),
  );
  const warnings: Diagnostic[] = fleet.clusters
    .filter(x => !usable.includes(x))
    .map(c => ({
      path: '',
      message: `fleet cluster "${c.name}" is ignored: its name is not a DNS-1123 label, so it cannot name a rendered/ directory; rename it in the Backstage kubernetes config`,
    }));
  return { topo: new Topology({ ...fleet, clusters: usable }), warnings };
}

/** The error for every policy after the first with the same ref; only the first is compiled. */
export function duplicateError(ref: string): Diagnostic {
  return {
    policy: ref,
    path: 'metadata.name',
    message: `two policies are named ${ref}: rename one`,
  };
}

/** The conflict of a VirtualDestination whose hostname an earlier one (in ref order) owns. */
export function hostnameConflict(
  owner: string,
  vd: VirtualDestination,
): Conflict {
  return {
    kind: 'hostname',
    policies: [owner, policyRef(vd)],
    field: 'hostname',
    clusters: [],
    message: `${owner} and ${policyRef(vd)} both define the hostname ${
      vd.spec.hostname
    }: give one of them another hostname`,
  };
}

/** The error for an object that fails its CRD schema (a compiler bug, not the policy's). */
export function schemaError(
  cluster: string,
  r: MeshResource,
  problem: string,
): Diagnostic {
  return {
    policy: r.metadata.annotations[POLICIES_ANNOTATION],
    path: '',
    message: `internal error: the ${r.kind} ${r.metadata.namespace}/${r.metadata.name} rendered for ${cluster} fails its schema (${problem}); please report this with the policy`,
  };
}

/**
 * What stands between a rendered object and the cluster: its CRD schema, then Istio's
 * validating webhook (`admissionFindings`, ported from istio/istio pkg/config/validation). A
 * webhook error means the API server would refuse the object, so the compile is refused with
 * the webhook's own message; its warnings are passed on.
 */
export function objectProblems(
  cluster: string,
  r: MeshResource,
  validateSchema: SchemaValidator,
): { errors: Diagnostic[]; warnings: Diagnostic[] } {
  const errors: Diagnostic[] = [];
  const warnings: Diagnostic[] = [];
  const problem = validateSchema(r);
  if (problem) errors.push(schemaError(cluster, r, problem));
  const policy = r.metadata.annotations[POLICIES_ANNOTATION];
  const what = `the ${r.kind} ${r.metadata.namespace}/${r.metadata.name} rendered for ${cluster}`;
  for (const f of admissionFindings(r)) {
    if (f.warning)
      warnings.push({
        policy,
        path: '',
        message: `Istio's admission webhook warns about ${what}: ${f.message}`,
      });
    else
      errors.push({
        policy,
        path: '',
        message: `Istio's admission webhook would reject ${what}: ${f.message}`,
      });
  }
  return { errors, warnings };
}

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
  const conflicts: Conflict[] = [];
  const prepared = fleetTopology(fleet);
  const warnings: Diagnostic[] = [...prepared.warnings];
  const topo = prepared.topo;

  const sorted = [...policies].sort((a, b) =>
    compareStrings(policyRef(a), policyRef(b)),
  );
  const seen = new Set<string>();
  const unique = sorted.filter(p => {
    const ref = policyRef(p);
    if (seen.has(ref)) {
      errors.push(duplicateError(ref));
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
  conflicts.push(...merged.conflicts);
  const existingConfig = findExistingConfig(merged.destinations, topo.fleet);
  const servingSubsets = new ServingSubsets();
  for (const dp of merged.destinations) {
    if (dp.mesh === 'istio')
      translateIstioTraffic(dp, topo, out, servingSubsets);
    else translateLinkerdTraffic(dp, topo, out);
  }
  errors.push(...servingSubsets.render(out));

  for (const p of unique.filter(
    (x): x is AccessPolicy => x.kind === 'AccessPolicy',
  )) {
    const r = compileAccessPolicy(p, topo, out);
    errors.push(...r.errors);
    warnings.push(...r.warnings);
    existingConfig.push(...r.conflicts);
  }
  // two grants can collide with one Server in the same words
  conflicts.push(
    ...existingConfig.sort(
      (a, b) =>
        compareStrings(a.message, b.message) ||
        compareStrings(a.policies.join(','), b.policies.join(',')),
    ),
  );

  const hostnames = new Map<string, string>();
  for (const p of unique.filter(
    (x): x is VirtualDestination => x.kind === 'VirtualDestination',
  )) {
    const owner = hostnames.get(p.spec.hostname);
    if (owner) {
      conflicts.push(hostnameConflict(owner, p));
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
      const p = objectProblems(
        cluster,
        r,
        options.validateSchema ?? handWrittenProblem,
      );
      errors.push(...p.errors);
      warnings.push(...p.warnings);
    }
  }

  const verified = verifyCompiled(
    unique,
    topo,
    resources,
    errors,
    conflicts,
    options,
  );
  errors.push(...verified.errors);

  const sortedErrors = sortDiagnostics(errors);
  return {
    ok: sortedErrors.length === 0 && conflicts.length === 0,
    resources,
    conflicts,
    warnings: dedupe(sortDiagnostics(warnings)),
    errors: dedupe(sortedErrors),
    verification: verified.verifications,
  };
}

/** Policies verification leaves out: they already failed to compile or conflict. */
export function unverifiable(
  errors: Diagnostic[],
  conflicts: Conflict[],
): Set<string> {
  return new Set<string>([
    ...errors.flatMap(e => (e.policy ?? '').split(',')),
    ...conflicts.flatMap(c => c.policies),
  ]);
}

/** What the clusters would hold: the rendered objects beside the hand-written ones. */
export function heldObjects(
  resources: Record<string, MeshResource[]>,
  existing: Record<string, ClusterObject[]> = {},
): Record<string, ClusterObject[]> {
  const held: Record<string, ClusterObject[]> = {};
  for (const c of new Set([
    ...Object.keys(resources),
    ...Object.keys(existing),
  ]))
    held[c] = [...(resources[c] ?? []), ...(existing[c] ?? [])];
  return held;
}

/**
 * Every compile verifies (the incremental renderer too): policies that compiled cleanly are
 * traced through what the clusters would hold, and one that does not do in Istio what it
 * says is refused.
 */
export function verifyCompiled(
  policies: Policy[],
  topo: Topology,
  resources: Record<string, MeshResource[]>,
  errors: Diagnostic[],
  conflicts: Conflict[],
  options: CompileOptions,
) {
  return verifyPolicies(
    policies,
    topo,
    heldObjects(resources, options.existingResources),
    {
      meshSettings: options.meshSettings,
      skip: unverifiable(errors, conflicts),
    },
  );
}

export function dedupe(list: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return list.filter(d => {
    const key = `${d.policy}\u0000${d.path}\u0000${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
