import type { Fleet } from '@meshport/backstage-plugin-mesh-common';
import { stableStringify } from './canonical';
import {
  CompileOptions,
  dedupe,
  duplicateError,
  fleetTopology,
  hostnameConflict,
  heldObjects,
  objectProblems,
  unverifiable,
} from './compile';
import { Conflict, findExistingConfig } from './conflicts';
import { Diagnostic, compareStrings, diagnosticSortKey } from './diagnostics';
import { Topology } from './fleet/topology';
import { mergeTrafficPlans } from './plan/mergeTrafficPlans';
import { planTrafficPolicy } from './plan/planTrafficPolicy';
import type { ClientPlan, DestinationPlan } from './plan/types';
import { policyPath, renderedPath, RenderResult } from './render';
import type { AccessPolicy } from './schema/accessPolicy';
import { Policy, policyRef } from './schema/policy';
import type { VirtualDestination } from './schema/virtualDestination';
import { compileAccessPolicy } from './translate/access';
import { translateIstioTraffic } from './translate/istio/traffic';
import { ServingSubsets } from './translate/istio/servingSubsets';
import { compileVirtualDestination } from './translate/istio/virtualDestination';
import { translateLinkerdTraffic } from './translate/linkerd/httpRoute';
import {
  MeshResource,
  meshResource,
  ResourceEntry,
  ResourceSet,
} from './translate/resources';
import { handWrittenProblem, SchemaValidator } from './translate/schemaCheck';
import { Changes, hostsRead } from './verify/dependencies';
import { PolicyVerification, verifyPolicies } from './verify/verifyPolicies';
import { toYaml } from './yaml';

/** What the last `render` had to redo. */
export interface IncrementalRenderStats {
  /** Policies added, removed or changed since the previous render. */
  changedPolicies: number;
  /**
   * Compilation units run again: the TrafficPolicies of one destination service (they merge
   * and conflict with each other), one AccessPolicy, one VirtualDestination.
   */
  recompiledUnits: number;
  /** Rendered objects assembled, schema-checked and serialised again. */
  recomputedObjects: number;
}

/**
 * A repository render kept up to date across edits, for long-lived callers that render the
 * same fleet again and again (the scaffolder action, the live preview).
 */
export interface IncrementalRenderer {
  /**
   * The same result as `renderRepository(policies, fleet, options)`, byte for byte, computed
   * from the previous call's: only what the added, removed or changed policies can affect is
   * compiled and serialised again. The first call renders everything. Policies are compared
   * by their JSON, so callers may pass freshly parsed objects or mutate the previous ones.
   * Diagnostics and conflicts in the result are shared with later results: read, don't edit.
   */
  render(policies: Policy[]): RenderResult;
  /** What the last `render` redid. */
  readonly stats: IncrementalRenderStats;
}

interface TrafficUnit {
  kind: 'traffic';
  id: string;
  entries: ReadonlyMap<string, ResourceEntry>;
  dps: DestinationPlan[];
  fieldConflicts: Conflict[];
  existingConfig: Conflict[];
  /** Errors found while writing the unit's objects (serving-side subsets that disagree). */
  errors: Keyed[];
}

interface AccessUnit {
  kind: 'access';
  id: string;
  ref: string;
  entries: ReadonlyMap<string, ResourceEntry>;
  policy: AccessPolicy;
  /** Hand-written Linkerd Servers its Servers would collide with. */
  existingConfig: Conflict[];
}

interface HostUnit {
  kind: 'host';
  id: string;
  ref: string;
  entries: ReadonlyMap<string, ResourceEntry>;
  policy: VirtualDestination;
}

type Unit = TrafficUnit | AccessUnit | HostUnit;

interface Verified {
  json: string;
  skipped: boolean;
  /** The hosts its verification read: a change to another host's objects cannot alter it. */
  hosts: Set<string>;
  verification?: PolicyVerification;
  errors: Diagnostic[];
}

