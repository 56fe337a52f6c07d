import { compareStrings } from './diagnostics';

/**
 * Keys that read best first in Kubernetes objects; everything else is sorted, since map order
 * carries no meaning in YAML and a fixed order is what makes output byte-identical.
 */
const LEADING_KEYS = [
  'apiVersion',
  'kind',
  'metadata',
  'name',
  'namespace',
  'spec',
];

function keyRank(key: string): number {
  const i = LEADING_KEYS.indexOf(key);
  return i < 0 ? LEADING_KEYS.length : i;
}

export function compareKeys(a: string, b: string): number {
  return keyRank(a) - keyRank(b) || compareStrings(a, b);
}

/** A deep copy with object keys in canonical order and undefined members dropped. Arrays keep their order. */
export function sortKeysDeep<T>(value: T): T {
  if (Array.isArray(value)) return value.map(v => sortKeysDeep(v)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort(compareKeys)) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeysDeep(v);
    }
    return out as T;
  }
  return value;
}

/** JSON with sorted keys: equal values give equal strings, whatever order they were built in. */
export function stableStringify(value: unknown): string {
  return JSON.stringify(sortKeysDeep(value));
}
