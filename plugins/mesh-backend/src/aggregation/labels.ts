import type { Labels } from './inventory';

/** True when every key/value of `selector` is in `labels`; an empty selector selects nothing. */
export function selectorMatches(
  selector: Labels | undefined,
  labels: Labels,
): boolean {
  const entries = Object.entries(selector ?? {});
  return entries.length > 0 && entries.every(([k, v]) => labels[k] === v);
}

export function uniqueSorted(values: Iterable<string>): string[] {
  return [...new Set(values)].sort();
}

/** Reads `a.b.c` from an untyped object without trusting its shape. */
export function pick(value: unknown, path: string): unknown {
  let current: unknown = value;
  for (const key of path.split('.')) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

export function pickString(value: unknown, path: string): string | undefined {
  const found = pick(value, path);
  return typeof found === 'string' ? found : undefined;
}

export function pickLabels(value: unknown, path: string): Labels | undefined {
  const found = pick(value, path);
  if (typeof found !== 'object' || found === null) return undefined;
  const out: Labels = {};
  for (const [k, v] of Object.entries(found)) {
    if (typeof v === 'string') out[k] = v;
  }
  return out;
}

/** Oldest first, then by name: Istio's tie-break when several policies apply at one level. */
export function byAge<T extends { creationTimestamp?: string; name: string }>(
  a: T,
  b: T,
): number {
  const ta = a.creationTimestamp ?? '';
  const tb = b.creationTimestamp ?? '';
  if (ta !== tb) return ta < tb ? -1 : 1;
  return a.name.localeCompare(b.name);
}
