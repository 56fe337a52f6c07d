import v8 from 'node:v8';
import vm from 'node:vm';
import { gzipSync } from 'node:zlib';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { fakeApiServer } from '@meshport/fake-kubernetes';
import type { KubeObject } from './ClusterReader';
import { ClusterReadError } from './ClusterReadError';
import { KubernetesApiReader } from './KubernetesApiReader';
import { RESOURCES } from './resources';
import { kubernetesSource } from '../__testUtils__/kubernetesSource';

const anonymous = async () => ({ type: 'anonymous' as const });

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const BASE = 'https://pages.k8s.example.com:6443';
const signal = new AbortController().signal;

/** Ten pods, listed in pages of 3: pages of pods 0–2, 3–5, 6–8 and 9. */
const PODS: KubeObject[] = Array.from({ length: 10 }, (_, i) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    namespace: 'shop',
    name: `pod-${i}`,
    labels: { app: 'shop' },
    // the bulk a real pod carries and a projection drops
    managedFields: [{ manager: 'kubelet', fieldsV1: { 'f:status': {} } }],
  },
  spec: { containers: [{ name: 'app' }] },
}));

function setup(objects = PODS) {
  const requests: string[] = [];
  server.use(...fakeApiServer(BASE, objects, { requests }));
  const reader = new KubernetesApiReader(kubernetesSource('pages', BASE), {
    pageSize: 3,
    maxItems: 100,
    credential: anonymous,
  });
  return { reader, requests };
}

