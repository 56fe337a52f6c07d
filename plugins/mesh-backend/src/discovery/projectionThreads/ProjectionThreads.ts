import { Worker } from 'node:worker_threads';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type {
  PageAnswer,
  PageGet,
  PageProjector,
  RemoteMapper,
} from '../../readers/ClusterReader';
import { ClusterReadError } from '../../readers/ClusterReadError';
import { abortError, reviveFailure } from '../../readers/httpGet';
import type { ProjectionSpec } from '../projections';
import {
  PROJECTION_THREAD,
  PROJECTION_THREAD_FILE,
  ProjectionAnswer,
  ThreadRequest,
} from './projectionThread';

export interface ProjectionThreadsOptions {
  /** Threads to start (on first use); 0 maps every page on the event loop. */
  threads: number;
  logger: LoggerService;
  /** Node options of the threads; by default the process's (see `sourceLoader`). */
  execArgv?: string[];
}

interface Pending {
  resolve(answer: PageAnswer<unknown>): void;
  reject(error: Error): void;
}

interface Thread {
  worker: Worker;
  /** True once the thread has loaded and serves; false if it failed before that. */
  ready: Promise<boolean>;
  /** False once it stopped: nothing may be sent to it (it would never answer). */
  alive: boolean;
  pending: Map<number, Pending>;
}

/**
 * Discovery's list pages read, parsed and mapped in worker threads. A cluster's Pods are
 * megabytes of JSON per page, nearly all of it dropped by the projection. Parsed on the event
 * loop, they held it for most of a sync. Parsed here but received there, their bytes still
 * made its collector mark every inventory the process keeps, again and again: V8 starts a
 * full (incremental) collection once a heap's outside memory, its Buffers, is 64 MiB above
 * what it was at the last one (`kExternalAllocationSoftLimit`, V8's src/common/globals.h;
 * the limit is reset in src/heap/heap.cc after each), and a sync's answers are gigabytes:
 * `--trace-incremental-marking` gave "external memory pressure" as the start of nearly
 * every full collection of a sync. So the thread sends the request itself, over a kept-alive
 * agent of its own per reader built from the reader's TLS settings, and the event loop gets
 * only the records back (or a failed answer's status and body, or the request's failure).
 *
 * A thread that cannot start (its file missing from a build, a loader it lacks) turns
 * reading back to the event loop, logged once: discovery never fails for want of a thread.
 * A thread that dies while it works fails the pages it held (their lists fail and are
 * retried like any failed read) and is replaced on the next page.
 */
export class ProjectionThreads implements PageProjector {
  private readonly threads: Thread[] = [];
  private nextId = 0;
  private unavailable = false;
  private closed = false;

  constructor(private readonly options: ProjectionThreadsOptions) {}

