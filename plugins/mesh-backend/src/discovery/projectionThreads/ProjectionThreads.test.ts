import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { mockServices } from '@backstage/backend-test-utils';
import type {
  KubeObject,
  ObjectMapper,
  PageAnswer,
} from '../../readers/ClusterReader';
import { ClusterReadError } from '../../readers/ClusterReadError';
import { classifyError } from '../../readers/classifyError';
import { projectListPage } from '../../readers/projectListPage';
import { AGGREGATION, demoObjects } from '../../__testUtils__/demoFleet';
import { Skipped } from '../projectInventory';
import { clusterProjections, keyed, marking } from '../projections';
import { ProjectionThreads } from './ProjectionThreads';

/** A page as an API server sends it, managedFields included. */
function page(items: unknown[], metadata: object = {}) {
  return Buffer.from(
    JSON.stringify({ kind: 'List', apiVersion: 'v1', metadata, items }),
  );
}

const withManagedFields = (o: KubeObject) => ({
  ...o,
  metadata: {
    ...o.metadata,
    managedFields: [{ manager: 'kubectl', fieldsV1: { 'f:spec': {} } }],
  },
});

const objects = demoObjects('cluster-2').map(withManagedFields);
const ofKind = (kind: string) => objects.filter(o => o.kind === kind);

/** Objects no projection keeps whole: refused names, a shape nothing expects. */
const BROKEN: Record<string, KubeObject[]> = {
  Pod: [
    { kind: 'Pod', metadata: { namespace: 'shop', name: 'Not A Name' } },
    {
      kind: 'Pod',
      metadata: { namespace: 'shop', name: 'p', ownerReferences: 'x' as never },
    },
  ],
  Service: [{ kind: 'Service', metadata: { name: 'no-namespace' } }],
};

/**
 * A real server on loopback: the thread reads with its own HTTP client, which msw (set up in
 * the test's thread) cannot see. Each path answers as `routes` says.
 */
