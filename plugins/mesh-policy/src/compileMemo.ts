import type { Conflict, DestinationPlan } from './conflicts';
import type { Diagnostic } from './diagnostics';
import type { Topology } from './fleet/topology';
import type { AccessPolicy } from './schema/accessPolicy';
import type { VirtualDestination } from './schema/virtualDestination';
import type { MeshResource, ResourceEntry } from './translate/resources';
import type { SchemaValidator } from './translate/schemaCheck';
import type { ObjectReads } from './verify/dependencies';
import type { PolicyVerification } from './verify/verifyPolicies';

/** A diagnostic with its sort key, computed once rather than at every comparison. */
export type Keyed = [key: string, diagnostic: Diagnostic];

/** What the last compile through a memo had to compute again. */
export interface CompileMemoStats {
  /**
   * Compilation units run: the TrafficPolicies of one destination service (they merge and
   * conflict with each other), one AccessPolicy, one VirtualDestination.
   */
  recompiledUnits: number;
  /** Rendered objects assembled and schema-checked again. */
  recomputedObjects: number;
  /** Policies traced by the verifier again. */
  reverifiedPolicies: number;
}

/** The output of one compilation unit; see `compile`. */
export interface Unit {
  /** Unique within the memo while the unit is held: what later entries are keyed by. */
  uid: number;
  kind: 'traffic' | 'access' | 'host';
  /** For traffic, the smallest ref of the unit; otherwise the policy's ref. */
  ref: string;
  entries: ReadonlyMap<string, ResourceEntry>;
  /** Planning and compile diagnostics of the unit's policies. */
  errors: Keyed[];
  warnings: Keyed[];
  /** Conflicts between the unit's policies (traffic only). */
  fieldConflicts: Conflict[];
  /** Hand-written config the unit's objects would collide with. */
  existingConfig: Conflict[];
  /** What replaying the unit needs, copies of what was compiled. */
  dps: DestinationPlan[];
  policy?: AccessPolicy | VirtualDestination;
}

/** A rendered object with what is derived from it alone. */
export interface RenderedObject {
  uid: number;
  key: string;
  cluster: string;
  resource: MeshResource;
  errors: Keyed[];
  warnings: Keyed[];
  reads: ObjectReads;
  /** Its file and text, made on first use: `compile` alone never needs them. */
  file?: [path: string, yaml: string];
}

/** One policy's verification and what it depended on. */
export interface Verified {
  /** The policy JSON and whether it was skipped. */
  input: string;
  /** The content of everything its verification read, as the memo fingerprints it. */
  fingerprint: string;
  hosts: string[];
  verification?: PolicyVerification;
  errors: Diagnostic[];
}

/** Everything a compile depends on besides the policies. */
export interface MemoContext {
  fleetJson: string;
  optionsJson: string;
  validateSchema: SchemaValidator;
  topo: Topology;
  fleetWarnings: Keyed[];
}

/**
 * A map whose entries live as long as compiles use them: an entry not used by the latest
 * compile is dropped when it ends, so a memo never holds more than one compile's work.
 */
export class MemoTable<V> {
  private readonly entries = new Map<string, { value: V; used: number }>();

  constructor(private readonly memo: { readonly generation: number }) {}

  get(key: string): V | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    e.used = this.memo.generation;
    return e.value;
  }

  set(key: string, value: V): V {
    this.entries.set(key, { value, used: this.memo.generation });
    return value;
  }

  /** The entry, made by `make` when absent. */
  through(key: string, make: () => V): V {
    return this.get(key) ?? this.set(key, make());
  }

  sweep() {
    for (const [key, e] of this.entries)
      if (e.used !== this.memo.generation) this.entries.delete(key);
  }

  clear() {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}

/**
 * Work kept from one compile for the next: `compile(policies, fleet, { memo })` and
 * `renderRepository` reuse every compilation unit, rendered object, schema check, YAML text
 * and verification whose inputs are unchanged, and give the result a memo-less compile gives,
 * byte for byte. Entries are keyed by content (the policies' JSON; the fleet and options as a
 * whole), so callers may pass freshly parsed objects, edit earlier ones in place, or switch
 * fleets: a changed input only misses.
 *
 * Bounded: what the latest compile did not use is dropped when it ends, so a memo holds about
 * one compile's output. Keep one per policy repository (or per open editor): two repositories
 * sharing one would evict each other's work on every compile, correctly but slowly.
 *
 * Results share diagnostics and objects with the memo and later results: read, don't edit.
 */
export class CompileMemo {
  /** What the last compile through this memo computed again. */
  stats: CompileMemoStats = {
    recompiledUnits: 0,
    recomputedObjects: 0,
    reverifiedPolicies: 0,
  };

  /** @internal Counts compiles; an entry used by the current one carries its number. */
  generation = 0;
  /** @internal */
  context?: MemoContext;
  /** @internal Unit content key → its output. */
  readonly units = new MemoTable<Unit>(this);
  /** @internal Object key and the uids of the units writing it → the object. */
  readonly objects = new MemoTable<RenderedObject>(this);
  /** @internal Policy ref → its last verification. */
  readonly verified = new MemoTable<Verified>(this);
  /** @internal Policy JSON → its YAML, for `policies/`. */
  readonly policyYaml = new MemoTable<string>(this);
  /** @internal What verifications read, as joined object uids → a short stable id. */
  readonly readIds = new MemoTable<number>(this);
  private uids = 0;

  /** @internal */
  nextUid(): number {
    return ++this.uids;
  }

  /** @internal Starts a compile; everything is dropped when the fleet or options changed. */
  begin(
    context: Omit<MemoContext, 'topo' | 'fleetWarnings'>,
    prepare: () => Pick<MemoContext, 'topo' | 'fleetWarnings'>,
  ): MemoContext {
    this.generation++;
    this.stats = {
      recompiledUnits: 0,
      recomputedObjects: 0,
      reverifiedPolicies: 0,
    };
    const c = this.context;
    if (
      c &&
      c.fleetJson === context.fleetJson &&
      c.optionsJson === context.optionsJson &&
      c.validateSchema === context.validateSchema
    )
      return c;
    for (const table of [this.units, this.objects, this.verified, this.readIds])
      table.clear();
    this.context = { ...context, ...prepare() };
    return this.context;
  }

  /** @internal Ends a compile: drops what it did not use. */
  end() {
    for (const table of [
      this.units,
      this.objects,
      this.verified,
      this.policyYaml,
      this.readIds,
    ])
      table.sweep();
  }
}

/** A memo for `compile` and `renderRepository`; see `CompileMemo`. */
export function createCompileMemo(): CompileMemo {
  return new CompileMemo();
}
