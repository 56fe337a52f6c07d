import { delay, http, HttpResponse } from 'msw';
import { FakeCluster, OpenWatch } from './FakeCluster';
import type { KubeObject } from './KubeObject';
import { selectorMatches } from './labelSelector';

export interface FakeApiServerOptions {
  /** Answer every request with this status and a Kubernetes Status body. */
  failWith?: number;
  /** Answer 200 with a body that is not JSON. */
  garbage?: boolean;
  /** Delay every answer (a slow cluster). */
  delayMs?: number;
  /** Bearer token the server accepts; others get 401. */
  token?: string;
  /** Records every request path + query, to assert pagination. */
  requests?: string[];
  /**
   * RBAC as deploy/kubernetes grants it: Secrets may be listed only in these namespaces (the
   * remote-secrets Role); a list anywhere else, cluster-wide included, answers 403.
   */
  listSecretsOnlyIn?: string[];
  /** How often an open watch that asked for bookmarks gets one; 1 s unless set. */
  bookmarkEveryMs?: number;
  /**
   * RBAC that grants `list` but not `watch` (a role written for polling): lists answer,
   * every watch answers 403 as the API server's authorizer words it.
   */
  listOnly?: boolean;
}

const PLURALS: Record<string, string> = {
  Namespace: 'namespaces',
  Node: 'nodes',
  Service: 'services',
  Pod: 'pods',
  ConfigMap: 'configmaps',
  Secret: 'secrets',
  EndpointSlice: 'endpointslices',
  Deployment: 'deployments',
  StatefulSet: 'statefulsets',
};

function pluralOf(o: KubeObject): string {
  return PLURALS[o.kind ?? ''] ?? `${(o.kind ?? '').toLowerCase()}s`;
}

function status(code: number, reason: string, message: string) {
  return HttpResponse.json(
    {
      apiVersion: 'v1',
      kind: 'Status',
      metadata: {},
      status: 'Failure',
      message,
      reason,
      code,
    },
    { status: code },
  );
}

const encoder = new TextEncoder();

/**
 * A watch as the API server streams it: one JSON event per line, first the changes since
 * `resourceVersion`, then each change as it happens, a `BOOKMARK` (an object carrying only the
 * current resourceVersion) every `bookmarkEveryMs` when asked for, and the end of the stream
 * after `timeoutSeconds`. A resourceVersion older than the history answers a plain 410; the
 * cluster can also end open watches with an `ERROR` event holding a 410 Status, or drop them.
 * https://kubernetes.io/docs/reference/using-api/api-concepts/#efficient-detection-of-changes
 */
function watchStream(
  cluster: FakeCluster,
  url: URL,
  matches: (o: KubeObject) => boolean,
  metadataOnly: boolean,
  bookmarkEveryMs: number,
) {
  const from = Number(url.searchParams.get('resourceVersion') ?? '');
  if (!Number.isInteger(from) || !cluster.canResumeFrom(from)) {
    return status(
      410,
      'Expired',
      `too old resource version: ${url.searchParams.get('resourceVersion')} (${
        cluster.resourceVersion
      })`,
    );
  }
  const bookmarks = url.searchParams.get('allowWatchBookmarks') === 'true';
  const timeoutSeconds = Number(url.searchParams.get('timeoutSeconds') ?? 1800);
  const view = (o: KubeObject) =>
    metadataOnly
      ? {
          apiVersion: 'meta.k8s.io/v1',
          kind: 'PartialObjectMetadata',
          metadata: o.metadata,
        }
      : o;
  let open: OpenWatch | undefined;
  const timers: NodeJS.Timeout[] = [];
  const close = () => {
    if (open) cluster.watches.delete(open);
    timers.forEach(clearTimeout);
    timers.forEach(clearInterval);
  };
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      const write = (event: object) => {
        try {
          controller.enqueue(encoder.encode(`${JSON.stringify(event)}\n`));
        } catch {
          // the client went away (msw does not always call `cancel`): forget the watch
          close();
        }
      };
      open = {
        matches,
        send: change =>
          write({ type: change.type, object: view(change.object) }),
        expire: () => {
          write({
            type: 'ERROR',
            object: {
              kind: 'Status',
              apiVersion: 'v1',
              metadata: {},
              status: 'Failure',
              message: `too old resource version: ${from} (${cluster.resourceVersion})`,
              reason: 'Expired',
              code: 410,
            },
          });
          close();
          controller.close();
        },
        drop: () => {
          close();
          controller.error(new Error('connection reset by peer'));
        },
      };
      for (const change of cluster.changesSince(from))
        if (matches(change.object)) open.send(change);
      cluster.watches.add(open);
      if (bookmarks) {
        timers.push(
          setInterval(
            () =>
              write({
                type: 'BOOKMARK',
                object: {
                  metadata: {
                    resourceVersion: String(cluster.resourceVersion),
                  },
                },
              }),
            bookmarkEveryMs,
          ).unref(),
        );
      }
      timers.push(
        setTimeout(() => {
          close();
          controller.close();
        }, timeoutSeconds * 1000).unref(),
      );
    },
    cancel: close,
  });
  return new HttpResponse(body, {
    status: 200,
    headers: { 'content-type': 'application/json' },
  });
}