  async readPage<T>(
    get: PageGet,
    projection: {
      mapper: RemoteMapper<T>;
      dropManagedFields: boolean;
      what: string;
    },
  ): Promise<PageAnswer<T> | undefined> {
    if (this.options.threads < 1 || this.unavailable || this.closed)
      return undefined;
    const thread = this.pick();
    // until it is certain the thread serves (or if it stopped meanwhile), the page is read
    // on the event loop instead
    if (!(await thread.ready) || !thread.alive) return undefined;
    // as `getBytes` fails a request whose signal is aborted, whatever its reason
    if (get.signal.aborted) throw abortError();
    const id = ++this.nextId;
    const { signal, ...sent } = get;
    const message: ThreadRequest = {
      type: 'read',
      id,
      get: sent,
      spec: projection.mapper.spec as ProjectionSpec,
      dropManagedFields: projection.dropManagedFields,
      what: projection.what,
    };
    // the reader's timeout ends the wait here at once, and the request in the thread
    const onAbort = () => {
      const waiting = thread.pending.get(id);
      thread.pending.delete(id);
      if (thread.alive)
        thread.worker.postMessage({
          type: 'cancel',
          id,
        } satisfies ThreadRequest);
      waiting?.reject(abortError());
    };
    signal.addEventListener('abort', onAbort, { once: true });
    let answer: PageAnswer<unknown>;
    try {
      answer = await new Promise<PageAnswer<unknown>>((resolve, reject) => {
        thread.pending.set(id, { resolve, reject });
        thread.worker.postMessage(message);
      });
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
    if ('page' in answer) {
      const records = answer.page.records;
      for (let i = 0; i < records.length; i++)
        records[i] = projection.mapper.revive(records[i]);
    }
    return answer as PageAnswer<T>;
  }

  release(connection: string) {
    for (const thread of this.threads)
      if (thread.alive)
        thread.worker.postMessage({
          type: 'release',
          connection,
        } satisfies ThreadRequest);
  }

  /** Stops every thread; pages still out fail. */
  async close() {
    this.closed = true;
    await Promise.all(this.threads.splice(0).map(t => t.worker.terminate()));
  }

  /** The thread with the fewest pages out, a new one while there are fewer than asked. */
  private pick(): Thread {
    if (this.threads.length < this.options.threads) {
      const thread = this.start();
      this.threads.push(thread);
      return thread;
    }
    return this.threads.reduce((a, b) =>
      b.pending.size < a.pending.size ? b : a,
    );
  }

  private start(): Thread {
    const execArgv = this.options.execArgv ?? sourceLoader();
    const worker = new Worker(PROJECTION_THREAD_FILE, {
      workerData: { [PROJECTION_THREAD]: true },
      ...(execArgv ? { execArgv } : {}),
    });
    // an idle thread must not keep a stopping process alive
    worker.unref();
    const pending = new Map<number, Pending>();
    let markReady: (ready: boolean) => void = () => {};
    const ready = new Promise<boolean>(resolve => {
      markReady = resolve;
    });
    let served = false;
    const thread: Thread = { worker, ready, alive: true, pending };
    worker.on('message', (answer: ProjectionAnswer) => {
      if ('ready' in answer) {
        served = true;
        markReady(true);
        return;
      }
      const waiting = pending.get(answer.id);
      if (!waiting) return;
      pending.delete(answer.id);
      if ('page' in answer)
        waiting.resolve({
          page: { ...answer.page, records: JSON.parse(answer.records) },
        });
      else if ('status' in answer)
        waiting.resolve({
          status: answer.status,
          body: Buffer.from(
            answer.body.buffer,
            answer.body.byteOffset,
            answer.body.byteLength,
          ),
        });
      else if ('failure' in answer)
        waiting.reject(reviveFailure(answer.failure));
      else
        waiting.reject(
          new ClusterReadError(
            answer.error.reason ?? 'other',
            answer.error.message,
          ),
        );
    });
    const ended = (cause: string) => {
      thread.alive = false;
      const at = this.threads.indexOf(thread);
      if (at >= 0) this.threads.splice(at, 1);
      if (!served) {
        markReady(false);
        if (!this.unavailable && !this.closed)
          this.options.logger.warn(
            `Mesh discovery reads list pages on the event loop: its projection thread could not start (${cause})`,
          );
        this.unavailable = true;
      }
      for (const waiting of pending.values())
        waiting.reject(
          new ClusterReadError(
            'other',
            `the projection thread stopped while reading a page: ${cause}`,
          ),
        );
      pending.clear();
    };
    worker.on('error', error => ended(String(error)));
    worker.on('exit', code => ended(`it exited with code ${code}`));
    return thread;
  }
}

const TRANSFORM = '@backstage/cli-node/config/nodeTransform.cjs';

/**
 * Run from TypeScript source (tests, a development backend), the thread's file is a `.ts`
 * file: the thread needs Backstage's TypeScript loader, which `backstage-cli package start`
 * passes in the process's options (inherited) but Jest's module loader does not (it does not
 * reach threads). Built, the file is JavaScript and the process's options are inherited as
 * they are.
 */
function sourceLoader(): string[] | undefined {
  if (!PROJECTION_THREAD_FILE.endsWith('.ts')) return undefined;
  if (process.execArgv.some(arg => arg.includes('nodeTransform')))
    return undefined;
  try {
    return [...process.execArgv, '--require', require.resolve(TRANSFORM)];
  } catch {
    // no loader to give: the thread fails to start and pages are mapped on the event loop
    return undefined;
  }
}
