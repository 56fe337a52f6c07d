import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import http from 'node:http';
import type { PageGet, ProjectedPage } from '../../readers/ClusterReader';
import { ClusterReadError } from '../../readers/ClusterReadError';
import {
  describeFailure,
  FailureDescription,
  getBytes,
  keepAliveAgent,
} from '../../readers/httpGet';
import { projectListPage } from '../../readers/projectListPage';
import { ProjectionSpec, threadMapper } from '../projections';

/**
 * The entry of a projection thread (`ProjectionThreads` starts it from this file, which is
 * why the file is its own module: the build keeps it as one file beside the others). It
 * reads, parses and maps the list pages it is asked for and sends back what the mappers kept.
 */
export const PROJECTION_THREAD_FILE = __filename;

/** In `workerData`: the thread was started to project, not merely loaded. */
export const PROJECTION_THREAD = 'meshportProjectionThread';

/** Read one list page and project it (`PageProjector.readPage`). */
export interface ReadRequest {
  type: 'read';
  id: number;
  get: Omit<PageGet, 'signal'>;
  spec: ProjectionSpec;
  dropManagedFields: boolean;
  what: string;
}

export type ThreadRequest =
  | ReadRequest
  /** The reader gave up on a page (its cluster's time is up): abort its request. */
  | { type: 'cancel'; id: number }
  /** A reader is done: close its kept-alive connections. */
  | { type: 'release'; connection: string };

export type ProjectionAnswer =
  | { ready: true }
  | {
      id: number;
      page: Omit<ProjectedPage<unknown>, 'records'>;
      /** The records as JSON: see `serve`. */
      records: string;
    }
  /** Not 2xx: the answer as the server sent it, for the reader to decide on. */
  | { id: number; status: number; body: Uint8Array }
  /** The page could not be projected (not a List, not JSON). */
  | {
      id: number;
      error: { reason?: ClusterReadError['reason']; message: string };
    }
  /** The request failed (see `describeFailure`). */
  | { id: number; failure: FailureDescription };

/**
 * Serves read requests: each page is fetched here, over this thread's own kept-alive agent
 * for its reader, so its bytes (and their garbage) never reach the event loop's heap.
 */
function serve(port: NonNullable<typeof parentPort>) {
  const agents = new Map<string, http.Agent>();
  const inFlight = new Map<number, AbortController>();
  const read = async (request: ReadRequest): Promise<ProjectionAnswer> => {
    const { id, get, spec, dropManagedFields, what } = request;
    let agent = agents.get(get.connection);
    if (!agent) {
      agent = keepAliveAgent(get.agent);
      agents.set(get.connection, agent);
    }
    const abort = new AbortController();
    inFlight.set(id, abort);
    let response;
    try {
      response = await getBytes(get.url, {
        headers: get.headers,
        agent,
        signal: abort.signal,
      });
    } catch (error) {
      return { id, failure: describeFailure(error) };
    } finally {
      inFlight.delete(id);
    }
    if (response.status < 200 || response.status >= 300)
      return { id, status: response.status, body: response.body };
    try {
      const page = projectListPage(response.body, {
        map: threadMapper(spec),
        dropManagedFields,
        what,
      });
      const { records, ...position } = page;
      // As JSON, not as a structured clone: the event loop parses it back faster than it
      // deserialises a clone, and JSON.parse shares the short strings (`Deployment`, `TCP`,
      // a zone) that a clone copies once per record. Records are JSON by contract: the
      // inventory they make is stored as JSON.
      return { id, page: position, records: JSON.stringify(records) };
    } catch (error) {
      return {
        id,
        error:
          error instanceof ClusterReadError
            ? { reason: error.reason, message: error.message }
            : { message: String(error) },
      };
    }
  };
  port.on('message', (request: ThreadRequest) => {
    if (request.type === 'cancel') inFlight.get(request.id)?.abort();
    else if (request.type === 'release') {
      agents.get(request.connection)?.destroy();
      agents.delete(request.connection);
    } else read(request).then(answer => port.postMessage(answer));
  });
  port.postMessage({ ready: true } satisfies ProjectionAnswer);
}

if (!isMainThread && parentPort && workerData?.[PROJECTION_THREAD] === true)
  serve(parentPort);
