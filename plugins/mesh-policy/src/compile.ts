import {
  CLUSTER_NAME_RULE,
  type Fleet,
  followsRule,
} from '@meshport/backstage-plugin-mesh-common';
import { admissionFindings } from './admission';
import { stableStringify } from './canonical';
import {
  CompileMemo,
  Keyed,
  MemoContext,
  MemoInputs,
  RenderedObject,
  Unit,
  Verified,
} from './compileMemo';
import { Conflict, findExistingConfig } from './conflicts';
import { POLICIES_ANNOTATION } from './constants';
import { Diagnostic, compareStrings, diagnosticSortKey } from './diagnostics';
import { Topology } from './fleet/topology';
import { mergeTrafficPlans } from './plan/mergeTrafficPlans';
import { planTrafficPolicy } from './plan/planTrafficPolicy';
import type { ClientPlan, DestinationPlan } from './plan/types';
import { Policy, policyRef } from './schema/policy';
import type { AccessPolicy } from './schema/accessPolicy';
import type { TrafficPolicy } from './schema/trafficPolicy';
import type { VirtualDestination } from './schema/virtualDestination';
import { compileAccessPolicy } from './translate/access';
import { compileVirtualDestination } from './translate/istio/virtualDestination';
import { translateIstioTraffic } from './translate/istio/traffic';
import { ServingSubsets } from './translate/istio/servingSubsets';
import { translateLinkerdTraffic } from './translate/linkerd/httpRoute';
import {
  MeshResource,
  meshResource,
  ResourceEntry,
  ResourceSet,
} from './translate/resources';
import { handWrittenProblem, SchemaValidator } from './translate/schemaCheck';
import { hostsRead, objectReads } from './verify/dependencies';
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
  /**
   * Work kept from earlier compiles (`createCompileMemo()`): what is unchanged is reused, and
   * the result is the same as without it, byte for byte. Long-lived callers that compile the
   * same repository again and again keep one (the scaffolder action, the live preview).
   */
  memo?: CompileMemo;
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
 * deterministic: the same policies and fleet, in any order, give the same result, with or
 * without a memo.
 */
export function compile(
  policies: Policy[],
  fleet: Fleet,
  options: CompileOptions = {},
): CompileResult {
  const {
    objects: _objects,
    json: _json,
    ...result
  } = compileObjects(policies, fleet, options);
  options.memo?.end();
  return result;
}

/**
 * What `compile` found, with the rendered objects it kept for `renderRepository`. The caller
 * ends the memo's compile (`memo.end()`) once it has used what it needs of the memo.
 */
export interface CompiledObjects extends CompileResult {
  /** Every rendered object, sorted by key (cluster, kind, namespace, name). */
  objects: RenderedObject[];
  /** The JSON of each policy passed, as compiled: what the memo is keyed by. */
  json: ReadonlyMap<Policy, string>;
}

const keyed = (list: Diagnostic[]): Keyed[] =>
  list.map(d => [diagnosticSortKey(d), d]);

/** Each policy's JSON: what the memo is keyed by. */
export function policyJson(policies: Policy[]): ReadonlyMap<Policy, string> {
  return new Map(policies.map(p => [p, JSON.stringify(p)]));
}

/** What a memo's work depends on besides the policies. */
export function memoInputs(fleet: Fleet, options: CompileOptions): MemoInputs {
  return {
    fleet,
    meshSettings: options.meshSettings,
    existingResources: options.existingResources,
    validateSchema: options.validateSchema ?? handWrittenProblem,
  };
}

/** The context a memo prepares once per set of inputs: the topology and its warnings. */
export function prepareContext(from: MemoInputs): Omit<MemoContext, 'inputs'> {
  const prepared = fleetTopology(from.fleet);
  return { topo: prepared.topo, fleetWarnings: keyed(prepared.warnings) };
}

/** A policy of this compile: the first of its ref, and its JSON, which the memo is keyed by. */
interface Input {
  ref: string;
  json: string;
  policy: Policy;
  /** What is compiled: a private copy of the JSON, so callers' later edits cannot leak in. */
  copy?: Policy;
}

const SEP = '\u0000';

/** As `sortDiagnostics`: a stable sort on the same key. */
const sortKeyed = (list: Keyed[]): Diagnostic[] =>
  list.sort((a, b) => compareStrings(a[0], b[0])).map(k => k[1]);

const copyOf = (input: Input): Policy =>
  (input.copy ??= JSON.parse(input.json) as Policy);