function pageServer() {
  const routes = new Map<
    string,
    (req: http.IncomingMessage, res: http.ServerResponse) => void
  >();
  const sockets = new Set<Socket>();
  const closed: string[] = [];
  const server = http.createServer((req, res) => {
    const route = routes.get(req.url ?? '');
    if (route) route(req, res);
    else res.writeHead(404).end('{"kind":"Status","message":"not here"}');
  });
  server.on('connection', socket => {
    sockets.add(socket);
    socket.on('close', () => {
      sockets.delete(socket);
      closed.push('socket');
    });
  });
  return {
    routes,
    closed,
    sockets,
    /** Serves `body` at `path`. */
    serve(path: string, body: Buffer) {
      routes.set(path, (_req, res) =>
        res.writeHead(200, { 'content-type': 'application/json' }).end(body),
      );
    },
    url: '',
    async start() {
      await new Promise<void>(resolve =>
        server.listen(0, '127.0.0.1', resolve),
      );
      this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    stop: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('ProjectionThreads', () => {
  const logger = mockServices.logger.mock();
  const threads = new ProjectionThreads({ threads: 2, logger });
  const server = pageServer();
  beforeAll(() => server.start());
  afterAll(async () => {
    await threads.close();
    await server.stop();
  });

  let served = 0;
  /** Serves `body` at a path of its own and reads it through `via`. */
  const read = <T>(
    body: Buffer | undefined,
    map: ObjectMapper<T>,
    options: {
      dropManagedFields?: boolean;
      via?: ProjectionThreads;
      path?: string;
      signal?: AbortSignal;
      connection?: string;
    } = {},
  ): Promise<PageAnswer<T> | undefined> => {
    const path = options.path ?? `/api/v1/pods?page=${++served}`;
    if (body) server.serve(path, body);
    return (options.via ?? threads).readPage(
      {
        url: `${server.url}${path}`,
        headers: { accept: 'application/json' },
        agent: { secure: false, tls: {} },
        connection: options.connection ?? 'test',
        signal: options.signal ?? new AbortController().signal,
      },
      {
        mapper: map.remote!,
        dropManagedFields: options.dropManagedFields ?? true,
        what: 'GET /api/v1/pods',
      },
    );
  };
  /** The page a 2xx answer was projected into. */
  const project = async <T>(
    body: Buffer,
    map: ObjectMapper<T>,
    dropManagedFields = true,
  ) => {
    const answer = await read(body, map, { dropManagedFields });
    if (!answer || !('page' in answer))
      throw new Error(`no page: ${JSON.stringify(answer)}`);
    return answer.page;
  };

  it('maps every kind in a thread as the event loop maps it: records, skipped objects, dropped ztunnels, marks and keys', async () => {
    const kinds: Array<[string, string]> = [
      ['namespaces', 'Namespace'],
      ['nodes', 'Node'],
      ['services', 'Service'],
      ['endpointSlices', 'EndpointSlice'],
      ['pods', 'Pod'],
      ['deployments', 'Deployment'],
      ['statefulSets', 'StatefulSet'],
      ['configMaps', 'ConfigMap'],
    ];
    for (const [name, kind] of kinds) {
      const items = [...ofKind(kind), ...(BROKEN[kind] ?? [])];
      const body = page(items, { continue: 'next', resourceVersion: '42' });
      const mappers = [
        (m: ReturnType<typeof clusterProjections>) =>
          m[name as keyof typeof m] as ObjectMapper<unknown>,
        (m: ReturnType<typeof clusterProjections>) =>
          keyed(m[name as keyof typeof m] as ObjectMapper<unknown>),
      ];
      for (const build of mappers) {
        const local = projectListPage(Buffer.from(body), {
          map: build(clusterProjections(AGGREGATION.excludeNamespaces)),
          dropManagedFields: true,
          what: 'GET',
        });
        const threaded = await project(
          body,
          build(clusterProjections(AGGREGATION.excludeNamespaces)),
        );
        expect(threaded).toEqual(local);
        expect(threaded.listed).toBe(items.length);
        expect(threaded.continueToken).toBe('next');
        expect(threaded.resourceVersion).toBe('42');
      }
    }
    // what made the comparison worth making: each special record crossed as itself
    const pods = await project(
      page([...ofKind('Pod'), ...BROKEN.Pod]),
      clusterProjections(AGGREGATION.excludeNamespaces).pods,
    );
    const skipped = pods.records.filter(r => r instanceof Skipped);
    expect(skipped.map(s => (s as Skipped).object)).toEqual([
      'shop/Not A Name',
      'shop/p',
    ]);
    // cluster-2's ztunnels run in an excluded namespace: dropped, but still marked present
    expect(pods.records.filter(r => typeof r === 'symbol')).not.toEqual([]);
    const marked = await project(
      page(ofKind('Deployment')),
      marking(
        clusterProjections(AGGREGATION.excludeNamespaces).deployments,
        'deployment',
      ),
    );
    expect(marked.records.map(r => r.mark)).toContainEqual({
      istio: 'istio-system',
    });
  });

  it('cuts managedFields only when asked (custom resources keep theirs)', async () => {
    const map = clusterProjections([]).meshConfig;
    const resource = {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { namespace: 'shop', name: 'vs' },
      spec: { managedFields: ['kept'], hosts: ['shop'] },
    };
    const keptBody = page([resource]);
    const local = projectListPage(Buffer.from(keptBody), {
      map: clusterProjections([]).meshConfig,
      dropManagedFields: false,
      what: 'GET',
    });
    expect(await project(keptBody, map, false)).toEqual(local);
  });

  it('says what was wrong with a page that is not a Kubernetes List', async () => {
    const map = clusterProjections([]).pods;
    await expect(project(Buffer.from('<html>'), map)).rejects.toEqual(
      new ClusterReadError(
        'malformed-response',
        'GET /api/v1/pods returned a body that is not valid JSON',
      ),
    );
    await expect(
      project(Buffer.from('{"items":{}}'), map),
    ).rejects.toMatchObject({
      reason: 'malformed-response',
      message: 'GET /api/v1/pods returned JSON that is not a Kubernetes List',
    });
    // the thread goes on serving
    expect((await project(page(ofKind('Pod')), map)).records.length).toBe(
      ofKind('Pod').length,
    );
  });

  it('hands back an answer that is not 2xx as the server sent it', async () => {
    const map = clusterProjections([]).pods;
    server.routes.set('/gone', (_req, res) =>
      res.writeHead(410).end('{"kind":"Status","code":410}'),
    );
    const gone = await read(undefined, map, { path: '/gone' });
    expect(gone).toMatchObject({ status: 410 });
    expect(JSON.parse((gone as { body: Buffer }).body.toString())).toEqual({
      kind: 'Status',
      code: 410,
    });
    expect(await read(undefined, map, { path: '/nowhere' })).toMatchObject({
      status: 404,
    });
  });

  it('fails a page whose connection drops mid-answer, or is refused, as the event loop would', async () => {
    const map = clusterProjections([]).pods;
    server.routes.set('/drop', (_req, res) => {
      res.writeHead(200, { 'content-length': '100000' });
      res.write('{"items":[');
      setTimeout(() => res.socket?.destroy(), 20);
    });
    const dropped = read(undefined, map, { path: '/drop' });
    await expect(dropped).rejects.toMatchObject({ name: 'TransportError' });
    // Node's client says `aborted` (or that the connection closed): either way unreachable
    expect(
      classifyError(await dropped.catch(e => e), 'GET /drop'),
    ).toMatchObject({
      reason: 'unreachable',
      message: expect.stringMatching(/^GET \/drop failed: /),
    });
    // nothing listens on the port of a server that stopped
    const gone = pageServer();
    await gone.start();
    await gone.stop();
    const refused = await threads
      .readPage(
        {
          url: `${gone.url}/api/v1/pods`,
          headers: {},
          agent: { secure: false, tls: {} },
          connection: 'refused',
          signal: new AbortController().signal,
        },
        { mapper: map.remote!, dropManagedFields: true, what: 'GET' },
      )
      .catch(e => e);
    expect(classifyError(refused, 'GET /api/v1/pods')).toMatchObject({
      reason: 'unreachable',
      message: expect.stringMatching(
        /^GET \/api\/v1\/pods failed: .*ECONNREFUSED/,
      ),
    });
  });

  it('stops waiting, and aborts the request in the thread, when the reader gives up', async () => {
    const map = clusterProjections([]).pods;
    let asked = () => {};
    const arrived = new Promise<void>(resolve => {
      asked = resolve;
    });
    let aborted = () => {};
    const requestClosed = new Promise<void>(resolve => {
      aborted = resolve;
    });
    server.routes.set('/hang', (req, res) => {
      res.on('close', aborted);
      req.resume();
      asked();
    });
    const timeout = new AbortController();
    const hanging = read(undefined, map, {
      path: '/hang',
      signal: timeout.signal,
      connection: 'hang',
    });
    await arrived;
    timeout.abort();
    const error = await hanging.catch(e => e);
    expect(classifyError(error, 'GET /hang')).toEqual(
      new ClusterReadError('timeout', 'GET /hang timed out'),
    );
    // the server saw the thread's request go
    await requestClosed;
    // a signal already aborted (with a reason of its own) sends nothing, and is a timeout too
    const early = await read(page([]), map, {
      signal: AbortSignal.abort(new Error('discovery was cancelled')),
    }).catch(e => e);
    expect(classifyError(early, 'GET /early')).toEqual(
      new ClusterReadError('timeout', 'GET /early timed out'),
    );
  });

  it("keeps a reader's connections alive across its pages, and closes them when it is released", async () => {
    const only = new ProjectionThreads({ threads: 1, logger });
    const map = clusterProjections([]).pods;
    try {
      const before = server.sockets.size;
      for (let i = 0; i < 3; i++)
        await read(page(ofKind('Pod')), map, {
          via: only,
          connection: 'kept',
        });
      expect(server.sockets.size).toBe(before + 1);
      only.release('kept');
      await waitFor(() => server.sockets.size === before);
    } finally {
      await only.close();
    }
  });

  it('hands a page back to be read on the event loop when no thread can start, and says so once', async () => {
    const warn = mockServices.logger.mock();
    // no TypeScript loader: the thread cannot load its own file
    const broken = new ProjectionThreads({
      threads: 1,
      logger: warn,
      execArgv: [],
    });
    const map = clusterProjections([]).pods;
    expect(
      await read(page(ofKind('Pod')), map, { via: broken }),
    ).toBeUndefined();
    expect(await read(page([]), map, { via: broken })).toBeUndefined();
    expect(warn.warn).toHaveBeenCalledTimes(1);
    expect(warn.warn.mock.calls[0][0]).toMatch(
      /reads list pages on the event loop: its projection thread could not start/,
    );
    await broken.close();
  });

  it('fails the pages a stopping thread held, and reads none after', async () => {
    const stopping = new ProjectionThreads({ threads: 1, logger });
    const map = clusterProjections([]).pods;
    // a first page starts the thread
    await read(page([]), map, { via: stopping });
    server.routes.set('/slow', (req, res) => {
      req.resume();
      setTimeout(() => res.end(page([])), 5_000).unref();
    });
    const held = read(undefined, map, { via: stopping, path: '/slow' });
    await new Promise(resolve => setTimeout(resolve, 50));
    await stopping.close();
    await expect(held).rejects.toBeInstanceOf(ClusterReadError);
    expect(await read(page([]), map, { via: stopping })).toBeUndefined();
  });

  it('fails the pages a thread that died held, and starts another for the next page', async () => {
    const dying = new ProjectionThreads({ threads: 1, logger });
    const map = clusterProjections([]).pods;
    await read(page([]), map, { via: dying });
    // the thread dies as an out-of-memory thread would: not through close()
    const [first] = (
      dying as unknown as {
        threads: Array<{ worker: { terminate(): Promise<number> } }>;
      }
    ).threads;
    server.routes.set('/slower', (req, res) => {
      req.resume();
      setTimeout(() => res.end(page([])), 5_000).unref();
    });
    const held = read(undefined, map, { via: dying, path: '/slower' });
    await new Promise(resolve => setTimeout(resolve, 50));
    await first.worker.terminate();
    await expect(held).rejects.toThrow(
      /the projection thread stopped while reading a page/,
    );
    // a new thread serves the next page; no warning, since one did start before
    const next = await read(page(ofKind('Pod')), map, { via: dying });
    expect(next && 'page' in next && next.page.records.length).toBe(
      ofKind('Pod').length,
    );
    expect(logger.warn).not.toHaveBeenCalled();
    await dying.close();
  });

  it('does not start a thread when asked for none', async () => {
    const none = new ProjectionThreads({ threads: 0, logger });
    expect(
      await read(page([]), clusterProjections([]).pods, { via: none }),
    ).toBeUndefined();
  });
});

async function waitFor(condition: () => boolean) {
  for (let i = 0; i < 200 && !condition(); i++)
    await new Promise(resolve => setTimeout(resolve, 10));
  expect(condition()).toBe(true);
}
