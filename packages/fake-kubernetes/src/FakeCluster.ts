import type { KubeObject } from './KubeObject';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

interface Change {
  resourceVersion: number;
  type: WatchEventType;
  object: KubeObject;
}

/** One open watch stream, as the fake API server holds it. */
export interface OpenWatch {
  matches(o: KubeObject): boolean;
  send(change: Change): void;
  /** An `ERROR` event with a 410 Status, then the end of the stream. */
  expire(): void;
  /** The connection dropped mid-stream: no end, no event. */
  drop(): void;
}

const keyOf = (o: KubeObject) =>
  `${o.apiVersion}/${o.kind}/${o.metadata?.namespace ?? ''}/${
    o.metadata?.name
  }`;

/**
 * The objects of one fake cluster and their history, as an API server keeps them: every
 * write bumps one cluster-wide resourceVersion (etcd's revision), lists answer at the
 * current one, and a watch from an older one replays the changes since — unless they were
 * compacted away, when it answers `410 Gone`, as
 * https://kubernetes.io/docs/reference/using-api/api-concepts/#efficient-detection-of-changes
 * describes. `objects` is the live array the list handler reads, so a test that edits it
 * directly still changes what lists answer (but no watch hears of it).
 */
export class FakeCluster {
  private revision = 1000;
  /** Changes after this revision are still in the history; older ones were compacted. */
  private compactedThrough = 1000;
  private readonly history: Change[] = [];
  readonly watches = new Set<OpenWatch>();

  constructor(readonly objects: KubeObject[]) {
    for (const o of objects) this.stamp(o);
  }

  get resourceVersion(): number {
    return this.revision;
  }

  /** Whether a watch may start from `resourceVersion`. */
  canResumeFrom(resourceVersion: number): boolean {
    return resourceVersion >= this.compactedThrough;
  }

  /** The changes after `resourceVersion` that a new watch replays first. */
  changesSince(resourceVersion: number): Change[] {
    return this.history.filter(c => c.resourceVersion > resourceVersion);
  }

  /** Creates the object or replaces the one with its kind, namespace and name. */
  upsert(object: KubeObject) {
    const key = keyOf(object);
    const at = this.objects.findIndex(o => keyOf(o) === key);
    this.stamp(object);
    if (at >= 0) this.objects[at] = object;
    else this.objects.push(object);
    this.record(at >= 0 ? 'MODIFIED' : 'ADDED', object);
  }

  /** Deletes the object with `object`'s kind, namespace and name, if there is one. */
  remove(object: KubeObject) {
    const key = keyOf(object);
    const at = this.objects.findIndex(o => keyOf(o) === key);
    if (at < 0) return;
    const [gone] = this.objects.splice(at, 1);
    const deleted = structuredClone(gone);
    this.stamp(deleted);
    this.record('DELETED', deleted);
  }

  /** Forgets the history: a watch from any earlier resourceVersion answers 410. */
  compact() {
    this.history.length = 0;
    this.compactedThrough = this.revision;
  }

  /** Compacts and ends every open watch with an `ERROR` event carrying a 410 Status. */
  expireWatches() {
    this.compact();
    for (const w of [...this.watches]) w.expire();
  }

  /** Cuts every open watch's connection mid-stream. */
  dropWatches() {
    for (const w of [...this.watches]) w.drop();
  }

  private stamp(o: KubeObject) {
    this.revision++;
    o.metadata = { ...o.metadata, resourceVersion: String(this.revision) };
  }

  private record(type: WatchEventType, object: KubeObject) {
    const change = { resourceVersion: this.revision, type, object };
    this.history.push(change);
    for (const w of this.watches) if (w.matches(object)) w.send(change);
  }
}
