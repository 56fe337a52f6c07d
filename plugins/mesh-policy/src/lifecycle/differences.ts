import type { PolicyFieldDifference } from '@meshport/backstage-plugin-mesh-common';
import { compareStrings } from '../diagnostics';
import { canonicalSpec, SpecOwner } from '../specHash';

/** At most this many differences per object: enough to see what was edited, bounded to send. */
export const MAX_DIFFERENCES = 50;

/** The parts of an object the comparison reads. */
export interface ComparedObject extends SpecOwner {
  metadata?: { labels?: Record<string, string> } | unknown;
  spec?: unknown;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function member(path: string, key: string): string {
  return IDENTIFIER.test(key)
    ? `${path}.${key}`
    : `${path}[${JSON.stringify(key)}]`;
}

/**
 * Where a live object differs from what the branch renders, field by field: its spec (both
 * sides in the canonical form the spec hash is taken over, so what the API server adds or
 * rewrites on the way in — key order, nulls, empty lists, schema defaults — is no difference)
 * and the labels the branch renders (labels others add, e.g. a GitOps tool's tracking label,
 * are not). Depth first, keys in code-point order, array items by index: the same pair always
 * lists the same way. A value one side lacks is one difference holding the other side's whole
 * value. At most `MAX_DIFFERENCES`.
 */
export function policyFieldDifferences(
  rendered: ComparedObject,
  live: ComparedObject,
): PolicyFieldDifference[] {
  const out: PolicyFieldDifference[] = [];
  const labelsOf = (o: ComparedObject) =>
    isRecord(o.metadata) && isRecord(o.metadata.labels)
      ? o.metadata.labels
      : {};
  const renderedLabels = labelsOf(rendered);
  const liveLabels = labelsOf(live);
  for (const key of Object.keys(renderedLabels).sort(compareStrings)) {
    if (out.length >= MAX_DIFFERENCES) return out;
    if (renderedLabels[key] === liveLabels[key]) continue;
    out.push(
      difference(
        member('metadata.labels', key),
        renderedLabels[key],
        liveLabels[key],
      ),
    );
  }
  walk(
    'spec',
    canonicalSpec(isRecord(rendered.spec) ? rendered.spec : {}, rendered),
    canonicalSpec(isRecord(live.spec) ? live.spec : {}, rendered),
    out,
  );
  return out;
}

function difference(
  path: string,
  rendered: unknown,
  live: unknown,
): PolicyFieldDifference {
  return {
    path,
    ...(rendered === undefined ? {} : { rendered }),
    ...(live === undefined ? {} : { live }),
  };
}

function walk(
  path: string,
  rendered: unknown,
  live: unknown,
  out: PolicyFieldDifference[],
) {
  if (out.length >= MAX_DIFFERENCES) return;
  if (isRecord(rendered) && isRecord(live)) {
    const keys = [
      ...new Set([...Object.keys(rendered), ...Object.keys(live)]),
    ].sort(compareStrings);
    for (const key of keys)
      walk(member(path, key), rendered[key], live[key], out);
    return;
  }
  if (Array.isArray(rendered) && Array.isArray(live)) {
    const n = Math.max(rendered.length, live.length);
    for (let i = 0; i < n; i++)
      walk(`${path}[${i}]`, rendered[i], live[i], out);
    return;
  }
  if (rendered === live) return;
  out.push(difference(path, rendered, live));
}
