import { isAscii } from 'node:buffer';
import type { KubeObject, ObjectMapper, ProjectedPage } from './ClusterReader';
import { ClusterReadError } from './ClusterReadError';
import { dropManagedFields } from './dropManagedFields';

/**
 * One 2xx list page's bytes as its mapper keeps them: `managedFields` cut (built-in kinds
 * only, see `dropManagedFields`), decoded, parsed, checked to be a Kubernetes List and
 * mapped item by item. The same steps whichever thread runs them, so a page projected in a
 * worker (`PageProjector`) is the page the reader would have projected itself.
 */
export function projectListPage<T>(
  body: Buffer,
  options: { map: ObjectMapper<T>; dropManagedFields: boolean; what: string },
): ProjectedPage<T> {
  const bytes = options.dropManagedFields ? dropManagedFields(body) : body;
  // ASCII (nearly every page) decodes as Latin-1 to the same string, without UTF-8's checks
  const text = bytes.toString(isAscii(bytes) ? 'latin1' : 'utf8');
  let list: {
    items?: unknown;
    metadata?: { continue?: unknown; resourceVersion?: unknown };
  };
  try {
    list = text ? JSON.parse(text) : undefined;
  } catch {
    throw new ClusterReadError(
      'malformed-response',
      `${options.what} returned a body that is not valid JSON`,
    );
  }
  if (!Array.isArray(list?.items)) {
    throw new ClusterReadError(
      'malformed-response',
      `${options.what} returned JSON that is not a Kubernetes List`,
    );
  }
  const records: T[] = [];
  for (const item of list.items as KubeObject[]) {
    const record = options.map(item);
    if (record !== undefined) records.push(record);
  }
  const { continue: continueToken, resourceVersion } = list.metadata ?? {};
  return {
    records,
    listed: list.items.length,
    continueToken:
      typeof continueToken === 'string' && continueToken
        ? continueToken
        : undefined,
    resourceVersion:
      typeof resourceVersion === 'string' ? resourceVersion : undefined,
  };
}
