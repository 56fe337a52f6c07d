import { sameJson } from '@meshport/backstage-plugin-mesh-common';
import type {
  ObjectMapper,
  ResourceType,
  WatchingReader,
} from '../readers/ClusterReader';
import { ResourceVersionExpired } from '../readers/ClusterReader';
import { ClusterReadError } from '../readers/ClusterReadError';
import { classifyError } from '../readers/classifyError';
import { keyed, keyOf } from './projections';

/** How a kind's watch paces itself; one set per cluster. */
export interface WatchTiming {
  /** Limit of one list request. */
  timeoutMs: number;
  /** The `timeoutSeconds` of each watch request: the server ends it, the watch starts again. */
  watchTimeoutSeconds: number;
  /** A full list this often, whatever the watch said: the safety net for a missed event. */
  relistIntervalMs: number;
  backoffInitialMs: number;
  backoffMaxMs: number;
  /** In [0, 1); jitter of the backoff and of the re-list interval. */
  random: () => number;
}

export interface KindWatchHooks {
  /** What the kind holds changed (or it synced, or it failed, or it recovered). */
  changed(): void;
}

/** What a kind holds: its mapped objects keyed by namespace and name, and how it is doing. */
export type KindState =
  | { state: 'syncing' }
  | { state: 'synced'; absent?: boolean; forbidden?: boolean }
  | { state: 'failed'; error: ClusterReadError };

/**
 * One kind (in one namespace, with one selector) of one cluster, kept up to date the way
 * client-go's reflector does it: list, then watch from the list's resourceVersion, moving
 * it on with every event and bookmark; a 410 Gone (the history was compacted) lists again;
 * any other failure is reported and retried after an exponential backoff with jitter, a
 * connection dropped mid-stream first resumed once at once. A full list every
 * `relistIntervalMs` (with jitter, so a fleet's clusters do not re-list together) catches
 * anything a watch could have missed.
 * https://kubernetes.io/docs/reference/using-api/api-concepts/#efficient-detection-of-changes
 */
export class KindWatch<T> {
  private readonly records = new Map<string, T>();
  /** `items()` until the records change: a flush reads every kind, most of them unchanged. */
  private sorted?: T[];
  private resourceVersion?: string;
  private relistAt = 0;
  private failures = 0;
  private wake?: () => void;
  /** The mapper with each object's key: what a list needs (and a projection thread can run). */
  private readonly keyedMap: ObjectMapper<{ key?: string; record: T }>;
  status: KindState = { state: 'syncing' };

  constructor(
    private readonly reader: () => WatchingReader,
    readonly resource: ResourceType,
    private readonly scope: { namespace?: string; labelSelector?: string },
    private readonly map: ObjectMapper<T>,
    private readonly timing: WatchTiming,
    private readonly hooks: KindWatchHooks,
    private readonly what: string,
    /** A 403 is an answer, not a failure: what the grant leaves unread (remote secrets). */
    private readonly forbiddenIsEmpty = false,
  ) {
    this.keyedMap = keyed(map);
  }

  /** The namespace the kind is watched in; undefined when cluster-wide. */
  get namespace(): string | undefined {
    return this.scope.namespace;
  }

  /** What the kind holds, in namespace/name order as the API server lists it. */
  items(): T[] {
    this.sorted ??= [...this.records.entries()]
      // code-unit order, as etcd's byte order of keys for the names Kubernetes allows
      .sort(([a], [b]) => Number(a > b) - Number(a < b))
      .map(([, record]) => record);
    return this.sorted;
  }

