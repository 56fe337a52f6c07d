import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ClusterObjects,
  clusterName,
  FleetShape,
  generateCluster,
} from './fleetObjects';

/**
 * One loopback HTTP server that plays many Kubernetes API servers: cluster `cluster-007` is
 * served under `http://127.0.0.1:<port>/clusters/cluster-007`, which is a valid API server URL
 * for the reader (it appends `/api/v1/...`). Lists honour `limit`/`continue`, equality label
 * selectors and metadata-only Accept headers; API groups that are not installed answer 404.
 *
 * Each response body is rendered once and cached, so after a warm-up pass the server costs the
 * same for every client: the floor and the discovery run are measured against identical bytes.
 *
 * Watches (`?watch=1`) are held open and end after their `timeoutSeconds`; `changePod` sends a
 * `MODIFIED` event (one label bumped) to the watches of that cluster's pods, as an API server
 * streams it (https://kubernetes.io/docs/reference/using-api/api-concepts/#efficient-detection-of-changes).
 * `POST /control/change-pod?cluster=…&n=…` does the same over HTTP, for the process under test;
 * `POST /control/change-stream` (`{ clusters, everyMs }`) changes those clusters' pods one after
 * another, `everyMs` apart, from the farm's own process, so a process measured while the pods
 * change spends nothing on sending the changes.
 * Lists keep answering the generated objects: the bench never re-lists during a measurement.
 */

const SERVED_GROUPS: Record<string, Record<string, keyof ClusterObjects>> = {
  '': {
    namespaces: 'namespaces',
    nodes: 'nodes',
    services: 'services',
    pods: 'pods',
    configmaps: 'configmaps',
    secrets: 'secrets',
  },
  apps: { deployments: 'deployments', statefulsets: 'statefulsets' },
  'discovery.k8s.io': { endpointslices: 'endpointslices' },
  'networking.istio.io': {
    virtualservices: 'virtualservices',
    destinationrules: 'destinationrules',
    serviceentries: 'serviceentries',
    gateways: 'gateways',
  },
  'security.istio.io': {
    peerauthentications: 'peerauthentications',
    authorizationpolicies: 'authorizationpolicies',
  },
};

const GROUP_VERSION: Record<string, string> = {
  '': 'v1',
  apps: 'v1',
  'discovery.k8s.io': 'v1',
  'networking.istio.io': 'v1',
  'security.istio.io': 'v1',
};

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- raw Kubernetes JSON

function status(code: number, message: string): Buffer {
  return Buffer.from(
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Status',
      metadata: {},
      status: 'Failure',
      message,
      reason: code === 404 ? 'NotFound' : 'BadRequest',
      code,
    }),
  );
}

function matchesSelector(o: Obj, selector: string | null): boolean {
  if (!selector) return true;
  return selector.split(',').every(term => {
    const [k, v] = term.split('=');
    return o.metadata?.labels?.[k] === v;
  });
}

export interface FarmStats {
  requests: number;
  bytes: number;
  cachedBodies: number;
}

const FARM_RESOURCE_VERSION = 48151623;
const SYSTEM_NAMESPACES = new Set(['istio-system', 'kube-system', 'linkerd']);

export class ApiServerFarm {
  /** Open pod watches per cluster. */
  private readonly podWatches = new Map<string, Set<http.ServerResponse>>();
  private revision = FARM_RESOURCE_VERSION;
  private readonly changedPods = new Map<string, Obj>();
  private readonly bodies = new Map<string, { status: number; body: Buffer }>();
  /** A few clusters' objects at a time: enough for the pool of clusters being read. */
  private readonly objects = new Map<string, ClusterObjects>();
  private server?: http.Server;
  readonly stats: FarmStats = { requests: 0, bytes: 0, cachedBodies: 0 };

  constructor(private readonly shape: FleetShape) {}

  async listen(port = 0): Promise<number> {
    this.server = http.createServer((req, res) => this.handle(req, res));
    this.server.keepAliveTimeout = 60_000;
    await new Promise<void>(resolve =>
      this.server!.listen(port, '127.0.0.1', resolve),
    );
    return (this.server.address() as AddressInfo).port;
  }

  async close() {
    this.server?.closeAllConnections();
    await new Promise(resolve => this.server?.close(resolve));
  }

