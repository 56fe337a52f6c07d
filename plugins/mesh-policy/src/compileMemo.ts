import { sameJson, type Fleet } from '@meshport/backstage-plugin-mesh-common';
import type { Conflict } from './conflicts';
import type { DestinationPlan } from './plan/types';
import { compareStrings, Diagnostic } from './diagnostics';
import type { Topology } from './fleet/topology';
import type { AccessPolicy } from './schema/accessPolicy';
import type { VirtualDestination } from './schema/virtualDestination';
import type { MeshResource, ResourceEntry } from './translate/resources';
import type { SchemaValidator } from './translate/schemaCheck';
import type { ObjectReads } from './verify/dependencies';
import type { ClusterObject, MeshSettings } from './verify/types';
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
  /** The objects only this unit writes, rendered on first use. */
  rendered: Map<string, RenderedObject>;
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
  /** The policy verified, and whether it was skipped (it failed to compile or conflicts). */
  json: string;
  skipped: boolean;
  /**
   * Ids of the objects its verification read (everyone's, its destination namespace's, each
   * host's), as the memo interns them: the same ids mean the same objects.
   */
  reads: number[];
  /** The hosts it traced. */
  hosts: string[];
  verification?: PolicyVerification;
  errors: Diagnostic[];
}

/** Everything a compile depends on besides the policies. */
export interface MemoInputs {
  /**
   * Immutable by contract: a fleet passed in is never edited afterwards (a new fleet is a new
   * object), so the memo knows the fleet it compiled last by identity without comparing it.
   */
  fleet: Fleet;
  meshSettings?: Record<string, MeshSettings>;
  existingResources?: Record<string, ClusterObject[]>;
  validateSchema: SchemaValidator;
}

/** The inputs of the memo's compiles, and what is prepared from them once. */
export interface MemoContext {
  /** A private copy of the inputs: callers may change theirs after the compile. */
  inputs: MemoInputs;
  topo: Topology;
  fleetWarnings: Keyed[];
}

/**
 * A deep copy of plain data that `sameJson` finds equal to the original: keys in the same
 * order, undefined members kept (a JSON round trip drops them).
 */
function copyJson<T>(value: T): T {
  if (Array.isArray(value)) return value.map(copyJson) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = copyJson(v);
    return out as T;
  }
  return value;
}

/** Equal but for `generatedAt`, which the compiler never reads. */
function sameFleet(kept: Fleet, next: Fleet): boolean {
  // the mesh backend stamps every rebuild, so comparing it would make every discovery run a
  // full miss
  const { generatedAt: _was, ...fleet } = kept;
  const { generatedAt: _is, ...nextFleet } = next;
  return sameJson(fleet, nextFleet);
}

/**
 * Whether a compile of `next` may reuse what was compiled for `kept`. With `fleetUnchanged`
 * (the caller passed the very fleet object of the last compile) the fleet is not compared:
 * at bench scale that walk alone is 20–50 ms of a warm compile.
 */
function sameInputs(
  kept: MemoInputs,
  next: MemoInputs,
  fleetUnchanged: boolean,
): boolean {
  return (
    kept.validateSchema === next.validateSchema &&
    (fleetUnchanged || sameFleet(kept.fleet, next.fleet)) &&
    sameJson(kept.meshSettings, next.meshSettings) &&
    sameJson(kept.existingResources, next.existingResources)
  );
}