/**
 * The one compile orchestration. Compilation splits into units whose outputs depend on nothing
 * else: the TrafficPolicies of one destination service (field ownership, merges and conflicts
 * are per destination), each AccessPolicy, and each VirtualDestination that owns its hostname
 * (the first in ref order). Each unit compiles into objects of its own; an object only one unit
 * writes is that unit's, the AUTO_PASSTHROUGH Gateway many units add hosts to is merged, and any
 * other object two units write (a name collision) is rebuilt by running those units in this
 * order into one set. With a memo, a unit, an object or a verification whose inputs are
 * unchanged is taken from the previous compile instead of being computed again.
 */
export function compileObjects(
  policies: Policy[],
  fleet: Fleet,
  options: CompileOptions = {},
  /** `policyJson(policies)`, when the caller has it already. */
  knownJson?: ReadonlyMap<Policy, string>,
): CompiledObjects {
  const given = memoInputs(fleet, options);
  const memo = options.memo ?? new CompileMemo();
  // A throwaway memo is never asked again: no need for a private copy of the inputs.
  const ctx: MemoContext = options.memo
    ? memo.begin(given, prepareContext)
    : { inputs: given, ...prepareContext(given) };

  const errors: Keyed[] = [];
  const warnings: Keyed[] = [...ctx.fleetWarnings];
  const json = knownJson ?? policyJson(policies);
  const inputs = uniqueInputs(policies, json, errors);

  // The units, in the order compile runs them: traffic per destination, then AccessPolicies,
  // then VirtualDestinations, each in ref order.
  const traffic = new Map<string, Input[]>();
  const access: Input[] = [];
  const hosts: Input[] = [];
  const hostConflicts: Conflict[] = [];
  const hostnames = new Map<string, string>();
  for (const input of inputs) {
    const p = input.policy;
    if (p.kind === 'TrafficPolicy') {
      const id = `${p.spec.destination.namespace}${SEP}${p.spec.destination.service}`;
      traffic.set(id, [...(traffic.get(id) ?? []), input]);
    } else if (p.kind === 'AccessPolicy') {
      access.push(input);
    } else {
      const owner = hostnames.get(p.spec.hostname);
      if (owner) {
        hostConflicts.push(hostnameConflict(owner, p));
        continue;
      }
      hostnames.set(p.spec.hostname, input.ref);
      hosts.push(input);
    }
  }
  const units: Unit[] = [
    ...[...traffic.values()].map(group =>
      unitThrough(
        memo,
        `traffic${SEP}${group.map(i => i.json).join(SEP)}`,
        uid => trafficUnit(uid, group, ctx.topo),
      ),
    ),
    ...access.map(input =>
      unitThrough(memo, `access${SEP}${input.json}`, uid =>
        accessUnit(uid, input, ctx.topo),
      ),
    ),
    ...hosts.map(input =>
      unitThrough(memo, `host${SEP}${input.json}`, uid =>
        hostUnit(uid, input, ctx.topo),
      ),
    ),
  ];

  const objects = assembleObjects(memo, ctx, units);
  const resources: Record<string, MeshResource[]> = {};
  for (const o of objects) (resources[o.cluster] ??= []).push(o.resource);

  const fieldConflicts: Conflict[] = [];
  const existingConfig: Conflict[] = [];
  for (const u of units) {
    errors.push(...u.errors);
    warnings.push(...u.warnings);
    fieldConflicts.push(...u.fieldConflicts);
    existingConfig.push(...u.existingConfig);
  }
  for (const o of objects) {
    errors.push(...o.errors);
    warnings.push(...o.warnings);
  }
  const byMessage = (x: Conflict, y: Conflict) =>
    compareStrings(x.message, y.message);
  const conflicts = [
    ...fieldConflicts.sort(byMessage),
    // two grants can collide with one Server in the same words
    ...existingConfig.sort(
      (x, y) =>
        byMessage(x, y) ||
        compareStrings(x.policies.join(','), y.policies.join(',')),
    ),
    ...hostConflicts,
  ];

  const verified = verifyInputs(
    memo,
    ctx,
    inputs,
    objects,
    resources,
    errors.map(k => k[1]),
    conflicts,
  );
  errors.push(...keyed(verified.errors));

  const sortedErrors = sortKeyed(errors);
  return {
    ok: sortedErrors.length === 0 && conflicts.length === 0,
    resources,
    objects,
    json,
    conflicts,
    warnings: dedupe(sortKeyed(warnings)),
    errors: dedupe(sortedErrors),
    verification: verified.verifications,
  };
}