  private clusterObjects(name: string): ClusterObjects | undefined {
    let found = this.objects.get(name);
    if (found) return found;
    const index = Number(name.replace(/^cluster-/, '')) - 1;
    if (
      !(index >= 0 && index < this.shape.clusters) ||
      clusterName(index) !== name
    )
      return undefined;
    found = generateCluster(index, this.shape);
    if (this.objects.size >= 12)
      this.objects.delete(this.objects.keys().next().value!);
    this.objects.set(name, found);
    return found;
  }

  /** Bumps a label of the cluster's `n`th pod and streams the change to its pod watches. */
  changePod(cluster: string, n: number): boolean {
    // kept apart from the few generated clusters cached for lists, so changes to 100
    // clusters do not regenerate one on every change
    const key = `${cluster} ${n}`;
    let pod = this.changedPods.get(key);
    if (!pod) {
      // an application's pod: discovery leaves the control plane's (istio-system) out
      const pods = this.clusterObjects(cluster)?.pods.filter(
        p => !SYSTEM_NAMESPACES.has(p.metadata?.namespace),
      );
      if (!pods?.length) return false;
      pod = structuredClone(pods[n % pods.length]) as Obj;
      this.changedPods.set(key, pod);
    }
    this.revision++;
    pod.metadata.labels = {
      ...pod.metadata.labels,
      'bench.meshport.dev/revision': String(this.revision),
    };
    pod.metadata.resourceVersion = String(this.revision);
    const line = `${JSON.stringify({ type: 'MODIFIED', object: pod })}\n`;
    for (const res of this.podWatches.get(cluster) ?? []) res.write(line);
    return true;
  }

  /**
   * Changes the first pod of each cluster in turn, the `i`th at `i × everyMs` from now (late
   * ones catch up rather than shift the rest). Resolves with how late the last change was.
   */
  async changeStream(clusters: string[], everyMs: number): Promise<number> {
    const started = performance.now();
    for (const [i, cluster] of clusters.entries()) {
      const due = started + i * everyMs;
      const wait = due - performance.now();
      if (wait > 0) await new Promise(resolve => setTimeout(resolve, wait));
      if (!this.changePod(cluster, 0))
        throw new Error(`no application pod to change in ${cluster}`);
    }
    return Math.max(
      0,
      performance.now() - (started + (clusters.length - 1) * everyMs),
    );
  }

  private watch(res: http.ServerResponse, url: URL) {
    const parts = url.pathname.split('/').filter(Boolean);
    const cluster = parts[1];
    res.writeHead(200, { 'content-type': 'application/json' });
    res.flushHeaders();
    // other kinds never change in the bench: their streams only end on time
    if (parts[parts.length - 1] === 'pods') {
      const open = this.podWatches.get(cluster) ?? new Set();
      open.add(res);
      this.podWatches.set(cluster, open);
    }
    const timeout = Number(url.searchParams.get('timeoutSeconds') ?? 300);
    const timer = setTimeout(() => res.end(), timeout * 1000);
    res.on('close', () => {
      clearTimeout(timer);
      this.podWatches.get(cluster)?.delete(res);
    });
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse) {
    this.stats.requests++;
    const url = new URL(req.url ?? '/', 'http://farm');
    if (req.method === 'POST' && url.pathname === '/control/change-pod') {
      const changed = this.changePod(
        url.searchParams.get('cluster') ?? '',
        Number(url.searchParams.get('n') ?? 0),
      );
      res.writeHead(changed ? 204 : 404).end();
      return;
    }
    if (req.method === 'POST' && url.pathname === '/control/change-stream') {
      const chunks: Buffer[] = [];
      req.on('data', chunk => chunks.push(chunk));
      req.on('end', () => {
        const { clusters, everyMs } = JSON.parse(
          Buffer.concat(chunks).toString('utf8'),
        ) as { clusters: string[]; everyMs: number };
        this.changeStream(clusters, everyMs).then(
          lateMs =>
            res
              .writeHead(200, { 'content-type': 'application/json' })
              .end(JSON.stringify({ lateMs })),
          error => res.writeHead(404).end(String(error)),
        );
      });
      return;
    }
    if (url.searchParams.get('watch') === '1') {
      this.watch(res, url);
      return;
    }
    const metadataOnly = (req.headers.accept ?? '').includes(
      'PartialObjectMetadataList',
    );
    const key = `${metadataOnly ? 'm' : 'f'} ${req.url}`;
    let answer = this.bodies.get(key);
    if (!answer) {
      answer = this.render(req.url ?? '/', metadataOnly);
      this.bodies.set(key, answer);
      this.stats.cachedBodies = this.bodies.size;
    }
    this.stats.bytes += answer.body.length;
    res.writeHead(answer.status, {
      'content-type': 'application/json',
      'content-length': answer.body.length,
    });
    res.end(answer.body);
  }

