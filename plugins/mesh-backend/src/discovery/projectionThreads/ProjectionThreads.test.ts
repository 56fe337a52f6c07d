import { mockServices } from '@backstage/backend-test-utils';
import type { KubeObject, ObjectMapper } from '../../readers/ClusterReader';
import { ClusterReadError } from '../../readers/ClusterReadError';
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

describe('ProjectionThreads', () => {
  const logger = mockServices.logger.mock();
  const threads = new ProjectionThreads({ threads: 2, logger });
  afterAll(() => threads.close());

  const project = <T>(
    body: Buffer,
    map: ObjectMapper<T>,
    dropManagedFields = true,
  ) =>
    threads.project(body, {
      mapper: map.remote!,
      dropManagedFields,
      what: 'GET /api/v1/pods',
    });

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
          Buffer.from(body),
          build(clusterProjections(AGGREGATION.excludeNamespaces)),
        );
        expect(threaded).toEqual(local);
        expect(threaded!.listed).toBe(items.length);
        expect(threaded!.continueToken).toBe('next');
        expect(threaded!.resourceVersion).toBe('42');
      }
    }
    // what made the comparison worth making: each special record crossed as itself
    const pods = await project(
      page([...ofKind('Pod'), ...BROKEN.Pod]),
      clusterProjections(AGGREGATION.excludeNamespaces).pods,
    );
    const skipped = pods!.records.filter(r => r instanceof Skipped);
    expect(skipped.map(s => (s as Skipped).object)).toEqual([
      'shop/Not A Name',
      'shop/p',
    ]);
    // cluster-2's ztunnels run in an excluded namespace: dropped, but still marked present
    expect(pods!.records.filter(r => typeof r === 'symbol')).not.toEqual([]);
    const marked = await project(
      page(ofKind('Deployment')),
      marking(
        clusterProjections(AGGREGATION.excludeNamespaces).deployments,
        'deployment',
      ),
    );
    expect(marked!.records.map(r => r.mark)).toContainEqual({
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
    expect(
      (await project(page(ofKind('Pod')), map))!.records.length,
    ).toBeGreaterThan(0);
  });

  it('hands a page back to be mapped on the event loop when no thread can start, and says so once', async () => {
    const warn = mockServices.logger.mock();
    // no TypeScript loader: the thread cannot load its own file
    const broken = new ProjectionThreads({
      threads: 1,
      logger: warn,
      execArgv: [],
    });
    const body = page(ofKind('Pod'));
    const map = clusterProjections([]).pods;
    expect(
      await broken.project(body, {
        mapper: map.remote!,
        dropManagedFields: true,
        what: 'GET',
      }),
    ).toBeUndefined();
    // the bytes were not given away: the page can still be mapped here
    expect(
      projectListPage(body, { map, dropManagedFields: true, what: 'GET' })
        .records.length,
    ).toBeGreaterThan(0);
    expect(
      await broken.project(page([]), {
        mapper: map.remote!,
        dropManagedFields: true,
        what: 'GET',
      }),
    ).toBeUndefined();
    expect(warn.warn).toHaveBeenCalledTimes(1);
    expect(warn.warn.mock.calls[0][0]).toMatch(
      /parses list pages on the event loop: its projection thread could not start/,
    );
    await broken.close();
  });

  it('fails the pages a stopping thread held, and maps none after', async () => {
    const stopping = new ProjectionThreads({ threads: 1, logger });
    const map = clusterProjections([]).pods;
    // a first page starts the thread
    await stopping.project(page([]), {
      mapper: map.remote!,
      dropManagedFields: true,
      what: 'GET',
    });
    const big = page(Array.from({ length: 200 }, () => ofKind('Pod')).flat());
    const held = stopping.project(big, {
      mapper: map.remote!,
      dropManagedFields: true,
      what: 'GET',
    });
    await stopping.close();
    await expect(held).rejects.toBeInstanceOf(ClusterReadError);
    expect(
      await stopping.project(page([]), {
        mapper: map.remote!,
        dropManagedFields: true,
        what: 'GET',
      }),
    ).toBeUndefined();
  });

  it('fails the pages a thread that died held, and starts another for the next page', async () => {
    const dying = new ProjectionThreads({ threads: 1, logger });
    const map = clusterProjections([]).pods;
    const ask = (body: Buffer) =>
      dying.project(body, {
        mapper: map.remote!,
        dropManagedFields: true,
        what: 'GET',
      });
    await ask(page([]));
    // the thread dies as an out-of-memory thread would: not through close()
    const [first] = (
      dying as unknown as {
        threads: Array<{ worker: { terminate(): Promise<number> } }>;
      }
    ).threads;
    const held = ask(
      page(Array.from({ length: 200 }, () => ofKind('Pod')).flat()),
    );
    await first.worker.terminate();
    await expect(held).rejects.toThrow(
      /the projection thread stopped while parsing a page/,
    );
    // a new thread serves the next page; no warning, since one did start before
    expect((await ask(page(ofKind('Pod'))))!.records.length).toBeGreaterThan(0);
    expect(logger.warn).not.toHaveBeenCalled();
    await dying.close();
  });

  it('does not start a thread when asked for none', async () => {
    const none = new ProjectionThreads({ threads: 0, logger });
    expect(
      await none.project(page([]), {
        mapper: clusterProjections([]).pods.remote!,
        dropManagedFields: true,
        what: 'GET',
      }),
    ).toBeUndefined();
  });
});
