import type {
  KubeObject,
  ObjectMapper,
  VersionedList,
  WatchingReader,
} from '../readers/ClusterReader';
import { RESOURCES } from '../readers/resources';
import { KindWatch } from './KindWatch';

const pod = (name: string): KubeObject => ({
  kind: 'Pod',
  metadata: { namespace: 'shop', name },
});

const TIMING = {
  timeoutMs: 1000,
  watchTimeoutSeconds: 60,
  relistIntervalMs: 60_000,
  backoffInitialMs: 10,
  backoffMaxMs: 10,
  random: () => 0.5,
};

describe('KindWatch', () => {
  it('keeps only what the list returned: objects mapped from a snapshot the reader abandoned are not kept', async () => {
    // A reader whose continue token expired mid-list: it mapped pod-gone from the first
    // snapshot, started over, and returned the fresh snapshot, where pod-gone is no more.
    const reader: WatchingReader = {
      list: async () => [],
      async listVersioned<T>(
        _resource: unknown,
        _options: unknown,
        map?: ObjectMapper<T>,
      ): Promise<VersionedList<T>> {
        map!(pod('pod-gone'));
        const items = [pod('pod-a'), pod('pod-b')]
          .map(o => map!(o))
          .filter((r): r is T => r !== undefined);
        return { items, resourceVersion: '7' };
      },
      // held open until the watch is stopped (maybe before it started)
      watch: (_resource, options) =>
        new Promise(resolve => {
          if (options.signal.aborted) resolve();
          options.signal.addEventListener('abort', () => resolve());
        }),
    };
    let changed: () => void = () => {};
    const synced = new Promise<void>(resolve => {
      changed = resolve;
    });
    const kind = new KindWatch(
      () => reader,
      RESOURCES.pods,
      {},
      o => o.metadata?.name,
      TIMING,
      { changed: () => changed() },
      'pods',
    );
    const controller = new AbortController();
    const running = kind.run(controller.signal);
    await synced;
    expect(kind.items()).toEqual(['pod-a', 'pod-b']);
    controller.abort();
    await running;
  });
});
