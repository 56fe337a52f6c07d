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
import { selectorMatchesObject } from './labelSelector';

const EXTENSIONS = new Set(['.json', '.yaml', '.yml']);

/** The API group of an object; one whose apiVersion is not even a string has none. */
function groupOf(apiVersion: unknown): string | undefined {
  if (typeof apiVersion !== 'string') return undefined;
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

function flatten(document: unknown): KubeObject[] {
  if (typeof document !== 'object' || document === null) return [];
  const items = (document as { items?: unknown }).items;
  if (Array.isArray(items)) return items.flatMap(flatten);
  return [document as KubeObject];
}

function withoutSecretData(object: KubeObject): KubeObject {
  const { data: _data, stringData: _stringData, ...rest } = object;
  return rest;
}

/**
 * Reads a cluster from a directory of List documents as `kubectl get … -o json|yaml`
 * prints them (several per file allowed, YAML multi-documents too). Files are re-read on
 * every sync so an edited snapshot shows up without a restart.
 */
export class SnapshotReader implements ClusterReader {
  private objects?: Promise<KubeObject[]>;

  constructor(private readonly source: SnapshotClusterSource) {}

  async list<T = KubeObject>(
    resource: ResourceType,
    options: ListOptions,
    map?: ObjectMapper<T>,
  ): Promise<T[] | undefined> {
    this.objects ??= this.load(options.signal);
    const all = await this.objects;
    const matches = all.filter(
      o =>
        o.kind === resource.kind &&
        groupOf(o.apiVersion) === resource.group &&
        (!options.namespace || o.metadata?.namespace === options.namespace) &&
        selectorMatchesObject(
          options.labelSelector,
          k => o.metadata?.labels?.[k],
        ) &&
        selectorMatchesObject(options.fieldSelector, k => {
          if (k === 'metadata.name') return o.metadata?.name;
          if (k === 'metadata.namespace') return o.metadata?.namespace;
          return undefined;
        }),
    );
    if (resource.optional && matches.length === 0) return undefined;
    const served = resource.metadataOnly
      ? matches.map(withoutSecretData)
      : matches;
    // without a mapper the caller asked for the objects themselves, so T is KubeObject
    if (!map) return served as T[];
    const kept: T[] = [];
    for (const object of served) {
      const record = map(object);
      if (record !== undefined) kept.push(record);
    }
    return kept;
  }

  private async load(signal: AbortSignal): Promise<KubeObject[]> {
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
    const objects: KubeObject[] = [];
    for (const name of names.filter(n => EXTENSIONS.has(path.extname(n)))) {
      signal.throwIfAborted();
      const file = path.join(dir, name);
      const text = await fs.readFile(file, { encoding: 'utf8', signal });
      objects.push(...this.parse(file, text));
    }
    return objects;
  }

  private parse(file: string, text: string): KubeObject[] {
    try {
      if (file.endsWith('.json')) return flatten(JSON.parse(text));
      return parseAllDocuments(text).flatMap(doc => {
        if (doc.errors.length > 0) throw doc.errors[0];
        return flatten(doc.toJS());
      });
    } catch (error) {
      throw new ClusterReadError(
        'malformed-response',
        `snapshot file ${file} is not a valid Kubernetes List: ${
          (error as Error).message
        }`,
      );
    }
  }
}