  private render(
    rawUrl: string,
    metadataOnly: boolean,
  ): { status: number; body: Buffer } {
    const url = new URL(rawUrl, 'http://farm');
    const parts = url.pathname.split('/').filter(Boolean);
    if (parts[0] !== 'clusters' || !parts[1])
      return { status: 404, body: status(404, 'unknown cluster') };
    const objects = this.clusterObjects(parts[1]);
    if (!objects) return { status: 404, body: status(404, 'unknown cluster') };
    const rest = parts.slice(2);

    // API group discovery: GET /apis/<group>
    if (rest[0] === 'apis' && rest.length === 2) {
      const group = rest[1];
      if (!SERVED_GROUPS[group])
        return {
          status: 404,
          body: status(404, 'the server could not find the requested resource'),
        };
      const gv = {
        groupVersion: `${group}/${GROUP_VERSION[group]}`,
        version: GROUP_VERSION[group],
      };
      return {
        status: 200,
        body: Buffer.from(
          JSON.stringify({
            apiVersion: 'v1',
            kind: 'APIGroup',
            name: group,
            versions: [gv],
            preferredVersion: gv,
          }),
        ),
      };
    }

    let group: string;
    let version: string;
    let tail: string[];
    if (rest[0] === 'api') {
      group = '';
      version = rest[1];
      tail = rest.slice(2);
    } else if (rest[0] === 'apis') {
      group = rest[1];
      version = rest[2];
      tail = rest.slice(3);
    } else {
      return { status: 404, body: status(404, 'not found') };
    }
    let namespace: string | undefined;
    if (tail[0] === 'namespaces' && tail.length === 3) {
      namespace = tail[1];
      tail = tail.slice(2);
    }
    const plural = tail[0];
    const field = SERVED_GROUPS[group]?.[plural];
    if (tail.length !== 1 || !field || GROUP_VERSION[group] !== version)
      return {
        status: 404,
        body: status(404, 'the server could not find the requested resource'),
      };

    const matching = objects[field].filter(
      o =>
        (!namespace || o.metadata?.namespace === namespace) &&
        matchesSelector(o, url.searchParams.get('labelSelector')),
    );
    const limit = Number(url.searchParams.get('limit') ?? 0) || matching.length;
    const token = url.searchParams.get('continue');
    const offset = token
      ? Number(JSON.parse(Buffer.from(token, 'base64url').toString()).offset)
      : 0;
    const page = matching.slice(offset, offset + limit);
    const next = offset + limit < matching.length ? offset + limit : undefined;
    const apiVersion = group ? `${group}/${version}` : version;
    const kind = `${page[0]?.kind ?? 'Object'}List`;
    const list = {
      apiVersion: metadataOnly ? 'meta.k8s.io/v1' : apiVersion,
      kind: metadataOnly ? 'PartialObjectMetadataList' : kind,
      metadata: {
        resourceVersion: String(FARM_RESOURCE_VERSION),
        ...(next !== undefined
          ? {
              continue: Buffer.from(
                JSON.stringify({ rv: 48151623, offset: next }),
              ).toString('base64url'),
              remainingItemCount: matching.length - next,
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
    };
    return { status: 200, body: Buffer.from(JSON.stringify(list)) };
  }
}

/**
 * `kubernetes.clusterLocatorMethods` naming every cluster of a farm on `port`, as a user would
 * configure them: what the discovery benches give the real plugin.
 */
export function farmClusterLocator(clusters: number, port: number) {
  return {
    clusterLocatorMethods: [
      {
        type: 'config',
        clusters: Array.from({ length: clusters }, (_, i) => ({
          name: clusterName(i),
          url: `http://127.0.0.1:${port}/clusters/${clusterName(i)}`,
          authProvider: 'serviceAccount',
          serviceAccountToken: 'bench-token',
          // client-node refuses plain HTTP unless TLS checks are off; the farm is loopback HTTP
          skipTLSVerify: true,
        })),
      },
    ],
  };
}