  /** Ends a failing kind's backoff now: the caller knows the cluster may be back. */
  retryNow() {
    if (this.status.state === 'failed') this.wake?.();
  }

  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        if (this.resourceVersion === undefined || Date.now() >= this.relistAt)
          await this.list(signal);
        if (this.status.state === 'synced' && this.resourceVersion === '') {
          // absent, forbidden, or a server that gives no resourceVersion: only a list will tell
          await this.sleep(this.relistDelay(), signal);
          this.resourceVersion = undefined;
          continue;
        }
        await this.watch(signal);
      } catch (error) {
        if (signal.aborted) return;
        if (error instanceof ResourceVersionExpired) {
          this.resourceVersion = undefined;
          continue;
        }
        await this.failed(error, signal);
      }
    }
  }

  private async list(signal: AbortSignal) {
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), this.timing.timeoutMs);
    const fresh = new Map<string, T>();
    let unnamed = 0;
    let unchanged = false;
    try {
      const listed = await this.reader().listVersioned(
        this.resource,
        { ...this.scope, signal: AbortSignal.any([signal, timeout.signal]) },
        this.keyedMap,
      );
      // a nameless object cannot be watched; it is kept until the next list
      for (const { key, record } of listed?.items ?? [])
        fresh.set(key ?? `\u0000${unnamed++}`, record);
      const before = this.status;
      const same = this.sameRecords(fresh);
      if (!same) {
        // an object listed as it was keeps its record: what was derived from it still holds
        const previous = new Map(this.records);
        this.records.clear();
        for (const [key, record] of fresh) {
          const known = previous.get(key);
          this.records.set(
            key,
            previous.has(key) && sameJson(known, record) ? known! : record,
          );
        }
        this.sorted = undefined;
      }
      this.resourceVersion = listed?.resourceVersion ?? '';
      this.status = listed
        ? { state: 'synced' }
        : { state: 'synced', absent: true };
      // a re-list that found what the watch already had (the usual case) changes nothing
      if (same && before.state === 'synced' && !before.forbidden)
        unchanged = true;
    } catch (error) {
      if (
        this.forbiddenIsEmpty &&
        error instanceof ClusterReadError &&
        error.reason === 'forbidden'
      ) {
        unchanged =
          this.status.state === 'synced' &&
          this.status.forbidden === true &&
          this.records.size === 0;
        this.records.clear();
        this.sorted = undefined;
        this.resourceVersion = '';
        this.status = { state: 'synced', forbidden: true };
      } else if (timeout.signal.aborted && !signal.aborted) {
        throw new ClusterReadError(
          'timeout',
          `${this.what} did not answer within ${this.timing.timeoutMs} ms (mesh.discovery.timeout)`,
        );
      } else throw error;
    } finally {
      clearTimeout(timer);
    }
    this.relistAt = Date.now() + this.relistDelay();
    this.failures = 0;
    if (!unchanged) this.hooks.changed();
  }

  private sameRecords(fresh: Map<string, T>): boolean {
    if (fresh.size !== this.records.size) return false;
    for (const [key, record] of fresh)
      if (!this.records.has(key) || !sameJson(this.records.get(key), record))
        return false;
    return true;
  }

  private async watch(signal: AbortSignal) {
    const untilRelist = Math.max(
      1,
      Math.ceil((this.relistAt - Date.now()) / 1000),
    );
    const timeoutSeconds = Math.min(
      this.timing.watchTimeoutSeconds,
      untilRelist,
    );
    // a server that neither ends the stream nor drops it must not hold the kind forever
    const guard = new AbortController();
    const timer = setTimeout(
      () => guard.abort(),
      timeoutSeconds * 1000 + this.timing.timeoutMs,
    );
    try {
      await this.reader().watch(
        this.resource,
        {
          ...this.scope,
          resourceVersion: this.resourceVersion!,
          timeoutSeconds,
          signal: AbortSignal.any([signal, guard.signal]),
        },
        event => {
          const version = event.object.metadata?.resourceVersion;
          if (typeof version === 'string' && version)
            this.resourceVersion = version;
          // an event proves the stream works: a drop after it is resumed at once again
          this.failures = 0;
          if (event.type === 'BOOKMARK') return;
          const key = keyOf(event.object);
          if (key === undefined) return;
          const record =
            event.type === 'DELETED' ? undefined : this.map(event.object);
          if (record === undefined) {
            if (this.records.delete(key)) {
              this.sorted = undefined;
              this.hooks.changed();
            }
            return;
          }
          // most updates (a pod's status heartbeat) leave what discovery keeps unchanged
          if (this.records.has(key) && sameJson(this.records.get(key), record))
            return;
          this.records.set(key, record);
          this.sorted = undefined;
          this.hooks.changed();
        },
      );
      this.failures = 0;
    } catch (error) {
      if (guard.signal.aborted && !signal.aborted) {
        throw new ClusterReadError(
          'timeout',
          `${this.what}: the watch neither ended nor answered within ${timeoutSeconds} s`,
        );
      }
      // listed, then refused the watch: a role written for polling (list without watch)
      if (error instanceof ClusterReadError && error.reason === 'forbidden') {
        throw new ClusterReadError(
          'forbidden',
          `${error.message}. Discovery watches (mesh.discovery.mode: watch, the default): grant the verb watch beside list, as deploy/kubernetes does, or set mesh.discovery.mode: poll`,
        );
      }
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  private async failed(error: unknown, signal: AbortSignal) {
    const reason = classifyError(error, this.what);
    this.failures++;
    // a dropped stream is resumed once at once, from where it was: no stale mark for a blip
    if (
      this.failures === 1 &&
      this.status.state === 'synced' &&
      reason.reason === 'unreachable'
    )
      return;
    this.status = { state: 'failed', error: reason };
    this.hooks.changed();
    const ceiling = Math.min(
      this.timing.backoffMaxMs,
      this.timing.backoffInitialMs * 2 ** Math.min(this.failures - 1, 20),
    );
    // "equal jitter": never less than half the backoff, so retries stay spread out
    await this.sleep(
      ceiling / 2 + (this.timing.random() * ceiling) / 2,
      signal,
    );
    // a list, not a resumed watch, after a reported failure: it says at once that the kind
    // is whole again, and holds everything the failure may have hidden
    this.resourceVersion = undefined;
  }

  private relistDelay() {
    return this.timing.relistIntervalMs * (0.9 + 0.2 * this.timing.random());
  }

  private sleep(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise(resolve => {
      let timer: NodeJS.Timeout | undefined = undefined;
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.wake = undefined;
        resolve();
      };
      timer = setTimeout(done, ms);
      signal.addEventListener('abort', done);
      this.wake = done;
    });
  }
}
