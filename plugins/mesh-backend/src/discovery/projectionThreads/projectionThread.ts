import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { ProjectedPage } from '../../readers/ClusterReader';
import { ClusterReadError } from '../../readers/ClusterReadError';
import { projectListPage } from '../../readers/projectListPage';
import { ProjectionSpec, threadMapper } from '../projections';

/**
 * The entry of a projection thread (`ProjectionThreads` starts it from this file, which is
 * why the file is its own module: the build keeps it as one file beside the others). It
 * parses and maps the list pages it is sent and sends back what the mappers kept.
 */
export const PROJECTION_THREAD_FILE = __filename;

/** In `workerData`: the thread was started to project, not merely loaded. */
export const PROJECTION_THREAD = 'meshportProjectionThread';

export interface ProjectionRequest {
  id: number;
  body: Uint8Array;
  spec: ProjectionSpec;
  dropManagedFields: boolean;
  what: string;
}

export type ProjectionAnswer =
  | { ready: true }
  | {
      id: number;
      page: Omit<ProjectedPage<unknown>, 'records'>;
      /** The records as JSON: see `serve`. */
      records: string;
    }
  | {
      id: number;
      error: { reason?: ClusterReadError['reason']; message: string };
    };

function serve(port: NonNullable<typeof parentPort>) {
  port.on('message', (request: ProjectionRequest) => {
    const { id, body, spec, dropManagedFields, what } = request;
    let answer: ProjectionAnswer;
    try {
      const page = projectListPage(
        Buffer.from(body.buffer, body.byteOffset, body.byteLength),
        { map: threadMapper(spec), dropManagedFields, what },
      );
      const { records, ...position } = page;
      // As JSON, not as a structured clone: the event loop parses it back faster than it
      // deserialises a clone, and JSON.parse shares the short strings (`Deployment`, `TCP`,
      // a zone) that a clone copies once per record. Records are JSON by contract: the
      // inventory they make is stored as JSON.
      answer = { id, page: position, records: JSON.stringify(records) };
    } catch (error) {
      answer = {
        id,
        error:
          error instanceof ClusterReadError
            ? { reason: error.reason, message: error.message }
            : { message: String(error) },
      };
    }
    port.postMessage(answer);
  });
  port.postMessage({ ready: true } satisfies ProjectionAnswer);
}

if (!isMainThread && parentPort && workerData?.[PROJECTION_THREAD] === true)
  serve(parentPort);