/** A diagnostic with its sort key, computed once rather than at every comparison. */
type Keyed = [key: string, diagnostic: Diagnostic];

interface Diagnostics {
  errors: Keyed[];
  warnings: Keyed[];
}

const keyed = (list: Diagnostic[]): Keyed[] =>
  list.map(d => [diagnosticSortKey(d), d]);

/** As `sortDiagnostics`: a stable sort on the same key. */
const sortKeyed = (list: Keyed[]): Diagnostic[] =>
  list.sort((a, b) => compareStrings(a[0], b[0])).map(k => k[1]);

/** A file of the repository; the pair is updated in place when only its text changes. */
type File = [path: string, text: string];

interface Input {
  json: string;
  policy: Policy;
}

const SEP = '\u0000';
const trafficId = (namespace: string, service: string) =>
  `traffic${SEP}${namespace}${SEP}${service}`;
const accessId = (ref: string) => `access${SEP}${ref}`;
const hostId = (ref: string) => `host${SEP}${ref}`;

/** Beyond this many added or removed files, sorting all paths beats inserting one by one. */
const RESORT_AT = 256;

class Renderer implements IncrementalRenderer {
  stats: IncrementalRenderStats = {
    changedPolicies: 0,
    recompiledUnits: 0,
    recomputedObjects: 0,
  };

  private readonly topo: Topology;
  private readonly fleetWarnings: Keyed[];
  private readonly validate: SchemaValidator;
  private readonly options: CompileOptions;
  /** Per policy ref, its last verification and what it depended on. */
  private readonly verified = new Map<string, Verified>();
  /** What the objects changed since the last verification can alter. */
  private readonly changes = new Changes();
  /** Object key → the object as rendered, and its cluster: what verification reads. */
  private readonly objects = new Map<
    string,
    { cluster: string; resource: MeshResource }
  >();

  /** The compiled policy per ref: a private copy, so callers' later edits cannot leak in. */
  private readonly policies = new Map<string, Input>();
  /** Diagnostics of each compiled policy. */
  private readonly diagnostics = new Map<string, Diagnostics>();
  /** TrafficPolicy ref → its client plans (none when it has errors). */
  private readonly plans = new Map<string, ClientPlan[]>();
  /** Destination unit id → the TrafficPolicies about that service. */
  private readonly trafficRefs = new Map<string, Set<string>>();
  /** VirtualDestination hostname → the VirtualDestinations defining it. */
  private readonly hostRefs = new Map<string, Set<string>>();

  private readonly units = new Map<string, Unit>();
  /** Object key → the units writing it. */
  private readonly writers = new Map<string, Set<Unit>>();
  /** Object key → its file path. */
  private readonly objectPaths = new Map<string, string>();
  /** Object key → its schema and admission errors and warnings. */
  private readonly problems = new Map<
    string,
    { errors: Keyed[]; warnings: Keyed[] }
  >();
  private readonly gatewayShapes = new WeakMap<
    ResourceEntry,
    string | undefined
  >();

  /** `policies/` path → the JSON of the policy written there and its YAML. */
  private readonly policyFiles = new Map<
    string,
    { json: string; yaml: string }
  >();
  private readonly files = new Map<string, File>();
  /** Every file, sorted by path: what `files` of the result lists, in its order. */
  private sorted: File[] = [];
  /** Files added to and removed from `files` since `sorted` was last brought up to date. */
  private readonly added = new Map<string, File>();
  private readonly removed = new Map<string, File>();

  constructor(fleet: Fleet, options: CompileOptions) {
    const prepared = fleetTopology(fleet);
    this.topo = prepared.topo;
    this.fleetWarnings = keyed(prepared.warnings);
    this.validate = options.validateSchema ?? handWrittenProblem;
    this.options = options;
  }

