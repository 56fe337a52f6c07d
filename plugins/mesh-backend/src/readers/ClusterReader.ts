import type { AgentSettings } from './httpGet';

/** A Kubernetes object as the API server serves it; readers do not interpret it. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    creationTimestamp?: string;
    ownerReferences?: Array<{
      kind: string;
      name: string;
      controller?: boolean;
    }>;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

/** A kind discovery lists, by group (empty for the core group) and plural. */
export interface ResourceType {
  group: string;
  /** The version to use when the reader cannot ask the server for its preferred one. */
  version: string;
  plural: string;
  kind: string;
  /** A custom resource: a missing API group means "not installed", not an error. */
  optional?: boolean;
  /** Ask only for metadata (remote secrets: the kubeconfig inside is never read). */
  metadataOnly?: boolean;
}

export interface ListOptions {
  /** Limit to one namespace; cluster-wide when absent. */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  signal: AbortSignal;
}

/**
 * What the caller keeps of one listed object, or `undefined` to drop it. Readers call it page
 * by page, as each page arrives, so a page's raw objects (a Pod with its managedFields is
 * ~6 KB) are garbage as soon as the page is mapped instead of living until the whole list,
 * and the lists of other kinds, are complete.
 */
export type ObjectMapper<T> = ((object: KubeObject) => T | undefined) & {
  /** Set when the mapper can also run in another thread (see `PageProjector`). */
  readonly remote?: RemoteMapper<T>;
};

/**
 * How a mapper runs in another thread: `spec` (plain data) names it to the thread, which
 * builds the same mapper from it and sends each record back encoded for the way; `revive`
 * makes that into the record the mapper would have returned here.
 */
export interface RemoteMapper<T> {
  readonly spec: unknown;
  revive(sent: unknown): T;
}

/** One list page as a mapper left it: what it kept, in list order, and where the list goes on. */
export interface ProjectedPage<T> {
  records: T[];
  /** Items on the page, kept or not. */
  listed: number;
  continueToken?: string;
  resourceVersion?: string;
}

/** One list page's GET, as the reader would send it itself. */
export interface PageGet {
  url: string;
  headers: Record<string, string>;
  agent: AgentSettings;
  /**
   * Whose kept-alive connections to send it on: one reader's (a cluster's sync), released
   * with it (`PageProjector.release`).
   */
  connection: string;
  signal: AbortSignal;
}

/** A page read elsewhere: projected when 2xx, else the status and the (small) body as sent. */
export type PageAnswer<T> =
  | { page: ProjectedPage<T> }
  | { status: number; body: Buffer };

/**
 * Reads, parses and maps list pages somewhere other than the event loop (a worker thread):
 * a page of Pods is megabytes of JSON, most of it dropped by the mapper, and its bytes
 * alone, received here, made the collector mark every inventory the process keeps (see
 * `ProjectionThreads`). `undefined` when it cannot (no thread could start): the reader then
 * reads and maps the page itself. A failed request rejects as `getBytes` would have.
 */
export interface PageProjector {
  readPage<T>(
    get: PageGet,
    projection: {
      mapper: RemoteMapper<T>;
      dropManagedFields: boolean;
      /** The request, for error messages: `GET /api/v1/pods`. */
      what: string;
    },
  ): Promise<PageAnswer<T> | undefined>;
  /** Closes the connections kept alive for `connection` (a reader that is done). */
  release(connection: string): void;
}

/**
 * Reads one cluster. `list` returns every item across pages, or `undefined` when an
 * optional resource's API is not served (its CRD is not installed). Failures throw
 * `ClusterReadError` so discovery can record why.
 *
 * With `map`, it returns what `map` kept of each object, in list order, and holds no raw
 * object beyond the page being mapped; without it, `T` is `KubeObject` (the raw items).
 * `map` must not depend on what it saw before: a list whose continue token expires starts
 * over, and what was mapped of the abandoned snapshot is dropped, not handed back.
 */
export interface ClusterReader {
  list<T = KubeObject>(
    resource: ResourceType,
    options: ListOptions,
    map?: ObjectMapper<T>,
  ): Promise<T[] | undefined>;
  /** Releases what the reader holds open (kept-alive connections) once the sync is over. */
  close?(): void;
}

/** A list with the resourceVersion it was read at: where a watch of it starts. */
export interface VersionedList<T> {
  items: T[];
  resourceVersion: string;
}

/** One event of a watch stream, a `BOOKMARK` included (its object carries only a resourceVersion). */
export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';
  object: KubeObject;
}

export interface WatchOptions extends ListOptions {
  /** Where the watch starts: the list's resourceVersion, or the last event or bookmark seen. */
  resourceVersion: string;
  /** The server ends the watch after this long; the caller then watches again. */
  timeoutSeconds: number;
}

/**
 * A reader that can also watch: list a kind, then follow its changes from the list's
 * resourceVersion (https://kubernetes.io/docs/reference/using-api/api-concepts/#efficient-detection-of-changes).
 * `watch` resolves when the server ends the stream (its `timeoutSeconds`), throws
 * `ResourceVersionExpired` when the resourceVersion is too old to resume from (410 Gone, as
 * an answer or as an `ERROR` event), and `ClusterReadError` for every other failure, a
 * connection dropped mid-stream included.
 */
export interface WatchingReader extends ClusterReader {
  listVersioned<T = KubeObject>(
    resource: ResourceType,
    options: ListOptions,
    map?: ObjectMapper<T>,
  ): Promise<VersionedList<T> | undefined>;
  watch(
    resource: ResourceType,
    options: WatchOptions,
    onEvent: (event: WatchEvent) => void,
  ): Promise<void>;
}

/** The resourceVersion a watch asked for is gone from the server's history: list again. */
export class ResourceVersionExpired extends Error {
  readonly name = 'ResourceVersionExpired';
}
