import fs from 'node:fs/promises';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { SnapshotClusterSource } from '../clusters/ClusterSource';
import type {
  ClusterReader,
  KubeObject,
  ListOptions,
  ObjectMapper,
  ResourceType,
} from './ClusterReader';
import { ClusterReadError } from './ClusterReadError';
import {
  CLOSE_BRACE,
  CLOSE_BRACKET,
  OPEN_BRACE,
  OPEN_BRACKET,
  QUOTE,
  stringEnd,
} from './jsonBytes';
import { selectorMatchesObject } from './labelSelector';

const EXTENSIONS = new Set(['.json', '.yaml', '.yml']);

/** The API group of an object; one whose apiVersion is not even a string has none. */
function groupOf(apiVersion: unknown): string | undefined {
  if (typeof apiVersion !== 'string') return undefined;
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** A kind by group and name; the key objects and requests are matched by. */
function kindKey(group: string | undefined, kind: unknown): string {
  return `${group}/${kind}`;
}

function flatten(document: unknown): KubeObject[] {
  if (typeof document !== 'object' || document === null) return [];
  const items = (document as { items?: unknown }).items;
  if (Array.isArray(items)) return items.flatMap(flatten);
  return [document as KubeObject];
}

/**
 * Where each element of a JSON List's top-level `items` array starts and ends in the bytes
 * (pairs of offsets), when every element is an object or an array; undefined when the text
 * is not that shape or names `items` twice. Only the brackets and strings are followed: what
 * lies between them is checked by `JSON.parse` (see `eachJsonObject`).
 */
function listItemSpans(bytes: Buffer): number[] | undefined {
  const spans: number[] = [];
  let depth = 0;
  let key = '';
  let itemsSeen = 0;
  let inItems = false;
  let start = 0;
  for (let i = 0, n = bytes.length; i < n; i++) {
    const c = bytes[i];
    if (c === QUOTE) {
      const end = stringEnd(bytes, i);
      if (end < 0) return undefined;
      // at depth 1 a string before a bracket is the key it is the value of
      if (depth === 1) key = bytes.toString('latin1', i + 1, end);
      i = end;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      depth++;
      if (depth === 2 && c === OPEN_BRACKET && key === 'items') {
        inItems = true;
        itemsSeen++;
      } else if (depth === 3 && inItems) start = i;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      if (depth === 3 && inItems) spans.push(start, i + 1);
      else if (depth === 2) inItems = false;
      depth--;
    }
  }
  return itemsSeen === 1 ? spans : undefined;
}

/**
 * Hands each object of a JSON document to `each`, as `flatten(JSON.parse(text))` lists them,
 * parsing a List's items one at a time: a 5,000-service cluster's pods.json is ~100 MB, and
 * parsed whole its raw objects (several times that) all live until the last is mapped, long
 * enough to be promoted and marked. Parsed and mapped one by one, each dies young. The rest of
 * the document (the List around the items) is parsed with each item replaced by `0`, so
 * malformed JSON anywhere fails as `JSON.parse` of the whole fails, with its message.
 */
function eachJsonObject(bytes: Buffer, each: (object: KubeObject) => void) {
  const spans = listItemSpans(bytes);
  let list: unknown;
  if (spans && spans.length > 0) {
    const outside: string[] = [bytes.toString('utf8', 0, spans[0])];
    for (let k = 1; k < spans.length - 1; k += 2)
      outside.push(bytes.toString('utf8', spans[k], spans[k + 1]));
    outside.push(bytes.toString('utf8', spans[spans.length - 1], bytes.length));
    try {
      list = JSON.parse(outside.join('0'));
    } catch {
      list = undefined;
    }
  }
  const items = (list as { items?: unknown } | undefined)?.items;
  if (
    !spans ||
    typeof list !== 'object' ||
    list === null ||
    Array.isArray(list) ||
    !Array.isArray(items) ||
    items.length * 2 !== spans.length
  ) {
    for (const object of flatten(JSON.parse(bytes.toString('utf8'))))
      each(object);
    return;
  }
  for (let k = 0; k < spans.length; k += 2) {
    let item: unknown;
    try {
      item = JSON.parse(bytes.toString('utf8', spans[k], spans[k + 1]));
    } catch (error) {
      // the whole document's parse says where, as it would have without splitting
      JSON.parse(bytes.toString('utf8'));
      throw error;
    }
    for (const object of flatten(item)) each(object);
  }
}

function withoutSecretData(object: KubeObject): KubeObject {
  const { data: _data, stringData: _stringData, ...rest } = object;
  return rest;
}

/** One `list` call waiting for the next pass over the cluster's objects. */
interface Request {
  kind: string;
  resource: ResourceType;
  options: ListOptions;
  map: ObjectMapper<unknown>;
  kept: unknown[];
  matched: number;
  resolve: (items: unknown[] | undefined) => void;
  reject: (error: unknown) => void;
}

/**
 * One file at a time across every snapshot cluster: a file's text and parsed objects are
 * the largest thing a sync holds (a 5,000-service cluster's pods.json is ~100 MB of text and
 * several times that parsed), and discovery syncs several clusters at once. Parsing is
 * synchronous anyway, so taking turns costs only the overlap of reading with parsing.
 */
let fileTurn: Promise<unknown> = Promise.resolve();
function inTurn<T>(work: () => Promise<T>): Promise<T> {
  const result = fileTurn.then(work);
  fileTurn = result.catch(() => undefined);
  return result;
}

/**
 * Reads a cluster from a directory of List documents as `kubectl get … -o json|yaml`
 * prints them (several per file allowed, YAML multi-documents too). Files are re-read on
 * every sync so an edited snapshot shows up without a restart.
 *
 * The lists asked for together (discovery asks for a round of kinds at once) are served by
 * one pass over the files, each object mapped as its file is parsed, so a file's raw objects
 * are garbage as soon as that file is done, as a page's are with an API server. Objects of
 * kinds no list of the pass asked for are kept for the next round (config maps and secrets,
 * listed once the control-plane namespaces are known); a kind asked for again is read again.
 */
export class SnapshotReader implements ClusterReader {
  private pending: Request[] = [];
  /** Objects of the kinds no pass has asked for yet, and which kinds those passes took. */
  private leftover?: { objects: KubeObject[]; taken: Set<string> };
  private passScheduled = false;

  constructor(private readonly source: SnapshotClusterSource) {}

  list<T = KubeObject>(
    resource: ResourceType,
    options: ListOptions,
    map?: ObjectMapper<T>,
  ): Promise<T[] | undefined> {
    return new Promise<unknown[] | undefined>((resolve, reject) => {
      this.pending.push({
        kind: kindKey(resource.group, resource.kind),
        resource,
        options,
        // without a mapper the caller asked for the objects themselves, so T is KubeObject
        map: map ?? (o => o),
        kept: [],
        matched: 0,
        resolve,
        reject,
      });
      if (this.passScheduled) return;
      this.passScheduled = true;
      // the lists of one round are asked for in the same tick: one pass serves them all
      setImmediate(() => {
        this.passScheduled = false;
        const requests = this.pending;
        this.pending = [];
        this.pass(requests).catch(error => {
          for (const r of requests) r.reject(error);
        });
      });
    }) as Promise<T[] | undefined>;
  }

  private async pass(requests: Request[]): Promise<void> {
    const leftover = this.leftover;
    if (leftover && requests.every(r => !leftover.taken.has(r.kind))) {
      // every kind asked for is still held whole: no file needs reading
      for (const object of leftover.objects) this.offer(requests, object);
    } else {
      const taken = new Set(requests.map(r => r.kind));
      const objects: KubeObject[] = [];
      await this.readFiles(requests, object => {
        if (!this.offer(requests, object)) objects.push(object);
      });
      this.leftover = { objects, taken };
    }
    for (const r of requests) {
      r.resolve(r.resource.optional && r.matched === 0 ? undefined : r.kept);
    }
  }

  /** Hands the object to every request of its kind; false when no request is of its kind. */
  private offer(requests: Request[], object: KubeObject): boolean {
    const kind = kindKey(groupOf(object.apiVersion), object.kind);
    let wanted = false;
    for (const r of requests) {
      if (r.kind !== kind) continue;
      wanted = true;
      if (!matches(object, r.options)) continue;
      r.matched++;
      const record = r.map(
        r.resource.metadataOnly ? withoutSecretData(object) : object,
      );
      if (record !== undefined) r.kept.push(record);
    }
    return wanted;
  }

  private async readFiles(
    requests: Request[],
    each: (object: KubeObject) => void,
  ): Promise<void> {
    const signal = AbortSignal.any(requests.map(r => r.options.signal));
    signal.throwIfAborted();
    const dir = this.source.directory;
    let names: string[];
    try {
      names = (await fs.readdir(dir)).sort();
    } catch (error) {
      throw new ClusterReadError(
        'unreachable',
        `snapshot directory ${dir} cannot be read: ${(error as Error).message}`,
      );
    }
    for (const name of names.filter(n => EXTENSIONS.has(path.extname(n)))) {
      await inTurn(async () => {
        signal.throwIfAborted();
        const file = path.join(dir, name);
        // parsed and mapped in one go: neither the bytes nor the raw objects outlive the turn
        this.parse(file, await fs.readFile(file, { signal }), each);
      });
    }
  }

  private parse(
    file: string,
    bytes: Buffer,
    each: (object: KubeObject) => void,
  ): void {
    // objects are handed on as they are parsed: what handling one throws is not the file's fault
    let handling = false;
    const handle = (object: KubeObject) => {
      handling = true;
      each(object);
      handling = false;
    };
    try {
      if (file.endsWith('.json')) {
        eachJsonObject(bytes, handle);
        return;
      }
      const objects = parseAllDocuments(bytes.toString('utf8')).flatMap(doc => {
        if (doc.errors.length > 0) throw doc.errors[0];
        return flatten(doc.toJS());
      });
      for (const object of objects) handle(object);
    } catch (error) {
      if (handling) throw error;
      throw new ClusterReadError(
        'malformed-response',
        `snapshot file ${file} is not a valid Kubernetes List: ${
          (error as Error).message
        }`,
      );
    }
  }
}

function matches(o: KubeObject, options: ListOptions): boolean {
  return (
    (!options.namespace || o.metadata?.namespace === options.namespace) &&
    selectorMatchesObject(
      options.labelSelector,
      k => o.metadata?.labels?.[k],
    ) &&
    selectorMatchesObject(options.fieldSelector, k => {
      if (k === 'metadata.name') return o.metadata?.name;
      if (k === 'metadata.namespace') return o.metadata?.namespace;
      return undefined;
    })
  );
}