  render(list: Policy[]): RenderResult {
    // As compile: the first policy of a ref is compiled, every later one is an error.
    // As renderRepository: the last policy written to a path is the file.
    const next = new Map<string, Input>();
    const lastAtPath = new Map<string, Input>();
    const duplicates: Keyed[] = [];
    for (const policy of list) {
      const input = { json: JSON.stringify(policy), policy };
      const ref = policyRef(policy);
      if (next.has(ref)) duplicates.push(...keyed([duplicateError(ref)]));
      else next.set(ref, input);
      lastAtPath.set(policyPath(policy), input);
    }

    const changed: string[] = [];
    for (const [ref, input] of next) {
      if (this.policies.get(ref)?.json !== input.json) changed.push(ref);
    }
    for (const ref of this.policies.keys()) {
      if (!next.has(ref)) changed.push(ref);
    }

    // A VirtualDestination is compiled only while it owns its hostname (first in ref order),
    // so a change can hand a hostname over to another one.
    const hostnames = new Set<string>();
    const copies = new Map<string, Policy>();
    for (const ref of changed) {
      const before = this.policies.get(ref)?.policy;
      if (before?.kind === 'VirtualDestination')
        hostnames.add(before.spec.hostname);
      const input = next.get(ref);
      if (input) {
        // A copy of the JSON that was compared: what is compiled is what was diffed.
        const copy = JSON.parse(input.json) as Policy;
        copies.set(ref, copy);
        if (copy.kind === 'VirtualDestination')
          hostnames.add(copy.spec.hostname);
      }
    }
    const dirty = new Set<string>();
    const ownersBefore = [...hostnames].map(h => this.hostOwner(h));
    for (const ref of changed) {
      const before = this.policies.get(ref);
      if (before) this.forget(ref, before.policy, dirty);
      const copy = copies.get(ref);
      if (copy) {
        this.policies.set(ref, { json: next.get(ref)!.json, policy: copy });
        this.learn(ref, copy, dirty);
      } else {
        this.policies.delete(ref);
      }
    }
    for (const owner of [
      ...ownersBefore,
      ...[...hostnames].map(h => this.hostOwner(h)),
    ]) {
      if (owner) dirty.add(hostId(owner));
    }

    const dirtyObjects = new Set<string>();
    for (const id of dirty)
      this.replaceUnit(id, this.buildUnit(id), dirtyObjects);
    this.updateObjects(dirtyObjects);
    this.updatePolicyFiles(lastAtPath);
    this.updateSortedPaths();
    this.stats = {
      changedPolicies: changed.length,
      recompiledUnits: dirty.size,
      recomputedObjects: dirtyObjects.size,
    };
    return this.result(duplicates);
  }

  private forget(ref: string, policy: Policy, dirty: Set<string>) {
    this.diagnostics.delete(ref);
    if (policy.kind === 'TrafficPolicy') {
      const { namespace, service } = policy.spec.destination;
      const id = trafficId(namespace, service);
      const refs = this.trafficRefs.get(id)!;
      refs.delete(ref);
      if (refs.size === 0) this.trafficRefs.delete(id);
      this.plans.delete(ref);
      dirty.add(id);
    } else if (policy.kind === 'AccessPolicy') {
      dirty.add(accessId(ref));
    } else {
      const refs = this.hostRefs.get(policy.spec.hostname)!;
      refs.delete(ref);
      if (refs.size === 0) this.hostRefs.delete(policy.spec.hostname);
      dirty.add(hostId(ref));
    }
  }