/**
 * A map whose entries live as long as compiles use them: an entry used by neither of the latest
 * two compiles is dropped when the latest ends, so a memo never holds more than two compiles'
 * work. Two, because a caller may alternate between two inputs (the scaffolder renders a
 * repository as it is and with one policy more): each would otherwise evict the other's part.
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

  /** Whether the entry is held, without counting this as a use. */
  has(key: string): boolean {
    return this.entries.has(key);
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
      if (e.used < this.memo.generation - 1) this.entries.delete(key);
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
 * whole), so callers may pass freshly parsed objects, edit earlier policies and options in
 * place, or switch fleets: a changed input only misses. A fleet is immutable: one passed in
 * is never edited afterwards. The fleet of the last compile passed again (the same object,
 * as `MeshApiClient` returns while the fleet has not changed) is known by identity, without
 * being compared; an equal fleet in another object is compared, and reused when equal.
 *
 * Bounded: what the latest two compiles did not use is dropped when one ends, so a memo holds
 * about two compiles' output (about one when they share most of it). Keep one per policy repository (or per open editor): two repositories
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
  /** The caller's own fleet object of the last compile, not the private copy of it. */
  private lastFleet?: Fleet;
  /** @internal Unit content key → its output. */
  readonly units = new MemoTable<Unit>(this);
  /** @internal Object key and the uids of the several units writing it → the object. */
  readonly objects = new MemoTable<RenderedObject>(this);
  /** @internal Policy ref → its last verification. */
  readonly verified = new MemoTable<Verified>(this);
  /** @internal Policy JSON → its YAML, for `policies/`. */
  readonly policyYaml = new MemoTable<string>(this);
  /** @internal What verifications read, as joined object uids → a short stable id. */
  readonly readIds = new MemoTable<number>(this);
  /**
   * @internal The policies' JSON, in the order given, → the whole `renderRepository` result.
   * The scaffolder renders the same repository before every request: that render is then
   * handed back without assembling, verifying and ordering everything again. Typed by
   * render.ts, which alone reads and writes it (naming its type here would import it back).
   */
  readonly renders = new MemoTable<unknown>(this);
  private uids = 0;
  /** The last sorted order of each list: the next sort of a list that barely changed merges. */
  private readonly orders = new Map<'objects' | 'files', string[]>();

  /**
   * @internal The keys, unique, in code-point order: the previous order of the same list with
   * what left it removed and what joined it merged in, rather than a sort of everything.
   */
  sorted(list: 'objects' | 'files', keys: Iterable<string>): string[] {
    const joined = new Set(keys);
    const kept = (this.orders.get(list) ?? []).filter(k => joined.delete(k));
    const added = [...joined].sort(compareStrings);
    const order: string[] = [];
    let i = 0;
    for (const k of added) {
      while (i < kept.length && compareStrings(kept[i], k) < 0)
        order.push(kept[i++]);
      order.push(k);
    }
    while (i < kept.length) order.push(kept[i++]);
    this.orders.set(list, order);
    return order;
  }

  /** @internal */
  nextUid(): number {
    return ++this.uids;
  }

  /**
   * @internal Starts a compile: the context prepared for equal inputs, or a new one (and
   * everything dropped) when the fleet or options changed.
   */
  begin(
    inputs: MemoInputs,
    prepare: (inputs: MemoInputs) => Omit<MemoContext, 'inputs'>,
  ): MemoContext {
    this.generation++;
    this.stats = {
      recompiledUnits: 0,
      recomputedObjects: 0,
      reverifiedPolicies: 0,
    };
    const fleetUnchanged = inputs.fleet === this.lastFleet;
    if (
      this.context &&
      sameInputs(this.context.inputs, inputs, fleetUnchanged)
    ) {
      // an equal fleet in a new object: that object is the one to expect next
      this.lastFleet = inputs.fleet;
      return this.context;
    }
    // until the new context stands: a failed prepare must not vouch for the old one
    this.lastFleet = undefined;
    for (const table of [
      this.units,
      this.objects,
      this.verified,
      this.readIds,
      this.renders,
    ])
      table.clear();
    const copy: MemoInputs = {
      fleet: copyJson(inputs.fleet),
      meshSettings: copyJson(inputs.meshSettings),
      existingResources: copyJson(inputs.existingResources),
      validateSchema: inputs.validateSchema,
    };
    this.context = { inputs: copy, ...prepare(copy) };
    this.lastFleet = inputs.fleet;
    return this.context;
  }

  /**
   * @internal Whether a compile with these inputs would keep the current context, asked
   * without starting one.
   */
  holds(inputs: MemoInputs): boolean {
    return (
      !!this.context &&
      sameInputs(this.context.inputs, inputs, inputs.fleet === this.lastFleet)
    );
  }

  /** @internal Ends a compile: drops what neither it nor the one before used. */
  end() {
    for (const table of [
      this.units,
      this.objects,
      this.verified,
      this.policyYaml,
      this.readIds,
      this.renders,
    ])
      table.sweep();
  }
}

/** A memo for `compile` and `renderRepository`; see `CompileMemo`. */
export function createCompileMemo(): CompileMemo {
  return new CompileMemo();
}
