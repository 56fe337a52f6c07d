import type { RequestMatch } from '../schema/trafficPolicy';
import type { SourceMatch } from './types';

/**
 * Whether every request one route matches is also matched by another: the relation that
 * decides route order and what a narrower route inherits. Istio's semantics
 * (istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPMatchRequest): the
 * entries of `match` are ORed, the conditions of one entry ANDed, an absent condition
 * matches everything, `prefix` is a plain string prefix of the path or header value, and a
 * route with no `match` matches every request.
 */
export interface RouteScope {
  sources: SourceMatch[];
  matches: RequestMatch[];
  port?: number;
}

type StringMatch = { exact: string } | { prefix: string };

function stringCovers(broad: StringMatch | undefined, narrow?: StringMatch) {
  if (!broad) return true;
  if (!narrow) return false;
  if ('exact' in broad)
    return 'exact' in narrow && narrow.exact === broad.exact;
  const value = 'exact' in narrow ? narrow.exact : narrow.prefix;
  return value.startsWith(broad.prefix);
}

function matchCovers(broad: RequestMatch, narrow: RequestMatch): boolean {
  if (broad.method !== undefined && broad.method !== narrow.method)
    return false;
  if (!stringCovers(broad.path, narrow.path)) return false;
  return Object.entries(broad.headers ?? {}).every(([name, value]) =>
    stringCovers(value, narrow.headers?.[name]),
  );
}

function sourceCovers(broad: SourceMatch, narrow: SourceMatch): boolean {
  if (broad.namespace !== undefined && broad.namespace !== narrow.namespace)
    return false;
  return Object.entries(broad.labels ?? {}).every(
    ([k, v]) => narrow.labels?.[k] === v,
  );
}

/** Each alternative of `narrow` lies inside some alternative of `broad`; empty = everything. */
function listCovers<T>(
  broad: T[],
  narrow: T[],
  fits: (b: T, n: T) => boolean,
): boolean {
  if (broad.length === 0) return true;
  if (narrow.length === 0) return false;
  return narrow.every(n => broad.some(b => fits(b, n)));
}

/** True when every request `narrow` matches is matched by `broad` too. */
export function covers(broad: RouteScope, narrow: RouteScope): boolean {
  if (broad.port !== undefined && broad.port !== narrow.port) return false;
  return (
    listCovers(broad.sources, narrow.sources, sourceCovers) &&
    listCovers(broad.matches, narrow.matches, matchCovers)
  );
}

/** `narrow` is covered by `broad` and matches strictly less. */
export function strictlyCovers(broad: RouteScope, narrow: RouteScope) {
  return covers(broad, narrow) && !covers(narrow, broad);
}

/**
 * Orders routes so that no route comes after one that strictly covers it: Istio takes the
 * first route whose match fits (VirtualService `http`: "the first rule matching an incoming
 * request is used"), so a broader route placed first would shadow the narrower one for good.
 * Among routes free to go next, `tieBreak` decides, which keeps the order deterministic.
 */
export function orderRoutes<T extends RouteScope>(
  routes: T[],
  tieBreak: (a: T, b: T) => number,
): T[] {
  const left = [...routes].sort(tieBreak);
  const out: T[] = [];
  while (left.length > 0) {
    const i = left.findIndex(
      r => !left.some(other => other !== r && strictlyCovers(r, other)),
    );
    // A strict cover relation has no cycles, so some route always qualifies.
    out.push(left.splice(i, 1)[0]);
  }
  return out;
}