/**
 * msw handlers that play one cluster's API server: API group discovery, cluster-wide and
 * namespaced lists (only that namespace's objects) honouring `limit`/`continue`, label and
 * name selectors, metadata-only lists (remote secrets come back without data), 404 for API
 * groups not installed, optionally the 403s of a namespace-scoped secrets grant, and watches
 * (`watchStream`). Pass a `FakeCluster` to change objects while watches are open.
 */
export function fakeApiServer(
  baseUrl: string,
  objectsOrCluster: KubeObject[] | FakeCluster,
  options: FakeApiServerOptions = {},
) {
  const cluster =
    objectsOrCluster instanceof FakeCluster
      ? objectsOrCluster
      : new FakeCluster(objectsOrCluster);
  const objects = cluster.objects;
  const groups = new Map<string, Set<string>>();
  for (const o of objects) {
    const [group, version] = (o.apiVersion ?? '').includes('/')
      ? (o.apiVersion ?? '').split('/')
      : ['', o.apiVersion ?? ''];
    if (group) groups.set(group, (groups.get(group) ?? new Set()).add(version));
  }
  // core and apps groups are always served, even when a cluster has no such objects
  groups.set('apps', (groups.get('apps') ?? new Set()).add('v1'));
  groups.set(
    'discovery.k8s.io',
    (groups.get('discovery.k8s.io') ?? new Set()).add('v1'),
  );

  const guard = async (request: Request) => {
    options.requests?.push(
      new URL(request.url).pathname + new URL(request.url).search,
    );
    if (options.delayMs) await delay(options.delayMs);
    if (
      options.token &&
      request.headers.get('authorization') !== `Bearer ${options.token}`
    ) {
      return status(401, 'Unauthorized', 'Unauthorized');
    }
    if (options.failWith === 403) {
      return status(
        403,
        'Forbidden',
        'pods is forbidden: User "system:serviceaccount:backstage:meshport" cannot list resource',
      );
    }
    if (options.failWith)
      return status(
        options.failWith,
        'InternalError',
        'etcdserver: request timed out',
      );
    if (options.garbage) {
      return new HttpResponse('<html>502 Bad Gateway</html', {
        status: 200,
        headers: { 'content-type': 'application/json' },
      });
    }
    return undefined;
  };

  const listHandler = async ({
    request,
    params,
  }: {
    request: Request;
    params: Record<string, string | readonly string[] | undefined>;
  }) => {
    const failure = await guard(request);
    if (failure) return failure;
    const url = new URL(request.url);
    const group = (params.group as string | undefined) ?? '';
    const version = params.version as string;
    const plural = params.plural as string;
    const namespace = params.namespace as string | undefined;
    if (group && !groups.get(group)?.has(version)) {
      return status(
        404,
        'NotFound',
        'the server could not find the requested resource',
      );
    }
    if (
      !group &&
      plural === 'secrets' &&
      options.listSecretsOnlyIn &&
      !(namespace && options.listSecretsOnlyIn.includes(namespace))
    ) {
      return status(
        403,
        'Forbidden',
        `secrets is forbidden: User "system:serviceaccount:meshport:meshport-discovery" cannot list resource "secrets" in API group "" ${
          namespace ? `in the namespace "${namespace}"` : 'at the cluster scope'
        }`,
      );
    }
    const labelSelector = url.searchParams.get('labelSelector') ?? undefined;
    const fieldSelector = url.searchParams.get('fieldSelector') ?? undefined;
    const matches = (o: KubeObject) =>
      pluralOf(o) === plural &&
      o.apiVersion === (group ? `${group}/${version}` : version) &&
      (!namespace || o.metadata?.namespace === namespace) &&
      selectorMatches(labelSelector, k => o.metadata?.labels?.[k]) &&
      selectorMatches(fieldSelector, k =>
        k === 'metadata.name' ? o.metadata?.name : undefined,
      );
    // `as=PartialObjectMetadataList` for a list, `as=PartialObjectMetadata` for a watch
    const metadataOnly = (request.headers.get('accept') ?? '').includes(
      'as=PartialObjectMetadata',
    );
    if (['1', 'true'].includes(url.searchParams.get('watch') ?? '')) {
      if (options.listOnly) {
        // k8s.io/apiserver endpoints/handlers/responsewriters forbiddenMessage
        return status(
          403,
          'Forbidden',
          `${plural} is forbidden: User "system:serviceaccount:meshport:meshport-discovery" cannot watch resource "${plural}" in API group "${group}" ${
            namespace
              ? `in the namespace "${namespace}"`
              : 'at the cluster scope'
          }`,
        );
      }
      return watchStream(
        cluster,
        url,
        matches,
        metadataOnly,
        options.bookmarkEveryMs ?? 1000,
      );
    }
    const matching = objects.filter(matches);
    const limit = Number(url.searchParams.get('limit') ?? matching.length);
    const offset = Number(url.searchParams.get('continue') ?? 0);
    const page = matching.slice(offset, offset + limit);
    const next =
      offset + limit < matching.length ? String(offset + limit) : undefined;
    const kind = page[0]?.kind ?? 'Object';
    const listApiVersion = group ? `${group}/${version}` : 'v1';
    return HttpResponse.json({
      apiVersion: metadataOnly ? 'meta.k8s.io/v1' : listApiVersion,
      kind: metadataOnly ? 'PartialObjectMetadataList' : `${kind}List`,
      metadata: {
        resourceVersion: String(cluster.resourceVersion),
        ...(next
          ? {
              continue: next,
              remainingItemCount: matching.length - offset - limit,
            }
          : {}),
      },
      items: metadataOnly
        ? page.map(o => ({
            apiVersion: 'meta.k8s.io/v1',
            kind: 'PartialObjectMetadata',
            metadata: o.metadata,
          }))
        : page,
    });
  };

  return [
    http.get(`${baseUrl}/apis/:group`, async ({ request, params }) => {
      const failure = await guard(request);
      if (failure) return failure;
      const versions = [...(groups.get(params.group as string) ?? [])];
      if (versions.length === 0)
        return status(
          404,
          'NotFound',
          'the server could not find the requested resource',
        );
      const entries = versions.map(v => ({
        groupVersion: `${params.group}/${v}`,
        version: v,
      }));
      return HttpResponse.json({
        apiVersion: 'v1',
        kind: 'APIGroup',
        name: params.group,
        versions: entries,
        preferredVersion: entries[0],
      });
    }),
    http.get(
      `${baseUrl}/api/:version/namespaces/:namespace/:plural`,
      listHandler,
    ),
    http.get(`${baseUrl}/api/:version/:plural`, listHandler),
    http.get(
      `${baseUrl}/apis/:group/:version/namespaces/:namespace/:plural`,
      listHandler,
    ),
    http.get(`${baseUrl}/apis/:group/:version/:plural`, listHandler),
  ];
}
