import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { fakeApiServer, FakeCluster } from '@meshport/fake-kubernetes';
import { kubernetesSource } from '../__testUtils__/kubernetesSource';
import {
  KubeObject,
  ResourceVersionExpired,
  WatchEvent,
} from './ClusterReader';
import { ClusterReadError } from './ClusterReadError';
import { KubernetesApiReader } from './KubernetesApiReader';
import { RESOURCES } from './resources';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const BASE = 'https://watch.k8s.example.com:6443';
const pod = (name: string, namespace = 'shop'): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace, labels: { app: 'cart' } },
});

function reader() {
  return new KubernetesApiReader(kubernetesSource('watch', BASE), {
    pageSize: 2,
    maxItems: 100,
    credential: async () => ({ type: 'anonymous' as const }),
  });
}

/** Watches until `stop` says so (then aborts), collecting the events. */
async function watchUntil(
  r: KubernetesApiReader,
  resourceVersion: string,
  stop: (events: WatchEvent[]) => boolean,
) {
  const events: WatchEvent[] = [];
  const controller = new AbortController();
  const watching = r.watch(
    RESOURCES.pods,
    { resourceVersion, timeoutSeconds: 5, signal: controller.signal },
    event => {
      events.push(event);
      if (stop(events)) controller.abort();
    },
  );
  await watching.catch(error => {
    if (!controller.signal.aborted) throw error;
  });
  return events;
}

describe('KubernetesApiReader watches', () => {
  it('lists at a resourceVersion and streams the changes after it, with bookmarks', async () => {
    const cluster = new FakeCluster([pod('a'), pod('b'), pod('c')]);
    server.use(...fakeApiServer(BASE, cluster, { bookmarkEveryMs: 20 }));
    const r = reader();
    const listed = await r.listVersioned(RESOURCES.pods, {
      signal: new AbortController().signal,
    });
    // three pages of two, all read at one resourceVersion
    expect(listed!.items.map(p => p.metadata?.name)).toEqual(['a', 'b', 'c']);
    expect(listed!.resourceVersion).toBe(String(cluster.resourceVersion));
    cluster.remove(pod('a'));
    cluster.upsert({ ...pod('d'), spec: {} });
    const events = await watchUntil(r, listed!.resourceVersion, e =>
      e.some(x => x.type === 'BOOKMARK'),
    );
    expect(events.map(e => [e.type, e.object.metadata?.name])).toEqual([
      ['DELETED', 'a'],
      ['ADDED', 'd'],
      ['BOOKMARK', undefined],
    ]);
    expect(events[2].object.metadata?.resourceVersion).toBe(
      String(cluster.resourceVersion),
    );
    r.close();
  });

  it('says a too-old resourceVersion is expired, as a plain 410 and as an ERROR event', async () => {
    const cluster = new FakeCluster([pod('a')]);
    server.use(...fakeApiServer(BASE, cluster));
    const r = reader();
    const old = String(cluster.resourceVersion);
    cluster.upsert(pod('b'));
    cluster.compact();
    await expect(watchUntil(r, old, () => false)).rejects.toBeInstanceOf(
      ResourceVersionExpired,
    );
    const watching = watchUntil(
      r,
      String(cluster.resourceVersion),
      () => false,
    );
    await new Promise(resolve => setTimeout(resolve, 50));
    cluster.expireWatches();
    await expect(watching).rejects.toBeInstanceOf(ResourceVersionExpired);
    r.close();
  });

  it('fails a watch whose connection drops mid-stream as unreachable', async () => {
    const cluster = new FakeCluster([pod('a')]);
    server.use(...fakeApiServer(BASE, cluster));
    const r = reader();
    const watching = watchUntil(
      r,
      String(cluster.resourceVersion),
      () => false,
    );
    await new Promise(resolve => setTimeout(resolve, 50));
    cluster.dropWatches();
    const error = await watching.catch(e => e);
    expect(error).toBeInstanceOf(ClusterReadError);
    expect(error.reason).toBe('unreachable');
    r.close();
  });

  it('refuses a stream line that is not a watch event, and reports other ERROR events', async () => {
    const r = reader();
    server.use(
      http.get(
        `${BASE}/api/v1/pods`,
        () =>
          new HttpResponse('{"type":"ADDED","object":{}}\nnot json\n', {
            headers: { 'content-type': 'application/json' },
          }),
      ),
    );
    await expect(watchUntil(r, '1', () => false)).rejects.toThrow(
      'WATCH /api/v1/pods streamed a line that is not JSON',
    );
    server.use(
      http.get(`${BASE}/api/v1/pods`, () =>
        HttpResponse.text(
          `${JSON.stringify({
            type: 'ERROR',
            object: { kind: 'Status', code: 500, message: 'etcd is down' },
          })}\n`,
        ),
      ),
    );
    const error = await watchUntil(r, '1', () => false).catch(e => e);
    expect(error).toBeInstanceOf(ClusterReadError);
    expect([error.reason, error.message]).toEqual([
      'server-error',
      'WATCH /api/v1/pods answered HTTP 500: etcd is down',
    ]);
    r.close();
  });

  it('says why a watch was refused', async () => {
    server.use(
      ...fakeApiServer(BASE, new FakeCluster([pod('a')]), { failWith: 403 }),
    );
    const error = await watchUntil(reader(), '1', () => false).catch(e => e);
    expect(error.reason).toBe('forbidden');
    expect(error.message).toMatch(
      /^WATCH \/api\/v1\/pods answered HTTP 403: pods is forbidden/,
    );
  });
});