/** The first policy of each ref, in ref order; every later one is an error. */
function uniqueInputs(
  policies: Policy[],
  json: ReadonlyMap<Policy, string>,
  errors: Keyed[],
): Input[] {
  const sorted = policies
    .map(policy => ({ policy, ref: policyRef(policy) }))
    .sort((a, b) => compareStrings(a.ref, b.ref));
  const inputs: Input[] = [];
  for (const { policy, ref } of sorted) {
    if (inputs.length > 0 && inputs[inputs.length - 1].ref === ref) {
      errors.push(...keyed([duplicateError(ref)]));
      continue;
    }
    inputs.push({ ref, policy, json: json.get(policy)! });
  }
  return inputs;
}

function unitThrough(
  memo: CompileMemo,
  key: string,
  make: (uid: number) => Unit,
): Unit {
  return memo.units.through(key, () => {
    memo.stats.recompiledUnits++;
    return make(memo.nextUid());
  });
}

function translate(
  dp: DestinationPlan,
  topo: Topology,
  out: ResourceSet,
  serving: ServingSubsets,
) {
  if (dp.mesh === 'istio') translateIstioTraffic(dp, topo, out, serving);
  else translateLinkerdTraffic(dp, topo, out);
}

function trafficUnit(uid: number, group: Input[], topo: Topology): Unit {
  const errors: Diagnostic[] = [];
  const warnings: Diagnostic[] = [];
  const plans: ClientPlan[] = [];
  for (const input of group) {
    const r = planTrafficPolicy(copyOf(input) as TrafficPolicy, topo);
    errors.push(...r.errors);
    warnings.push(...r.warnings);
    if (r.errors.length === 0) plans.push(...r.plans);
  }
  const merged = mergeTrafficPlans(plans);
  const out = new ResourceSet();
  const serving = new ServingSubsets();
  for (const dp of merged.destinations) translate(dp, topo, out, serving);
  errors.push(...serving.render(out));
  return {
    uid,
    kind: 'traffic',
    rendered: new Map(),
    ref: group[0].ref,
    entries: out.byKey(),
    errors: keyed(errors),
    warnings: keyed(warnings),
    fieldConflicts: merged.conflicts,
    existingConfig: findExistingConfig(merged.destinations, topo.fleet),
    dps: merged.destinations,
  };
}

function accessUnit(uid: number, input: Input, topo: Topology): Unit {
  const policy = copyOf(input) as AccessPolicy;
  const out = new ResourceSet();
  const r = compileAccessPolicy(policy, topo, out);
  return {
    uid,
    kind: 'access',
    rendered: new Map(),
    ref: input.ref,
    entries: out.byKey(),
    errors: keyed(r.errors),
    warnings: keyed(r.warnings),
    fieldConflicts: [],
    existingConfig: r.conflicts,
    dps: [],
    policy,
  };
}

function hostUnit(uid: number, input: Input, topo: Topology): Unit {
  const policy = copyOf(input) as VirtualDestination;
  const out = new ResourceSet();
  const r = compileVirtualDestination(policy, topo, out);
  return {
    uid,
    kind: 'host',
    rendered: new Map(),
    ref: input.ref,
    entries: out.byKey(),
    errors: keyed(r.errors),
    warnings: keyed(r.warnings),
    fieldConflicts: [],
    existingConfig: [],
    dps: [],
    policy,
  };
}

/**
 * Every object the units write, sorted by key: an object one unit writes is kept on the unit,
 * one several write is kept in the memo under their uids.
 */