  private learn(ref: string, policy: Policy, dirty: Set<string>) {
    if (policy.kind === 'TrafficPolicy') {
      // Planning needs nothing but the policy and the fleet, so it is done once per version.
      const r = planTrafficPolicy(policy, this.topo);
      this.diagnostics.set(ref, {
        errors: keyed(r.errors),
        warnings: keyed(r.warnings),
      });
      this.plans.set(ref, r.errors.length === 0 ? r.plans : []);
      const { namespace, service } = policy.spec.destination;
      const id = trafficId(namespace, service);
      let refs = this.trafficRefs.get(id);
      if (!refs) {
        refs = new Set();
        this.trafficRefs.set(id, refs);
      }
      refs.add(ref);
      dirty.add(id);
    } else if (policy.kind === 'AccessPolicy') {
      dirty.add(accessId(ref));
    } else {
      let refs = this.hostRefs.get(policy.spec.hostname);
      if (!refs) {
        refs = new Set();
        this.hostRefs.set(policy.spec.hostname, refs);
      }
      refs.add(ref);
      dirty.add(hostId(ref));
    }
  }

  /** The VirtualDestination compile lets define the hostname: the first in ref order. */
  private hostOwner(hostname: string): string | undefined {
    let owner: string | undefined;
    for (const ref of this.hostRefs.get(hostname) ?? []) {
      if (owner === undefined || compareStrings(ref, owner) < 0) owner = ref;
    }
    return owner;
  }

  private buildUnit(id: string): Unit | undefined {
    const [kind, ref] = id.split(SEP);
    if (kind === 'traffic') {
      const plans = [...(this.trafficRefs.get(id) ?? [])].flatMap(
        traffic => this.plans.get(traffic)!,
      );
      if (plans.length === 0) return undefined;
      const merged = mergeTrafficPlans(plans);
      const out = new ResourceSet();
      const serving = new ServingSubsets();
      for (const dp of merged.destinations) this.translate(dp, out, serving);
      const errors = keyed(serving.render(out));
      return {
        kind: 'traffic',
        id,
        entries: out.byKey(),
        dps: merged.destinations,
        errors,
        fieldConflicts: merged.conflicts,
        existingConfig: findExistingConfig(
          merged.destinations,
          this.topo.fleet,
        ),
      };
    }
    const policy = this.policies.get(ref)?.policy;
    if (kind === 'access') {
      if (policy?.kind !== 'AccessPolicy') return undefined;
      const out = new ResourceSet();
      const r = compileAccessPolicy(policy, this.topo, out);
      this.setDiagnostics(ref, r);
      return {
        kind,
        id,
        ref,
        entries: out.byKey(),
        policy,
        existingConfig: r.conflicts,
      };
    }
    if (
      policy?.kind !== 'VirtualDestination' ||
      this.hostOwner(policy.spec.hostname) !== ref
    ) {
      // Not compiled at all, as compile skips a VirtualDestination whose hostname is taken.
      this.diagnostics.delete(ref);
      return undefined;
    }
    const out = new ResourceSet();
    this.setDiagnostics(ref, compileVirtualDestination(policy, this.topo, out));
    return { kind: 'host', id, ref, entries: out.byKey(), policy };
  }

  private setDiagnostics(
    ref: string,
    r: { errors: Diagnostic[]; warnings: Diagnostic[] },
  ) {
    this.diagnostics.set(ref, {
      errors: keyed(r.errors),
      warnings: keyed(r.warnings),
    });
  }

  private translate(
    dp: DestinationPlan,
    out: ResourceSet,
    serving: ServingSubsets,
  ) {
    if (dp.mesh === 'istio') translateIstioTraffic(dp, this.topo, out, serving);
    else translateLinkerdTraffic(dp, this.topo, out);
  }

  private replaceUnit(
    id: string,
    unit: Unit | undefined,
    dirtyObjects: Set<string>,
  ) {
    const old = this.units.get(id);
    if (old) {
      for (const key of old.entries.keys()) {
        const writers = this.writers.get(key)!;
        writers.delete(old);
        if (writers.size === 0) this.writers.delete(key);
        dirtyObjects.add(key);
      }
      this.units.delete(id);
    }
    if (!unit) return;
    this.units.set(id, unit);
    for (const key of unit.entries.keys()) {
      let writers = this.writers.get(key);
      if (!writers) {
        writers = new Set();
        this.writers.set(key, writers);
      }
      writers.add(unit);
      dirtyObjects.add(key);
    }
  }

