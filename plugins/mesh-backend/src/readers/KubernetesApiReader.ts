import { randomUUID } from 'node:crypto';
import http from 'node:http';
import {
  HttpMethod,
  KubeConfig,
  RequestContext,
  User,
} from '@kubernetes/client-node';
import type { KubernetesCredential } from '@backstage/plugin-kubernetes-node';
import type { KubernetesClusterSource } from '../clusters/ClusterSource';
import {
  KubeObject,
  ListOptions,
  ObjectMapper,
  PageAnswer,
  PageProjector,
  ResourceType,
  ResourceVersionExpired,
  VersionedList,
  WatchEvent,
  WatchingReader,
  WatchOptions,
} from './ClusterReader';
import { ClusterReadError } from './ClusterReadError';
import { classifyError, reasonForStatus } from './classifyError';
import {
  AgentSettings,
  agentSettings,
  BytesResponse,
  getBytes,
  keepAliveAgent,
  streamLines,
} from './httpGet';
import { projectListPage } from './projectListPage';

const METADATA_ONLY_ACCEPT =
  'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json';
// a watch streams single objects, so it asks for them as PartialObjectMetadata
const METADATA_ONLY_WATCH_ACCEPT =
  'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json';
const WATCH_EVENT_TYPES = new Set(['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK']);

export interface KubernetesApiReaderOptions {
  /** `limit` of each list call. */
  pageSize: number;
  /** Refuse a list with more items than this, so one huge cluster cannot exhaust memory. */
  maxItems: number;
  /**
   * The credential to read with, from the cluster's auth strategy. Asked once per reader,
   * i.e. once per sync, on the first request: tokens expire between syncs.
   */
  credential: () => Promise<KubernetesCredential>;
  /**
   * Where list pages are parsed and mapped when their mapper can run elsewhere (a worker
   * thread); without it, or when it cannot, they are mapped here.
   */
  projector?: PageProjector;
}

/**
 * The client-node user for a strategy's credential: a bearer token, an x509 client
 * certificate (PEM, which client-node takes base64-encoded like a kubeconfig's
 * `client-certificate-data`), or nobody (a `kubectl proxy` adds its own credentials).
 */
function userFor(name: string, credential: KubernetesCredential): User {
  switch (credential.type) {
    case 'bearer token':
      return { name, token: credential.token };
    case 'x509 client certificate':
      return {
        name,
        certData: Buffer.from(credential.cert).toString('base64'),
        keyData: Buffer.from(credential.key).toString('base64'),
      };
    default:
      return { name };
  }
}

interface Response {
  status: number;
  body: unknown;
}

/**
 * Reads a cluster through its API server with client-node's authentication and TLS
 * handling (its `KubeConfig` signs each request and configures the agent), over Node's own
 * HTTP client (`getBytes`). Lists follow `metadata.continue` page by page; optional custom resources use
 * the version the server serves, and a group the server does not know is "not installed".
 */
export class KubernetesApiReader implements WatchingReader {
  private kubeConfig?: Promise<KubeConfig>;
  private readonly server: string;
  private readonly groupVersions = new Map<
    string,
    Promise<string[] | undefined>
  >();
  /** One kept-alive agent for the whole sync (see `request`), and what it is made of. */
  private agent?: http.Agent;
  private connectionSettings?: AgentSettings;
  /** Names this reader's connections in a projection thread (see `PageGet.connection`). */
  private readonly connection = randomUUID();

  constructor(
    private readonly source: KubernetesClusterSource,
    private readonly options: KubernetesApiReaderOptions,
  ) {
    this.server = source.cluster.url.replace(/\/+$/, '');
  }