function assembleObjects(
  memo: CompileMemo,
  ctx: MemoContext,
  units: Unit[],
): RenderedObject[] {
  const writers = new Map<string, Unit[]>();
  for (const u of units)
    for (const key of u.entries.keys()) {
      const list = writers.get(key);
      if (list) list.push(u);
      else writers.set(key, [u]);
    }
  const render = (id: string, entry: () => ResourceEntry | undefined) => {
    const kept = memo.objects.get(id);
    if (kept) return kept;
    const e = entry();
    if (!e) return undefined;
    memo.stats.recomputedObjects++;
    return memo.objects.set(id, renderObject(memo, ctx, e));
  };
  const objects: RenderedObject[] = [];
  const collisions: string[] = [];
  for (const [key, list] of writers) {
    if (list.length === 1) {
      // The object of one unit lives as long as the unit: no key to build and hash.
      const [unit] = list;
      let o = unit.rendered.get(key);
      if (!o) {
        memo.stats.recomputedObjects++;
        o = renderObject(memo, ctx, unit.entries.get(key)!);
        unit.rendered.set(key, o);
      }
      objects.push(o);
      continue;
    }
    const id = `${list.map(u => u.uid).join(',')}${SEP}${key}`;
    const o = render(id, () =>
      mergeGateway(list.map(u => u.entries.get(key)!)),
    );
    if (o) objects.push(o);
    else collisions.push(key);
  }
  if (collisions.length > 0) {
    const involved = new Set(collisions.flatMap(k => writers.get(k)!));
    const replayed = units.filter(u => involved.has(u));
    const uids = replayed.map(u => u.uid).join(',');
    // Replayed once, on the first collided object the memo does not hold.
    let out: ReadonlyMap<string, ResourceEntry> | undefined;
    const replayedEntry = (key: string) => {
      out ??= replay(replayed, ctx.topo);
      return out.get(key);
    };
    for (const key of collisions) {
      objects.push(
        render(`replay:${uids}${SEP}${key}`, () => replayedEntry(key))!,
      );
    }
  }
  const byKey = new Map(objects.map(o => [o.key, o]));
  return memo.sorted('objects', byKey.keys()).map(k => byKey.get(k)!);
}

function renderObject(
  memo: CompileMemo,
  ctx: MemoContext,
  entry: ResourceEntry,
): RenderedObject {
  const resource = meshResource(entry);
  const p = objectProblems(entry.cluster, resource, ctx.inputs.validateSchema);
  return {
    uid: memo.nextUid(),
    key: entry.key,
    cluster: entry.cluster,
    resource,
    errors: keyed(p.errors),
    warnings: keyed(p.warnings),
    reads: objectReads(resource),
  };
}

/**
 * The federation Gateway of a serving cluster: every unit creates it with the same shape (it
 * depends on the gateway only) and adds its hosts, kept sorted and unique, so the merged object
 * is that shape with the union of the hosts, whatever the order. Undefined for any other object.
 */
function mergeGateway(entries: ResourceEntry[]): ResourceEntry | undefined {
  const shape = gatewayShape(entries[0]);
  if (shape === undefined) return undefined;
  if (entries.some(e => gatewayShape(e) !== shape)) return undefined;
  const hosts = new Set<string>();
  const policies = new Set<string>();
  for (const e of entries) {
    for (const h of serverHosts(e)!) hosts.add(h);
    for (const p of e.policies) policies.add(p);
  }
  const first = entries[0];
  const [server] = first.spec.servers as Record<string, unknown>[];
  return {
    ...first,
    spec: {
      ...first.spec,
      servers: [{ ...server, hosts: [...hosts].sort(compareStrings) }],
    },
    policies,
  };
}

/** The Gateway without its hosts, or undefined for any other object. */
function gatewayShape(e: ResourceEntry): string | undefined {
  if (e.kind !== 'Gateway' || !serverHosts(e)) return undefined;
  const [server] = e.spec.servers as Record<string, unknown>[];
  return stableStringify({
    apiVersion: e.apiVersion,
    spec: { ...e.spec, servers: [{ ...server, hosts: [] }] },
  });
}

function serverHosts(e: ResourceEntry): string[] | undefined {
  const servers = e.spec.servers;
  if (!Array.isArray(servers) || servers.length !== 1) return undefined;
  const hosts = (servers[0] as { hosts?: unknown }).hosts;
  return Array.isArray(hosts) && hosts.every(h => typeof h === 'string')
    ? (hosts as string[])
    : undefined;
}

/** Runs units into one set in compile's order, as one set would have built their objects. */
function replay(
  units: Unit[],
  topo: Topology,
): ReadonlyMap<string, ResourceEntry> {
  const out = new ResourceSet();
  const dpKey = (dp: DestinationPlan) =>
    `${dp.client}${SEP}${dp.destination.namespace}${SEP}${dp.destination.service}`;
  const dps = units
    .flatMap(u => u.dps)
    .sort((x, y) => compareStrings(dpKey(x), dpKey(y)));
  const serving = new ServingSubsets();
  for (const dp of dps) translate(dp, topo, out, serving);
  serving.render(out);
  for (const u of units) {
    if (u.policy?.kind === 'AccessPolicy')
      compileAccessPolicy(u.policy, topo, out);
  }
  for (const u of units) {
    if (u.policy?.kind === 'VirtualDestination')
      compileVirtualDestination(u.policy, topo, out);
  }
  return out.byKey();
}

