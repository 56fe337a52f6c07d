import { sameJson } from '@meshport/backstage-plugin-mesh-common';

/**
 * Whether one VirtualService HTTP match takes every request another would: the earlier match
 * "covers" the later. Conservative: when a condition's meaning is not certain (a regex, a field
 * this module does not know, a malformed value) the answer is "not covered", so a route is
 * reported as never taken only when it surely is.
 *
 * Semantics (networking/v1 VirtualService `HTTPMatchRequest`): every condition of a match must
 * hold (AND); the matches of a route are alternatives (OR); a route without matches, or with an
 * empty match, takes every request. Routes are tried in order and the first that matches wins
 * (Envoy's route table, built in order by pilot/pkg/networking/core/route/route.go).
 */

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Fields of an HTTPMatchRequest that do not restrict which requests match. */
const NOT_CONDITIONS = new Set(['name', 'statPrefix']);

const STRING_FIELDS = ['uri', 'scheme', 'method', 'authority'] as const;

/** Every condition field this module understands. */
const KNOWN = new Set<string>([
  ...STRING_FIELDS,
  'headers',
  'queryParams',
  'withoutHeaders',
  'ignoreUriCase',
  'port',
  'sourceLabels',
  'gateways',
  'sourceNamespace',
]);

/**
 * A StringMatch: one of `exact`, `prefix`, `regex`. Envoy's regex is RE2 matched against the
 * whole value, so `.*` takes every value; any other regex is compared as text only.
 */
function stringCovers(a: unknown, b: unknown): boolean {
  if (!isObj(a) || !isObj(b)) return false;
  const ka = Object.keys(a).filter(k => a[k] !== undefined && a[k] !== null);
  const kb = Object.keys(b).filter(k => b[k] !== undefined && b[k] !== null);
  if (ka.length !== 1 || kb.length !== 1) return false;
  const [ta, tb] = [ka[0], kb[0]];
  const [va, vb] = [a[ta], b[tb]];
  if (typeof va !== 'string' || typeof vb !== 'string') return false;
  switch (ta) {
    case 'exact':
      return tb === 'exact' && vb === va;
    case 'prefix':
      return (tb === 'exact' || tb === 'prefix') && vb.startsWith(va);
    case 'regex':
      return va === '.*' || (tb === 'regex' && vb === va);
    default:
      return false;
  }
}

function takesAnyValue(m: unknown, isPath: boolean): boolean {
  if (!isObj(m)) return false;
  return m.regex === '.*' || (isPath && m.prefix === '/');
}

/** Every named condition of `a` (a map of StringMatch) holds wherever `b`'s do. */
function mapCovers(a: unknown, b: unknown): boolean {
  if (a === undefined || a === null) return true;
  if (!isObj(a)) return false;
  const bm = isObj(b) ? b : {};
  return Object.entries(a).every(([k, m]) => stringCovers(m, bm[k]));
}

/** Whether a match takes every request: empty, or naming only itself. */
export function matchesAll(match: unknown): boolean {
  if (!isObj(match)) return false;
  return Object.keys(match).every(
    k => NOT_CONDITIONS.has(k) || match[k] === undefined || match[k] === null,
  );
}

/** Whether every request `later` matches is matched by `earlier`. */
export function matchCovers(earlier: unknown, later: unknown): boolean {
  if (!isObj(earlier) || !isObj(later)) return false;
  for (const [k, v] of Object.entries(earlier)) {
    if (v === undefined || v === null || NOT_CONDITIONS.has(k)) continue;
    if (!KNOWN.has(k)) return false;
  }
  for (const f of STRING_FIELDS) {
    if (earlier[f] === undefined || earlier[f] === null) continue;
    if (later[f] === undefined || later[f] === null) {
      // only a condition every value meets covers "any value"; every HTTP path starts with /
      if (!takesAnyValue(earlier[f], f === 'uri')) return false;
    } else if (!stringCovers(earlier[f], later[f])) return false;
  }
  // A case-insensitive later uri takes "/API" where a case-sensitive earlier one does not.
  if (
    earlier.uri !== undefined &&
    later.ignoreUriCase === true &&
    earlier.ignoreUriCase !== true
  )
    return false;
  if (!mapCovers(earlier.headers, later.headers)) return false;
  if (!mapCovers(earlier.queryParams, later.queryParams)) return false;
  // "Header must not match X": certain only when the later match requires the very same.
  if (earlier.withoutHeaders !== undefined && earlier.withoutHeaders !== null) {
    if (!isObj(earlier.withoutHeaders)) return false;
    const lw = isObj(later.withoutHeaders) ? later.withoutHeaders : {};
    for (const [k, m] of Object.entries(earlier.withoutHeaders))
      if (!sameJson(m, lw[k])) return false;
  }
  if (earlier.port !== undefined && earlier.port !== null) {
    if (earlier.port !== later.port) return false;
  }
  if (
    earlier.sourceNamespace !== undefined &&
    earlier.sourceNamespace !== null
  ) {
    if (earlier.sourceNamespace !== later.sourceNamespace) return false;
  }
  if (earlier.sourceLabels !== undefined && earlier.sourceLabels !== null) {
    if (!isObj(earlier.sourceLabels)) return false;
    const ll = isObj(later.sourceLabels) ? later.sourceLabels : {};
    for (const [k, v] of Object.entries(earlier.sourceLabels))
      if (ll[k] !== v) return false;
  }
  if (earlier.gateways !== undefined && earlier.gateways !== null) {
    if (!Array.isArray(earlier.gateways) || !Array.isArray(later.gateways))
      return false;
    const eg = earlier.gateways as unknown[];
    if (
      later.gateways.length === 0 ||
      !later.gateways.every(g => eg.includes(g))
    )
      return false;
  }
  return true;
}

const MAP_FIELD_NAMES = {
  headers: 'header',
  queryParams: 'query',
  withoutHeaders: 'without header',
} as const;

/** A match as a reader would write it, for messages: `uri prefix /api, method exact GET`. */
export function describeMatch(match: unknown): string {
  if (!isObj(match) || matchesAll(match)) return 'every request';
  const parts: string[] = [];
  const sm = (v: unknown) => {
    if (!isObj(v)) return JSON.stringify(v);
    const [k] = Object.keys(v);
    return `${k} ${String(v[k])}`;
  };
  for (const f of STRING_FIELDS)
    if (isObj(match[f])) parts.push(`${f} ${sm(match[f])}`);
  for (const field of ['headers', 'queryParams', 'withoutHeaders'] as const) {
    const m = match[field];
    if (isObj(m))
      for (const [k, v] of Object.entries(m))
        parts.push(`${MAP_FIELD_NAMES[field]} ${k} ${sm(v)}`);
  }
  for (const k of ['port', 'sourceNamespace', 'ignoreUriCase'])
    if (match[k] !== undefined) parts.push(`${k} ${String(match[k])}`);
  if (isObj(match.sourceLabels))
    parts.push(`sourceLabels ${JSON.stringify(match.sourceLabels)}`);
  if (Array.isArray(match.gateways))
    parts.push(`gateways ${match.gateways.join(',')}`);
  return parts.length > 0 ? parts.join(', ') : JSON.stringify(match);
}
