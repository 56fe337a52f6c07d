import {
  MESHPORT_POLICIES_ANNOTATION,
  MESHPORT_POLICY_LABEL,
  MESHPORT_SPEC_HASH_ANNOTATION,
} from '@meshport/backstage-plugin-mesh-common';
import { parseAllDocuments } from 'yaml';
import { compareStrings } from '../diagnostics';
import { parsePolicyYaml, Policy, policyRef } from '../schema';
import { canonicalSpecJson } from '../specHash';
import type { BranchSnapshot } from './types';

/** A file of the branch the computation could not use, and why. */
export interface BranchFileProblem {
  /** Repository path of the file. */
  path: string;
  /** What is wrong and how to fix it. */
  message: string;
}

/** One object as a rendered file holds it, whichever cluster the file is for. */
export interface RenderedContent {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
  /** Group, kind, namespace and name: how the live object of the same identity is found. */
  key: string;
  /** Every policy that contributed (`meshport.dev/policies`, else the policy label). */
  policies: string[];
  labels: Record<string, string>;
  spec: Record<string, unknown>;
  /** The canonical JSON of the spec, the text `meshport.dev/spec-hash` is the SHA-256 of. */
  canonical: string;
  /** `JSON.stringify` of the spec as written (keys sorted, as Meshport writes them). */
  json: string;
  /** Its `meshport.dev/spec-hash`, when stamped. */
  specHash?: string;
}

/** One object the branch renders for one cluster. */
export interface RenderedObject extends RenderedContent {
  cluster: string;
  path: string;
}

export interface BranchPolicy {
  policy: Policy;
  path: string;
}

/** A branch's files, parsed once: what the computation reads, whatever the layout. */
export interface ParsedBranch {
  /** By policy ref; the first file (path order) claiming a ref wins, the others are problems. */
  policies: Map<string, BranchPolicy>;
  /** Policy ref → cluster → the objects rendered for it there, sorted by path and key. */
  rendered: Map<string, Map<string, RenderedObject[]>>;
  /** Cluster → keys of every object rendered there, whichever policy. */
  renderedKeys: Map<string, Set<string>>;
  problems: BranchFileProblem[];
  /** A policy's objects for a cluster (a list of `rendered`) → their digest, filled as asked. */
  renderingHashes: WeakMap<RenderedObject[], string>;
}

/**
 * Where an object is in a cluster: API group (not version: the API server serves an object
 * under every version of its group, and a rendered `v1` is the live `v1beta1`), kind,
 * namespace and name.
 */
export function objectKey(
  apiVersion: string,
  kind: string,
  namespace: string,
  name: string,
): string {
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  return `${group}\u0000${kind}\u0000${namespace}\u0000${name}`;
}

const MAX_FILE = 256 * 1024;
const YAML_FILE = /\.ya?ml$/;

/**
 * Parsed files by text: a file's meaning does not depend on its path (the cluster of a rendered
 * file is taken from the path afterwards), so a text rendered alike for twenty clusters is
 * parsed once. Kept between computations, an unchanged file (most of them, whatever the
 * commit) is not parsed again; `retain` drops the texts no computation read since its last
 * call.
 */
export class ParsedFileCache {
  private policies = new Map<string, PolicyFile>();
  private renders = new Map<string, RenderedFile>();
  private seen = new Set<string>();

  policy(text: string): PolicyFile {
    return this.through(this.policies, text, () => parsePolicyFile(text));
  }

  rendered(text: string): RenderedFile {
    return this.through(this.renders, text, () => parseRenderedText(text));
  }

  /** Marks every file of a branch read, for a branch whose parse is reused whole. */
  touch(branch: BranchSnapshot) {
    for (const text of Object.values(branch.files)) this.seen.add(text);
  }

  /** Drops what no file read since the last call holds: call once per computation. */
  retain() {
    for (const map of [this.policies, this.renders] as Map<string, unknown>[])
      for (const key of map.keys()) if (!this.seen.has(key)) map.delete(key);
    this.seen.clear();
  }

  private through<T>(map: Map<string, T>, text: string, parse: () => T): T {
    this.seen.add(text);
    let value = map.get(text);
    if (value === undefined) {
      value = parse();
      map.set(text, value);
    }
    return value;
  }
}

/**
 * Parses a branch: every `policies/**.yaml` with the package's policy parser, every
 * `rendered/<cluster>/**.yaml` as Kubernetes objects. Nothing here depends on the layout below
 * those two folders: the cluster is the first segment after `rendered/`, the policy of a file
 * is its content (kind, namespace, name) and the policies of a rendered object are its
 * annotation and label. A file that cannot be used is a problem, never an exception.
 */
