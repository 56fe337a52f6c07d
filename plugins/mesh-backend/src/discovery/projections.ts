import type { KubeObject, ObjectMapper } from '../readers/ClusterReader';
import {
  DROPPED_ZTUNNEL,
  internPodStrings,
  inventoryMappers,
  PodRecord,
  Skipped,
} from './projectInventory';
import { StringPool } from './StringPool';

/**
 * Discovery's mappers (`inventoryMappers`) in a form another thread can rebuild: each one
 * carries a `ProjectionSpec` naming it, and how its records cross between threads. A
 * projection thread (`ProjectionThreads`) builds the same mapper from the spec with
 * `threadMapper`, so a page projected there runs exactly the code it would run here.
 */

type Mappers = ReturnType<typeof inventoryMappers>;
export type ProjectionKind = keyof Mappers;

/** The control plane a raw object says runs in a namespace. */
export interface ControlPlaneMark {
  istio?: string;
  linkerd?: string;
}

/**
 * Istio's control-plane namespaces are where istiod runs or that an external control plane is
 * annotated onto; Linkerd's are where its destination runs. Tested on each raw object while
 * its page is mapped, exactly as on the raw lists before: the projection keeps only string
 * labels and a few annotations.
 */
const MARKS = {
  deployment: (d: KubeObject): ControlPlaneMark => {
    const namespace = d.metadata?.namespace;
    if (!namespace) return {};
    return {
      ...(d.metadata?.name?.startsWith('istiod') ? { istio: namespace } : {}),
      ...(d.metadata?.labels?.['linkerd.io/control-plane-component'] ===
      'destination'
        ? { linkerd: namespace }
        : {}),
    };
  },
  namespace: (ns: KubeObject): ControlPlaneMark => {
    const name = ns.metadata?.name;
    return name &&
      ns.metadata?.annotations?.['topology.istio.io/controlPlaneClusters']
      ? { istio: name }
      : {};
  },
};
export type MarkName = keyof typeof MARKS;

/** What names a mapper to a projection thread (posted to it, so plain data). */
export interface ProjectionSpec {
  kind: ProjectionKind;
  excludeNamespaces: string[];
  /** Each record with the control plane its object marks (`marking`). */
  mark?: MarkName;
  /** Each record with its object's key (`keyed`). */
  keyed?: boolean;
}

export interface Marked<T> {
  record: T | Skipped;
  mark: ControlPlaneMark;
}

export interface Keyed<T> {
  /** `namespace/name`, or `name` for a cluster-scoped object; undefined without a name. */
  key: string | undefined;
  record: T;
}

/**
 * A kind's record as it crosses to the thread that asked, as JSON: a `Skipped` would lose
 * its class and the dropped-ztunnel symbol has no JSON form, so each travels as a form no
 * record takes (a record is always a plain object). `reviveRecord` undoes it.
 */
function encodeRecord(record: unknown): unknown {
  if (record instanceof Skipped)
    return ['skipped', record.kind, record.object, record.reason];
  return record === DROPPED_ZTUNNEL ? 'dropped-ztunnel' : record;
}

function reviveRecord(
  kind: ProjectionKind,
  pool: StringPool,
): (sent: unknown) => unknown {
  return sent => {
    if (Array.isArray(sent)) return new Skipped(sent[1], sent[2], sent[3]);
    if (sent === 'dropped-ztunnel') return DROPPED_ZTUNNEL;
    // the pods' strings were copied on the way: pooled as a projection here would have
    return kind === 'pods'
      ? internPodStrings(sent as Exclude<PodRecord, symbol>, pool)
      : sent;
  };
}

/** What `threadMapper(spec)` sends for each record, wrappers (`marking`, `keyed`) kept. */
function encoderFor(spec: ProjectionSpec): (record: unknown) => unknown {
  const marked = spec.mark
    ? (r: unknown) => {
        const { record, mark } = r as Marked<unknown>;
        return { record: encodeRecord(record), mark };
      }
    : encodeRecord;
  return spec.keyed
    ? (r: unknown) => {
        const { key, record } = r as Keyed<unknown>;
        return { key, record: marked(record) };
      }
    : marked;
}

function withRemote<T>(
  map: (o: KubeObject) => T | undefined,
  spec: ProjectionSpec,
  revive: (sent: unknown) => unknown,
): ObjectMapper<T> {
  return Object.assign(map, {
    remote: { spec, revive: revive as (sent: unknown) => T },
  });
}

/**
 * The mapper a projection thread runs for `spec`: the one `clusterProjections` (with
 * `marking` and `keyed`) built here, its records encoded for the way back.
 */
export function threadMapper(spec: ProjectionSpec): ObjectMapper<unknown> {
  // no string pool: the strings are copied on the way back, and pooled on arrival
  const base: ObjectMapper<unknown> = inventoryMappers(spec.excludeNamespaces)[
    spec.kind
  ];
  const marked = spec.mark ? marking(base, spec.mark) : base;
  const map: ObjectMapper<unknown> = spec.keyed ? keyed(marked) : marked;
  const encode = encoderFor(spec);
  return o => {
    const record = map(o);
    return record === undefined ? undefined : encode(record);
  };
}

/**
 * One cluster read's mappers (one string pool for its pods), each of which a projection
 * thread can run.
 */
export function clusterProjections(excludeNamespaces: string[]): Mappers {
  const pool = new StringPool();
  const mappers = inventoryMappers(excludeNamespaces, pool);
  for (const kind of Object.keys(mappers) as ProjectionKind[])
    withRemote(
      mappers[kind] as ObjectMapper<unknown>,
      { kind, excludeNamespaces },
      reviveRecord(kind, pool),
    );
  return mappers;
}

/**
 * A mapper that also keeps the control plane each object marks. Only objects the projection
 * kept are marked: its checks (names and namespaces are strings) are what makes reading the
 * raw object here safe.
 */
export function marking<T>(
  map: ObjectMapper<T | Skipped>,
  markName: MarkName,
): ObjectMapper<Marked<T>> {
  const mark = MARKS[markName];
  const marked = (o: KubeObject) => {
    const record = map(o);
    if (record === undefined) return undefined;
    return { record, mark: record instanceof Skipped ? {} : mark(o) };
  };
  const remote = map.remote;
  if (!remote) return marked;
  return withRemote(
    marked,
    { ...(remote.spec as ProjectionSpec), mark: markName },
    sent => {
      const { record, mark: sentMark } = sent as Marked<unknown>;
      return { record: remote.revive(record), mark: sentMark };
    },
  );
}

/** A mapper that also keeps each object's key (`namespace/name`), as a watch needs it. */
export function keyed<T>(map: ObjectMapper<T>): ObjectMapper<Keyed<T>> {
  const withKey = (o: KubeObject) => {
    const record = map(o);
    return record === undefined ? undefined : { key: keyOf(o), record };
  };
  const remote = map.remote;
  if (!remote) return withKey;
  return withRemote(
    withKey,
    { ...(remote.spec as ProjectionSpec), keyed: true },
    sent => {
      const { key, record } = sent as Keyed<unknown>;
      return { key, record: remote.revive(record) };
    },
  );
}

/** An object's key in its kind: `namespace/name`, `name` when cluster-scoped. */
export function keyOf(o: KubeObject): string | undefined {
  const name = o?.metadata?.name;
  if (typeof name !== 'string') return undefined;
  const namespace = o.metadata?.namespace;
  return typeof namespace === 'string' ? `${namespace}/${name}` : name;
}