  /** client-node's view of the cluster and the sync's credential, built on first use. */
  private configured(): Promise<KubeConfig> {
    this.kubeConfig ??= this.options.credential().then(credential => {
      const { name, caData, caFile, skipTLSVerify } = this.source.cluster;
      const kubeConfig = new KubeConfig();
      kubeConfig.loadFromClusterAndUser(
        {
          name,
          server: this.server,
          caData,
          caFile,
          // client-node refuses a plain-HTTP server unless TLS checks are off; there is no TLS
          // to check on one (a `kubectl proxy` on localhost), so http: turns them off
          skipTLSVerify:
            (skipTLSVerify ?? false) || this.server.startsWith('http:'),
        },
        userFor(`${name}-discovery`, credential),
      );
      return kubeConfig;
    });
    return this.kubeConfig;
  }

  async list<T = KubeObject>(
    resource: ResourceType,
    options: ListOptions,
    map?: ObjectMapper<T>,
  ): Promise<T[] | undefined> {
    return (await this.listVersioned(resource, options, map))?.items;
  }

  /** The path of a kind's collection, or undefined when its API group is not served. */
  private async collectionPath(
    resource: ResourceType,
    options: ListOptions,
  ): Promise<string | undefined> {
    const version = await this.versionFor(resource, options.signal);
    if (!version) return undefined;
    const base = resource.group
      ? `/apis/${resource.group}/${version}`
      : '/api/v1';
    const scope = options.namespace
      ? `/namespaces/${encodeURIComponent(options.namespace)}`
      : '';
    return `${base}${scope}/${resource.plural}`;
  }

  async listVersioned<T = KubeObject>(
    resource: ResourceType,
    options: ListOptions,
    map?: ObjectMapper<T>,
  ): Promise<VersionedList<T> | undefined> {
    const path = await this.collectionPath(resource, options);
    if (!path) return undefined;
    // without a mapper the caller asked for the raw items, so T is KubeObject
    const keep = map ?? ((object: KubeObject) => object as T);

    let kept: T[] = [];
    let listed = 0;
    let continueToken: string | undefined;
    let restarted = false;
    // not do…while (continueToken): after an expired token the loop must go round again
    // with no token, which such a loop would take for the end of the list
    for (;;) {
      const query = new URLSearchParams({
        limit: String(this.options.pageSize),
      });
      if (continueToken) query.set('continue', continueToken);
      if (options.labelSelector)
        query.set('labelSelector', options.labelSelector);
      if (options.fieldSelector)
        query.set('fieldSelector', options.fieldSelector);
      const page = await this.readPage(
        `${path}?${query}`,
        path,
        options.signal,
        {
          accept: resource.metadataOnly ? METADATA_ONLY_ACCEPT : undefined,
          // only under a mapper, which projects what discovery keeps (a caller asking for
          // the raw items gets them whole); a custom resource's spec may name a field so, a
          // built-in kind's never does
          dropManagedFields: map !== undefined && !resource.optional,
        },
        keep,
        kept,
      );
      if ('failed' in page) {
        if (page.failed.status === 404 && resource.optional) return undefined;
        if (page.failed.status === 410 && continueToken && !restarted) {
          // the continue token expired mid-list: start over once from a fresh snapshot
          restarted = true;
          continueToken = undefined;
          kept = [];
          listed = 0;
          continue;
        }
        throw this.failure(page.failed, `GET ${path}`);
      }
      listed += page.listed;
      if (listed > this.options.maxItems) {
        throw new ClusterReadError(
          'other',
          `GET ${path} returned more than ${this.options.maxItems} items; raise mesh.discovery.maxObjectsPerKind or exclude namespaces`,
        );
      }
      continueToken = page.continueToken;
      // every page of a list is read at the first page's resourceVersion
      if (!continueToken)
        return { items: kept, resourceVersion: page.resourceVersion ?? '' };
    }
  }