  private updateObjects(keys: Set<string>) {
    const collisions: string[] = [];
    for (const key of keys) {
      const writers = this.writers.get(key);
      if (!writers) {
        this.dropObject(key);
      } else if (writers.size === 1) {
        const [unit] = writers;
        this.setObject(key, unit.entries.get(key)!);
      } else {
        const gateway = this.mergeGateway(key, [...writers]);
        if (gateway) this.setObject(key, gateway);
        else collisions.push(key);
      }
    }
    if (collisions.length === 0) return;
    const units = new Set(collisions.flatMap(k => [...this.writers.get(k)!]));
    const replayed = this.replay([...units]).byKey();
    for (const key of collisions) this.setObject(key, replayed.get(key)!);
  }

  /**
   * The federation Gateway of a serving cluster: every unit creates it with the same shape
   * (it depends on the gateway only) and adds its hosts, kept sorted and unique, so the
   * merged object is that shape with the union of the hosts, whatever the order.
   */
  private mergeGateway(
    key: string,
    writers: Unit[],
  ): ResourceEntry | undefined {
    const entries = writers.map(u => u.entries.get(key)!);
    const shape = this.gatewayShape(entries[0]);
    if (shape === undefined) return undefined;
    if (entries.some(e => this.gatewayShape(e) !== shape)) return undefined;
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
  private gatewayShape(e: ResourceEntry): string | undefined {
    if (this.gatewayShapes.has(e)) return this.gatewayShapes.get(e);
    let shape: string | undefined;
    if (e.kind === 'Gateway' && serverHosts(e)) {
      const [server] = e.spec.servers as Record<string, unknown>[];
      shape = stableStringify({
        apiVersion: e.apiVersion,
        spec: { ...e.spec, servers: [{ ...server, hosts: [] }] },
      });
    }
    this.gatewayShapes.set(e, shape);
    return shape;
  }

  /**
   * Runs units into one set in the order compile runs them (traffic per client cluster and
   * destination, then AccessPolicies, then VirtualDestinations, each in ref order), so an
   * object several of them write comes out as the full compile builds it.
   */
  private replay(units: Unit[]): ResourceSet {
    const out = new ResourceSet();
    const dpKey = (dp: DestinationPlan) =>
      `${dp.client}${SEP}${dp.destination.namespace}${SEP}${dp.destination.service}`;
    const dps = units
      .flatMap(u => (u.kind === 'traffic' ? u.dps : []))
      .sort((x, y) => compareStrings(dpKey(x), dpKey(y)));
    const serving = new ServingSubsets();
    for (const dp of dps) this.translate(dp, out, serving);
    serving.render(out);
    const byRef = (x: { ref: string }, y: { ref: string }) =>
      compareStrings(x.ref, y.ref);
    for (const u of units
      .filter((x): x is AccessUnit => x.kind === 'access')
      .sort(byRef))
      compileAccessPolicy(u.policy, this.topo, out);
    for (const u of units
      .filter((x): x is HostUnit => x.kind === 'host')
      .sort(byRef))
      compileVirtualDestination(u.policy, this.topo, out);
    return out;
  }

  private setObject(key: string, entry: ResourceEntry) {
    const resource = meshResource(entry);
    this.changes.record(this.objects.get(key)?.resource, resource);
    this.objects.set(key, { cluster: entry.cluster, resource });
    const path = renderedPath(entry.cluster, resource);
    this.objectPaths.set(key, path);
    this.setFile(path, toYaml(resource));
    const p = objectProblems(entry.cluster, resource, this.validate);
    if (p.errors.length > 0 || p.warnings.length > 0)
      this.problems.set(key, {
        errors: keyed(p.errors),
        warnings: keyed(p.warnings),
      });
    else this.problems.delete(key);
  }

  private dropObject(key: string) {
    const path = this.objectPaths.get(key);
    if (path === undefined) return;
    this.changes.record(this.objects.get(key)?.resource);
    this.objects.delete(key);
    this.objectPaths.delete(key);
    this.problems.delete(key);
    this.dropFile(path);
  }

  private updatePolicyFiles(lastAtPath: Map<string, Input>) {
    for (const [path, input] of lastAtPath) {
      if (this.policyFiles.get(path)?.json === input.json) continue;
      const yaml = toYaml(input.policy);
      this.policyFiles.set(path, { json: input.json, yaml });
      this.setFile(path, yaml);
    }
    for (const path of [...this.policyFiles.keys()]) {
      if (lastAtPath.has(path)) continue;
      this.policyFiles.delete(path);
      this.dropFile(path);
    }
  }

  private setFile(path: string, text: string) {
    const file = this.files.get(path);
    if (file) {
      file[1] = text;
      return;
    }
    // Dropped and written again in one render: still where it was in `sorted`.
    const back = this.removed.get(path);
    this.removed.delete(path);
    const added: File = back ?? [path, text];
    added[1] = text;
    this.files.set(path, added);
    if (!back) this.added.set(path, added);
  }

  private dropFile(path: string) {
    const file = this.files.get(path);
    if (!file) return;
    this.files.delete(path);
    if (!this.added.delete(path)) this.removed.set(path, file);
  }

  private updateSortedPaths() {
    if (this.added.size + this.removed.size > RESORT_AT) {
      this.sorted = [...this.files.values()].sort((a, b) =>
        compareStrings(a[0], b[0]),
      );
    } else {
      for (const path of this.removed.keys())
        this.sorted.splice(this.indexOf(path), 1);
      for (const [path, file] of this.added)
        this.sorted.splice(this.indexOf(path), 0, file);
    }
    this.added.clear();
    this.removed.clear();
  }

  /** Where `path` is or would go in `sorted`. */
  private indexOf(path: string): number {
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareStrings(this.sorted[mid][0], path) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * As compile's verification, redone only for policies it may have changed for: the policy
   * itself or whether it is verified at all, routing objects of a host its verification read,
   * or authorization in its destination namespace (where the compiler writes it).
   */
  private verify(
    errors: Diagnostic[],
    conflicts: Conflict[],
  ): { verifications: PolicyVerification[]; errors: Diagnostic[] } {
    const skip = unverifiable(errors, conflicts);
    const refs = [...this.policies.keys()].sort(compareStrings);
    for (const ref of this.verified.keys())
      if (!this.policies.has(ref)) this.verified.delete(ref);
    const stale = refs.filter(ref => {
      const input = this.policies.get(ref)!;
      const before = this.verified.get(ref);
      return (
        !before ||
        before.json !== input.json ||
        before.skipped !== skip.has(ref) ||
        this.changes.affects(
          input.policy.spec.destination.namespace,
          before.hosts,
        )
      );
    });
    if (stale.length > 0) {
      const resources: Record<string, MeshResource[]> = {};
      for (const { cluster, resource } of this.objects.values())
        (resources[cluster] ??= []).push(resource);
      const r = verifyPolicies(
        stale.map(ref => this.policies.get(ref)!.policy),
        this.topo,
        heldObjects(resources, this.options.existingResources),
        { meshSettings: this.options.meshSettings, skip },
      );
      const byRef = new Map(r.verifications.map(v => [v.policy, v]));
      const errorsOf = new Map<string, Diagnostic[]>();
      for (const e of r.errors)
        errorsOf.set(e.policy!, [...(errorsOf.get(e.policy!) ?? []), e]);
      for (const ref of stale) {
        const verification = byRef.get(ref);
        this.verified.set(ref, {
          json: this.policies.get(ref)!.json,
          skipped: skip.has(ref),
          hosts: hostsRead(verification),
          verification,
          errors: errorsOf.get(ref) ?? [],
        });
      }
    }
    this.changes.clear();
    const all = refs.map(ref => this.verified.get(ref)!);
    return {
      verifications: all.flatMap(v => (v.verification ? [v.verification] : [])),
      errors: all.flatMap(v => v.errors),
    };
  }

  /** Diagnostics and files in the shape and order of `renderRepository`. */
  private result(duplicates: Keyed[]): RenderResult {
    const errors: Keyed[] = [...duplicates];
    const warnings: Keyed[] = [...this.fleetWarnings];
    for (const d of this.diagnostics.values()) {
      errors.push(...d.errors);
      warnings.push(...d.warnings);
    }
    for (const p of this.problems.values()) {
      errors.push(...p.errors);
      warnings.push(...p.warnings);
    }
    const fieldConflicts: Conflict[] = [];
    const existingConfig: Conflict[] = [];
    for (const unit of this.units.values()) {
      if (unit.kind === 'access') existingConfig.push(...unit.existingConfig);
      if (unit.kind !== 'traffic') continue;
      errors.push(...unit.errors);
      fieldConflicts.push(...unit.fieldConflicts);
      existingConfig.push(...unit.existingConfig);
    }
    const byMessage = (x: Conflict, y: Conflict) =>
      compareStrings(x.message, y.message);
    // two grants can collide with one Server in the same words
    const byExisting = (x: Conflict, y: Conflict) =>
      byMessage(x, y) ||
      compareStrings(x.policies.join(','), y.policies.join(','));
    const hostConflicts: { ref: string; conflict: Conflict }[] = [];
    for (const refs of this.hostRefs.values()) {
      if (refs.size < 2) continue;
      const [owner, ...others] = [...refs].sort(compareStrings);
      for (const ref of others) {
        const vd = this.policies.get(ref)!.policy as VirtualDestination;
        hostConflicts.push({ ref, conflict: hostnameConflict(owner, vd) });
      }
    }
    hostConflicts.sort((x, y) => compareStrings(x.ref, y.ref));
    const conflicts = [
      ...fieldConflicts.sort(byMessage),
      ...existingConfig.sort(byExisting),
      ...hostConflicts.map(h => h.conflict),
    ];
    const verified = this.verify(
      errors.map(k => k[1]),
      conflicts,
    );
    errors.push(...keyed(verified.errors));
    const sortedErrors = sortKeyed(errors);
    const files: Record<string, string> = {};
    for (const [path, text] of this.sorted) files[path] = text;
    return {
      ok: sortedErrors.length === 0 && conflicts.length === 0,
      conflicts,
      warnings: dedupe(sortKeyed(warnings)),
      errors: dedupe(sortedErrors),
      verification: verified.verifications,
      files,
    };
  }
}

/**
 * An incremental renderer for one fleet snapshot: when the fleet changes, create another.
 *
 * Compilation splits into units whose outputs depend on nothing else: the TrafficPolicies of
 * one destination service (field ownership, merges and conflicts are per destination), each
 * AccessPolicy, and each VirtualDestination that owns its hostname. Each unit compiles into
 * objects of its own. An object only one unit writes is that unit's; the AUTO_PASSTHROUGH
 * Gateway many units add hosts to is re-merged; any other object two units write (a name
 * collision) is rebuilt by re-running those units in the full compiler's order.
 */
export function createIncrementalRenderer(
  fleet: Fleet,
  options: CompileOptions = {},
): IncrementalRenderer {
  return new Renderer(fleet, options);
}

function serverHosts(e: ResourceEntry): string[] | undefined {
  const servers = e.spec.servers;
  if (!Array.isArray(servers) || servers.length !== 1) return undefined;
  const hosts = (servers[0] as { hosts?: unknown }).hosts;
  return Array.isArray(hosts) && hosts.every(h => typeof h === 'string')
    ? (hosts as string[])
    : undefined;
}