/**
 * Verification, redone only for the policies whose verification may differ: the policy itself
 * or whether it is verified at all changed, or what its verification read did (the routing
 * objects of a host it traced, the authorization of its destination namespace, the root
 * namespace). What was read is identified by the uids of the objects holding it, so unchanged
 * objects kept by the memo read as unchanged.
 */
function verifyInputs(
  memo: CompileMemo,
  ctx: MemoContext,
  inputs: Input[],
  objects: RenderedObject[],
  resources: Record<string, MeshResource[]>,
  errors: Diagnostic[],
  conflicts: Conflict[],
): { verifications: PolicyVerification[]; errors: Diagnostic[] } {
  // as verifyCompiled decides it
  const skip = unverifiable(errors, conflicts);
  const reads = readIndex(memo, objects);
  // Ids of what a verification read; compared element by element, no string built per policy.
  const readIds = (p: Policy, hosts: string[]) => [
    reads.everyone(),
    reads.namespace(p.spec.destination.namespace),
    ...hosts.map(h => reads.host(h)),
  ];
  const stillReads = (p: Policy, kept: Verified) => {
    const now = readIds(p, kept.hosts);
    return now.every((id, n) => id === kept.reads[n]);
  };
  const stale = inputs.filter(i => {
    const kept = memo.verified.get(i.ref);
    return !(
      kept &&
      kept.json === i.json &&
      kept.skipped === skip.has(i.ref) &&
      stillReads(i.policy, kept)
    );
  });
  if (stale.length > 0) {
    memo.stats.reverifiedPolicies += stale.length;
    const r = verifyCompiled(
      stale.map(copyOf),
      ctx.topo,
      resources,
      errors,
      conflicts,
      ctx.inputs,
    );
    const byRef = new Map(r.verifications.map(v => [v.policy, v]));
    const errorsOf = new Map<string, Diagnostic[]>();
    for (const e of r.errors)
      errorsOf.set(e.policy!, [...(errorsOf.get(e.policy!) ?? []), e]);
    for (const i of stale) {
      const verification = byRef.get(i.ref);
      const hosts = hostsRead(verification);
      memo.verified.set(i.ref, {
        json: i.json,
        skipped: skip.has(i.ref),
        reads: readIds(i.policy, hosts),
        hosts,
        verification,
        errors: errorsOf.get(i.ref) ?? [],
      });
    }
  }
  const all = inputs.map(i => memo.verified.get(i.ref)!);
  return {
    verifications: all.flatMap(v => (v.verification ? [v.verification] : [])),
    errors: all.flatMap(v => v.errors),
  };
}

/**
 * Per host and namespace, a short id standing for the objects the verifier reads there: the
 * same objects give the same id from one compile to the next, since the memo interns them.
 */
function readIndex(memo: CompileMemo, objects: RenderedObject[]) {
  const hosts = new Map<string, string[]>();
  const namespaces = new Map<string, string[]>();
  const everyone: string[] = [];
  const add = (map: Map<string, string[]>, key: string, token: string) => {
    const list = map.get(key);
    if (list) list.push(token);
    else map.set(key, [token]);
  };
  for (const o of objects) {
    const { reads } = o;
    const token = String(o.uid);
    if (reads.everyone) everyone.push(token);
    for (const h of reads.hosts) add(hosts, h, token);
    // Whether a passthrough Gateway lists a host, not which object version does.
    for (const h of reads.passthrough) add(hosts, h, o.key);
    if (reads.namespace !== undefined) add(namespaces, reads.namespace, token);
  }
  const ids = new Map<string, number>();
  const id = (scope: string, tokens: string[] = []) => {
    let n = ids.get(scope);
    if (n === undefined) {
      n = memo.readIds.through(`${scope}${SEP}${tokens.join(',')}`, () =>
        memo.nextUid(),
      );
      ids.set(scope, n);
    }
    return n;
  };
  return {
    everyone: () => id('', everyone),
    namespace: (ns: string) => id(`ns:${ns}`, namespaces.get(ns)),
    host: (h: string) => id(`host:${h}`, hosts.get(h)),
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
 * What every compile verifies: policies that compiled cleanly are traced through what the
 * clusters would hold, and one that does not do in Istio what it says is refused. Public so
 * that a caller holding compiled resources (the bench's "of which verification", the
 * analysis of a pull request's resources) verifies them exactly as compile does.
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