  async watch(
    resource: ResourceType,
    options: WatchOptions,
    onEvent: (event: WatchEvent) => void,
  ): Promise<void> {
    const path = await this.collectionPath(resource, options);
    if (!path) {
      throw new ClusterReadError(
        'other',
        `the API group ${resource.group} is no longer served; its ${resource.plural} are listed again`,
      );
    }
    const query = new URLSearchParams({
      watch: '1',
      resourceVersion: options.resourceVersion,
      allowWatchBookmarks: 'true',
      timeoutSeconds: String(options.timeoutSeconds),
    });
    if (options.labelSelector)
      query.set('labelSelector', options.labelSelector);
    if (options.fieldSelector)
      query.set('fieldSelector', options.fieldSelector);
    const what = `WATCH ${path}`;
    const onLine = (line: string) => {
      let event: { type?: unknown; object?: unknown };
      try {
        event = JSON.parse(line);
      } catch {
        throw new ClusterReadError(
          'malformed-response',
          `${what} streamed a line that is not JSON`,
        );
      }
      const object = event?.object as KubeObject | undefined;
      if (event?.type === 'ERROR') {
        const code = (object as { code?: unknown } | undefined)?.code;
        if (code === 410) {
          throw new ResourceVersionExpired(
            `${what}: resourceVersion ${options.resourceVersion} is too old`,
          );
        }
        throw this.failure(
          { status: typeof code === 'number' ? code : 500, body: object },
          what,
        );
      }
      if (
        typeof event?.type !== 'string' ||
        !WATCH_EVENT_TYPES.has(event.type) ||
        typeof object !== 'object' ||
        object === null
      ) {
        throw new ClusterReadError(
          'malformed-response',
          `${what} streamed an event that is not a Kubernetes watch event`,
        );
      }
      onEvent({ type: event.type as WatchEvent['type'], object });
    };
    const response = await this.request(
      `${path}?${query}`,
      what,
      options.signal,
      resource.metadataOnly ? METADATA_ONLY_WATCH_ACCEPT : undefined,
      (url, request) => streamLines(url, { ...request, onLine }),
    );
    if (response.status === 410)
      throw new ResourceVersionExpired(
        `${what}: resourceVersion ${options.resourceVersion} is too old`,
      );
    if (response.status < 200 || response.status >= 300) {
      let body: unknown;
      try {
        body = response.text ? JSON.parse(response.text) : undefined;
      } catch {
        body = undefined;
      }
      throw this.failure({ status: response.status, body }, what);
    }
  }

  /**
   * One page of a list, mapped into `kept`. Kept apart from `list` so the page lives only in
   * this call's frame: once it returns, nothing in the suspended `list` still references the
   * raw objects (or the bytes) while the next page is fetched. An answer that is not 2xx is
   * handed back whole (a small Status) for `list` to decide on.
   */
  private async readPage<T>(
    url: string,
    path: string,
    signal: AbortSignal,
    request: { accept?: string; dropManagedFields: boolean },
    keep: ObjectMapper<T>,
    kept: T[],
  ): Promise<
    | { listed: number; continueToken?: string; resourceVersion?: string }
    | { failed: Response }
  > {
    const what = `GET ${path}`;
    const options = { dropManagedFields: request.dropManagedFields, what };
    const { projector } = this.options;
    const remote = keep.remote;
    // a page whose mapper can run in a projection thread is read there too, so that its
    // bytes never reach this heap (see `PageProjector`); here when no thread can
    const answer: PageAnswer<T> =
      (remote &&
        projector &&
        (await this.request(url, what, signal, request.accept, (sent, get) =>
          projector.readPage(
            {
              url: sent,
              headers: get.headers,
              agent: get.settings,
              connection: this.connection,
              signal: get.signal,
            },
            { ...options, mapper: remote },
          ),
        ))) ||
      (await this.request(url, what, signal, request.accept, getBytes));
    if ('status' in answer && (answer.status < 200 || answer.status >= 300))
      return { failed: { status: answer.status, body: errorBody(answer) } };
    const page =
      'page' in answer
        ? answer.page
        : projectListPage(answer.body, { ...options, map: keep });
    for (const record of page.records) kept.push(record);
    return {
      listed: page.listed,
      continueToken: page.continueToken,
      resourceVersion: page.resourceVersion,
    };
  }