describe('KubernetesApiReader', () => {
  it('hands a mapper built-in objects without their managedFields, which nothing reads', async () => {
    const { reader } = setup();
    const seen: unknown[] = [];
    await reader.list(RESOURCES.pods, { signal }, pod => {
      seen.push(pod.metadata);
      return undefined;
    });
    expect(seen).toEqual(
      PODS.map(pod => {
        const { managedFields: _, ...metadata } = pod.metadata ?? {};
        return metadata;
      }),
    );
  });

  it('hands a mapper custom resources whole: their spec may name a field managedFields', async () => {
    const virtualService: KubeObject = {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: {
        namespace: 'shop',
        name: 'reviews',
        managedFields: [{ manager: 'kubectl', operation: 'Apply' }],
      },
      spec: { managedFields: ['kept'], hosts: ['reviews'] },
    };
    const { reader } = setup([virtualService]);
    const seen: unknown[] = [];
    await reader.list(RESOURCES.virtualServices, { signal }, o => {
      seen.push(o);
      return undefined;
    });
    expect(seen).toEqual([virtualService]);
  });

  it('maps each page as it arrives, in list order, and returns only what the mapper kept', async () => {
    const { reader, requests } = setup();
    const mapped: Array<{ pod: string; requestsSoFar: number }> = [];
    const kept = await reader.list(RESOURCES.pods, { signal }, pod => {
      const name = pod.metadata?.name ?? '';
      mapped.push({ pod: name, requestsSoFar: requests.length });
      // keep the even pods only, as a small record
      return Number(name.slice(4)) % 2 === 0 ? { name } : undefined;
    });

    // every object of page n is mapped before page n + 1 is even asked for
    expect(mapped).toEqual(
      PODS.map((p, i) => ({
        pod: p.metadata?.name,
        requestsSoFar: Math.floor(i / 3) + 1,
      })),
    );
    expect(requests).toEqual([
      '/api/v1/pods?limit=3',
      '/api/v1/pods?limit=3&continue=3',
      '/api/v1/pods?limit=3&continue=6',
      '/api/v1/pods?limit=3&continue=9',
    ]);
    expect(kept).toEqual([
      { name: 'pod-0' },
      { name: 'pod-2' },
      { name: 'pod-4' },
      { name: 'pod-6' },
      { name: 'pod-8' },
    ]);
  });

  it('holds no raw object of an earlier page while it reads the next ones', async () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const { reader, requests } = setup();
    const firstPage: Array<WeakRef<KubeObject>> = [];
    let firstPageCollected: boolean[] | undefined;
    await reader.list(RESOURCES.pods, { signal }, pod => {
      if (requests.length === 1) firstPage.push(new WeakRef(pod));
      if (requests.length === 4 && !firstPageCollected) {
        // on the last page, the first page's objects are garbage: only their records live on
        gc();
        firstPageCollected = firstPage.map(ref => ref.deref() === undefined);
      }
      return pod.metadata?.name;
    });
    expect(firstPageCollected).toEqual([true, true, true]);
  });

  it('without a mapper, returns the raw items of every page', async () => {
    const { reader } = setup();
    const pods = await reader.list(RESOURCES.pods, { signal });
    expect(pods).toEqual(PODS);
  });

  it('drops what it mapped of a snapshot whose continue token expired, and maps the fresh one', async () => {
    const { reader, requests } = setup();
    let expired = false;
    server.use(
      http.get(`${BASE}/api/v1/pods`, ({ request }) => {
        if (expired || !new URL(request.url).searchParams.has('continue'))
          return undefined;
        expired = true;
        requests.push('410');
        return HttpResponse.json(
          { kind: 'Status', code: 410, reason: 'Expired' },
          { status: 410 },
        );
      }),
    );
    const names = await reader.list(
      RESOURCES.pods,
      { signal },
      pod => pod.metadata?.name,
    );
    expect(requests.slice(0, 3)).toEqual([
      '/api/v1/pods?limit=3',
      '410',
      '/api/v1/pods?limit=3',
    ]);
    expect(names).toEqual(PODS.map(p => p.metadata?.name));
  });

  it('counts raw items, not kept records, against maxItems', async () => {
    const { reader } = setup();
    const small = new KubernetesApiReader(kubernetesSource('pages', BASE), {
      pageSize: 3,
      maxItems: 5,
      credential: anonymous,
    });
    await expect(
      small.list(RESOURCES.pods, { signal }, () => undefined),
    ).rejects.toThrow('more than 5 items');
    await expect(
      reader.list(RESOURCES.pods, { signal }, () => undefined),
    ).resolves.toEqual([]);
  });

  it('sends the token, asks for gzip, and reads a gzip answer', async () => {
    const seen: Record<string, string | null> = {};
    server.use(
      http.get(`${BASE}/api/v1/pods`, ({ request }) => {
        seen.authorization = request.headers.get('authorization');
        seen.acceptEncoding = request.headers.get('accept-encoding');
        const list = { kind: 'PodList', metadata: {}, items: PODS.slice(0, 2) };
        return new HttpResponse(gzipSync(JSON.stringify(list)), {
          headers: {
            'content-type': 'application/json',
            'content-encoding': 'gzip',
          },
        });
      }),
    );
    const reader = new KubernetesApiReader(kubernetesSource('gzip', BASE), {
      pageSize: 3,
      maxItems: 100,
      credential: async () => ({
        type: 'bearer token',
        token: 'reader-token',
      }),
    });
    const pods = await reader.list(RESOURCES.pods, { signal });
    expect(pods?.map(p => p.metadata?.name)).toEqual(['pod-0', 'pod-1']);
    expect(seen).toEqual({
      authorization: 'Bearer reader-token',
      acceptEncoding: expect.stringContaining('gzip'),
    });
  });

  it('fails a read whose connection drops mid-answer as unreachable', async () => {
    // after setup: handlers added later take precedence over the fake API server's
    const { reader } = setup([]);
    server.use(
      http.get(
        `${BASE}/api/v1/pods`,
        () =>
          new HttpResponse(
            new ReadableStream({
              start(controller) {
                controller.enqueue(new TextEncoder().encode('{"items":['));
                controller.error(new Error('connection reset by peer'));
              },
            }),
            { headers: { 'content-type': 'application/json' } },
          ),
      ),
    );
    const read = reader.list(RESOURCES.pods, { signal });
    await expect(read).rejects.toBeInstanceOf(ClusterReadError);
    await expect(read).rejects.toMatchObject({ reason: 'unreachable' });
  });

  it('fails a read the caller aborts as a timeout', async () => {
    // after setup: handlers added later take precedence over the fake API server's
    const { reader } = setup([]);
    server.use(
      http.get(`${BASE}/api/v1/pods`, async () => {
        await new Promise(resolve => setTimeout(resolve, 5_000));
        return HttpResponse.json({ items: [] });
      }),
    );
    const read = reader.list(RESOURCES.pods, {
      signal: AbortSignal.timeout(50),
    });
    await expect(read).rejects.toMatchObject({ reason: 'timeout' });
  });
});