export function parseBranch(
  branch: BranchSnapshot,
  cache: ParsedFileCache = new ParsedFileCache(),
): ParsedBranch {
  const policies = new Map<string, BranchPolicy>();
  const rendered = new Map<string, Map<string, RenderedObject[]>>();
  const renderedKeys = new Map<string, Set<string>>();
  const problems: BranchFileProblem[] = [];
  const paths = Object.keys(branch.files).sort(compareStrings);
  for (const path of paths) {
    if (!YAML_FILE.test(path)) continue;
    const text = branch.files[path];
    if (path.startsWith('policies/')) {
      const parsed = cache.policy(text);
      if ('message' in parsed) {
        problems.push({ path, message: parsed.message });
        continue;
      }
      const ref = policyRef(parsed.policy);
      const first = policies.get(ref);
      if (first) {
        problems.push({
          path,
          message: `${ref} is also defined in ${first.path}: a policy lives in one file; delete or rename one of them`,
        });
        continue;
      }
      policies.set(ref, { policy: parsed.policy, path });
    } else if (path.startsWith('rendered/')) {
      const cluster = path.split('/')[1];
      if (!cluster || path.split('/').length < 3) {
        problems.push({
          path,
          message:
            'a rendered file belongs in rendered/<cluster>/: render the repository again',
        });
        continue;
      }
      const parsed = cache.rendered(text);
      for (const p of parsed.problems) problems.push({ path, message: p });
      for (const content of parsed.objects) {
        const o: RenderedObject = { ...content, cluster, path };
        const keys = renderedKeys.get(o.cluster) ?? new Set<string>();
        if (keys.has(o.key)) {
          problems.push({
            path,
            message: `${o.kind} ${o.namespace}/${o.name} is rendered twice for cluster ${o.cluster}: render the repository again`,
          });
          continue;
        }
        keys.add(o.key);
        renderedKeys.set(o.cluster, keys);
        for (const ref of o.policies) {
          const byCluster = rendered.get(ref) ?? new Map();
          const list = byCluster.get(o.cluster) ?? [];
          list.push(o);
          byCluster.set(o.cluster, list);
          rendered.set(ref, byCluster);
        }
      }
    }
  }
  return {
    policies,
    rendered,
    renderedKeys,
    problems,
    renderingHashes: new WeakMap(),
  };
}

type PolicyFile = { policy: Policy } | { message: string };
interface RenderedFile {
  objects: RenderedContent[];
  problems: string[];
}

function parsePolicyFile(text: string): PolicyFile {
  const result = parsePolicyYaml(text);
  if (result.ok) return { policy: result.policy };
  const e = result.errors[0];
  return {
    message: `not a valid policy, skipped: ${e.path ? `${e.path}: ` : ''}${
      e.message
    }`,
  };
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isRecord(v)) return out;
  for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
  return out;
}

/** The policies an object names: its annotation (all contributors), else its label. */
export function policiesOf(
  labels: Record<string, string>,
  annotations: Record<string, string>,
): string[] {
  const listed = (annotations[MESHPORT_POLICIES_ANNOTATION] ?? '')
    .split(',')
    .map(p => p.trim())
    .filter(p => p !== '');
  const label = labels[MESHPORT_POLICY_LABEL];
  if (listed.length === 0 && label) listed.push(label);
  return [...new Set(listed)].sort(compareStrings);
}

function parseRenderedText(text: string): RenderedFile {
  const problems: string[] = [];
  const objects: RenderedContent[] = [];
  if (text.length > MAX_FILE) {
    return {
      objects,
      problems: ['larger than 256 KiB, skipped: render the repository again'],
    };
  }
  const docs = parseAllDocuments(text, { prettyErrors: false });
  for (const doc of Array.isArray(docs) ? docs : [docs]) {
    if (doc.errors.length > 0) {
      const e = doc.errors[0];
      problems.push(
        `invalid YAML at line ${e.linePos?.[0]?.line ?? '?'}, skipped: ${
          e.message.split('\n')[0]
        }; render the repository again`,
      );
      continue;
    }
    if (doc.contents === null) continue;
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 0 });
    } catch {
      problems.push(
        'YAML anchors and aliases are not rendered by Meshport, skipped: render the repository again',
      );
      continue;
    }
    const object = renderedContent(value);
    if (typeof object === 'string') problems.push(object);
    else objects.push(object);
  }
  return { objects, problems };
}

function renderedContent(value: unknown): RenderedContent | string {
  if (!isRecord(value) || !isRecord(value.metadata))
    return 'not a Kubernetes object (apiVersion, kind, metadata), skipped';
  const { apiVersion, kind } = value;
  const { name, namespace } = value.metadata;
  if (
    typeof apiVersion !== 'string' ||
    typeof kind !== 'string' ||
    typeof name !== 'string' ||
    typeof namespace !== 'string' ||
    !apiVersion ||
    !kind ||
    !name ||
    !namespace
  )
    return 'an object without apiVersion, kind, metadata.name or metadata.namespace, skipped';
  const labels = stringMap(value.metadata.labels);
  const annotations = stringMap(value.metadata.annotations);
  const policies = policiesOf(labels, annotations);
  if (policies.length === 0)
    return `${kind} ${namespace}/${name} names no policy (no ${MESHPORT_POLICY_LABEL} label or ${MESHPORT_POLICIES_ANNOTATION} annotation), skipped: render the repository again`;
  const spec = isRecord(value.spec) ? value.spec : {};
  return {
    apiVersion,
    kind,
    namespace,
    name,
    key: objectKey(apiVersion, kind, namespace, name),
    policies,
    labels,
    spec,
    canonical: canonicalSpecJson(spec, { apiVersion, kind }),
    json: JSON.stringify(spec),
    specHash: annotations[MESHPORT_SPEC_HASH_ANNOTATION],
  };
}