  /** The version to list an API group's resource in, or undefined when the group is absent. */
  private async versionFor(
    resource: ResourceType,
    signal: AbortSignal,
  ): Promise<string | undefined> {
    if (!resource.optional) return resource.version;
    let versions = this.groupVersions.get(resource.group);
    if (!versions) {
      versions = this.get(`/apis/${resource.group}`, signal).then(response => {
        if (response.status === 404) return undefined;
        this.assertOk(response, `GET /apis/${resource.group}`);
        const group = response.body as {
          versions?: Array<{ version?: string }>;
          preferredVersion?: { version?: string };
        };
        const served = (group.versions ?? [])
          .map(v => v.version)
          .filter((v): v is string => !!v);
        const preferred = group.preferredVersion?.version;
        return preferred ? [preferred, ...served] : served;
      });
      this.groupVersions.set(resource.group, versions);
    }
    const served = await versions;
    if (!served) return undefined;
    return served.includes(resource.version) ? resource.version : served[0];
  }

  private assertOk(response: Response, what: string) {
    if (response.status >= 200 && response.status < 300) return;
    throw this.failure(response, what);
  }

  /** The error for an answer that is not 2xx, with the API server's own message. */
  private failure(response: Response, what: string): ClusterReadError {
    const status = response.body as { message?: unknown } | undefined;
    const detail =
      typeof status?.message === 'string'
        ? `: ${status.message.slice(0, 200)}`
        : '';
    return new ClusterReadError(
      reasonForStatus(response.status),
      `${what} answered HTTP ${response.status}${detail}`,
    );
  }

  close() {
    this.agent?.destroy();
    this.agent = undefined;
    this.options.projector?.release(this.connection);
  }

  private async get(
    path: string,
    signal: AbortSignal,
    accept?: string,
  ): Promise<Response> {
    const what = `GET ${path.split('?')[0]}`;
    const response = await this.request(path, what, signal, accept, getBytes);
    // an error page from a proxy in front of the API server is not worth parsing
    if (response.status >= 400)
      return { status: response.status, body: errorBody(response) };
    try {
      const text = response.body.toString('utf8');
      return {
        status: response.status,
        body: text ? JSON.parse(text) : undefined,
      };
    } catch {
      throw new ClusterReadError(
        'malformed-response',
        `${what} returned a body that is not valid JSON`,
      );
    }
  }

  /**
   * One authenticated request, sent by `send` over the kept-alive agent (or, by a projection
   * thread, over one built from the same settings).
   */
  private async request<R>(
    path: string,
    what: string,
    signal: AbortSignal,
    accept: string | undefined,
    send: (
      url: string,
      request: {
        headers: Record<string, string>;
        agent: http.Agent;
        settings: AgentSettings;
        signal: AbortSignal;
      },
    ) => Promise<R>,
  ): Promise<R> {
    try {
      const context = new RequestContext(
        `${this.server}${path}`,
        HttpMethod.GET,
      );
      context.setHeaderParam('Accept', accept ?? 'application/json');
      await (await this.configured()).applySecurityAuthentication(context);
      // client-node configures an agent for every request; its settings are the same for
      // every request of the sync (they come only from this reader's cluster and user), so
      // one kept-alive agent made of them serves the sync: client-node's own would cost a
      // TCP connection and a TLS handshake per page of every list
      this.connectionSettings ??= agentSettings(context.getAgent()!);
      this.agent ??= keepAliveAgent(this.connectionSettings);
      return await send(context.getUrl(), {
        headers: context.getHeaders(),
        agent: this.agent,
        settings: this.connectionSettings,
        signal,
      });
    } catch (error) {
      if (error instanceof ResourceVersionExpired) throw error;
      throw classifyError(error, what);
    }
  }
}

/** The Status an answer that is not 2xx carries, if it is JSON at all. */
function errorBody(response: BytesResponse): unknown {
  try {
    const text = response.body.toString('utf8');
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}
