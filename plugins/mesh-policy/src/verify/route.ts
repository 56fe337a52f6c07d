import { asArray, Spec, stringRecord } from './clusterConfig';
import type { TraceRequest } from './types';

type StringMatch = { exact?: string; prefix?: string; regex?: string };

/**
 * Envoy's string matchers as Istio emits them (pilot/pkg/networking/core/route/route.go,
 * translateHeaderMatch / TranslateRouteMatch): `regex` is RE2, matched in full.
 */
function stringMatches(
  m: unknown,
  value: string | undefined,
  ignoreCase = false,
): boolean {
  if (!m || typeof m !== 'object') return true;
  const sm = m as StringMatch;
  if (value === undefined) return false;
  const v = ignoreCase ? value.toLowerCase() : value;
  const low = (s: string) => (ignoreCase ? s.toLowerCase() : s);
  if (sm.exact !== undefined) return v === low(sm.exact);
  if (sm.prefix !== undefined) return v.startsWith(low(sm.prefix));
  if (sm.regex !== undefined) {
    try {
      return new RegExp(`^(?:${sm.regex})$`, ignoreCase ? 'i' : '').test(value);
    } catch {
      return false;
    }
  }
  return true;
}

function labelsMatch(
  want: Record<string, string>,
  have: Record<string, string> | undefined,
): boolean {
  return Object.entries(want).every(([k, v]) => have?.[k] === v);
}

/**
 * One `HTTPMatchRequest`: every field set must hold. Source labels, source namespace and port
 * are decided when istiod builds the proxy's routes (route.go sourceMatchHTTP); the rest
 * (uri, method, headers) by Envoy per request.
 */
function matchRequest(m: Spec, req: TraceRequest): boolean {
  const path = (req.path ?? '/').split('?')[0];
  const ignoreCase = m.ignoreUriCase === true;
  if (m.uri && !stringMatches(m.uri, path, ignoreCase)) return false;
  if (m.method && !stringMatches(m.method, req.method ?? 'GET')) return false;
  if (m.authority && !stringMatches(m.authority, `${req.host}:${req.port}`))
    return false;
  const headers = Object.fromEntries(
    Object.entries(req.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
  );
  for (const [name, hm] of Object.entries(
    (m.headers ?? {}) as Record<string, unknown>,
  )) {
    if (!stringMatches(hm, headers[name.toLowerCase()])) return false;
  }
  for (const [name, hm] of Object.entries(
    (m.withoutHeaders ?? {}) as Record<string, unknown>,
  )) {
    if (stringMatches(hm, headers[name.toLowerCase()])) return false;
  }
  if (typeof m.port === 'number' && m.port !== req.port) return false;
  if (
    typeof m.sourceNamespace === 'string' &&
    m.sourceNamespace !== req.from.namespace
  )
    return false;
  if (
    m.sourceLabels &&
    !labelsMatch(stringRecord(m.sourceLabels), req.from.labels)
  )
    return false;
  // Query parameters and gateway names are outside what a trace carries: a route that needs
  // them does not match the traced request.
  if (m.queryParams || asArray(m.gateways).length > 0) return false;
  return true;
}

/**
 * The first `http` route whose match list matches (entries are ORed, a route without `match`
 * matches everything). Envoy takes routes in order and stops at the first match; Istio keeps
 * the VirtualService's order (route.go BuildHTTPRoutesForVirtualService).
 */
export function firstMatchingRoute(
  vs: Spec,
  req: TraceRequest,
): { index: number; route: Spec } | undefined {
  const routes = asArray<Spec>(vs.http);
  for (let i = 0; i < routes.length; i++) {
    const matches = asArray<Spec>(routes[i].match);
    if (matches.length === 0 || matches.some(m => matchRequest(m, req)))
      return { index: i, route: routes[i] };
  }
  return undefined;
}
