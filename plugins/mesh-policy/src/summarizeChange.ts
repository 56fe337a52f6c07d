import { parse } from 'yaml';
import { compareStrings } from './diagnostics';

export interface ChangedFile {
  path: string;
  kind: string;
  namespace: string;
  name: string;
}

export interface ChangeSet {
  added: ChangedFile[];
  changed: ChangedFile[];
  removed: ChangedFile[];
}

export interface ChangeSummary {
  /** High-level policies (the intent). */
  policies: ChangeSet;
  /** Rendered objects (the effect), per cluster; clusters without changes are absent. */
  clusters: Record<string, ChangeSet>;
}

// The layout of render.ts (`rendered/<cluster>/<namespace>/[<service>/]<kind>-<name>.yaml`,
// `policies/<namespace>/<service>/[<policy namespace>/]<kind>-<name>.yaml`) and the one before
// service folders, which a pull request moving a repository to the new layout removes.
const RENDERED =
  /^rendered\/([^/]+)\/([^/]+)\/(?:[^/]+\/)?([a-z0-9]+)-([^/]+)\.yaml$/;
const POLICY =
  /^policies\/([^/]+)\/(?:[^/]+\/(?:([^/]+)\/)?)?([a-z0-9]+)-([^/]+)\.yaml$/;

/** What changed between two versions of a policy repository's files, for a PR body. */
export function summarizeChange(
  before: Record<string, string>,
  after: Record<string, string>,
): ChangeSummary {
  const summary: ChangeSummary = { policies: emptySet(), clusters: {} };
  const paths = [
    ...new Set([...Object.keys(before), ...Object.keys(after)]),
  ].sort(compareStrings);
  for (const path of paths) {
    const was = before[path];
    const now = after[path];
    if (was === now) continue;
    let bucket: keyof ChangeSet = 'changed';
    if (was === undefined) bucket = 'added';
    else if (now === undefined) bucket = 'removed';
    const content = now ?? was;
    const r = RENDERED.exec(path);
    if (r) {
      const set = (summary.clusters[r[1]] ??= emptySet());
      set[bucket].push(describe(path, content, r[3], r[2], r[4]));
      continue;
    }
    const p = POLICY.exec(path);
    if (p)
      summary.policies[bucket].push(
        describe(path, content, p[3], p[2] ?? p[1], p[4]),
      );
  }
  return summary;
}

/** A Markdown section for a pull request body: policies changed, then objects per cluster. */
export function formatChangeSummary(summary: ChangeSummary): string {
  const lines: string[] = [];
  const items = (set: ChangeSet) =>
    (['added', 'changed', 'removed'] as const).flatMap(bucket =>
      set[bucket].map(
        f => `- ${bucket} ${f.kind} \`${f.namespace}/${f.name}\``,
      ),
    );
  const policyItems = items(summary.policies);
  if (policyItems.length > 0)
    lines.push('### Policies', '', ...policyItems, '');
  const clusters = Object.keys(summary.clusters).sort(compareStrings);
  if (clusters.length > 0) {
    lines.push(`### Rendered resources in ${clusters.join(', ')}`, '');
    for (const c of clusters)
      lines.push(`#### ${c}`, '', ...items(summary.clusters[c]), '');
  }
  return lines.length > 0 ? lines.join('\n') : 'No changes.\n';
}

function describe(
  path: string,
  content: string,
  kind: string,
  namespace: string,
  name: string,
): ChangedFile {
  try {
    const doc = parse(content, { maxAliasCount: 0 }) as {
      kind?: unknown;
      metadata?: { name?: unknown; namespace?: unknown };
    } | null;
    if (
      doc &&
      typeof doc.kind === 'string' &&
      typeof doc.metadata?.name === 'string'
    ) {
      return {
        path,
        kind: doc.kind,
        namespace: String(doc.metadata.namespace ?? namespace),
        name: doc.metadata.name,
      };
    }
  } catch {
    // An unparsable file is still a change; the path says enough.
  }
  return { path, kind, namespace, name };
}

function emptySet(): ChangeSet {
  return { added: [], changed: [], removed: [] };
}
