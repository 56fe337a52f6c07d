import type {
  DestinationPlan,
  RouteGroup,
  SourceMatch,
} from '../../plan/types';
import type { RequestMatch } from '../../schema/trafficPolicy';
import type { IstioTarget } from './targets';
import type { SubsetNames } from './subsets';

type Resolve = (t: IstioTarget) => { host: string; subset?: string };

/** The `http` routes of a client cluster's VirtualService for one destination host. */
export function virtualServiceSpec(
  host: string,
  dp: DestinationPlan,
  targetsOf: (g: RouteGroup) => { route?: IstioTarget[]; mirror?: IstioTarget },
  subsets: Map<string, SubsetNames>,
): Record<string, unknown> {
  const resolve: Resolve = t => ({
    host: t.host,
    subset: subsets.get(t.host)?.nameOf(t.labels),
  });
  const http = dp.groups.map(g => httpRoute(g, host, targetsOf(g), resolve));
  // Istio answers 404 to requests no route matches, so scoped routes need a catch-all after them.
  if (
    !dp.groups.some(
      g =>
        g.sources.length === 0 &&
        g.matches.length === 0 &&
        g.port === undefined,
    )
  ) {
    http.push({ name: 'default', route: [{ destination: { host } }] });
  }
  return { hosts: [host], http };
}

function httpRoute(
  g: RouteGroup,
  host: string,
  targets: { route?: IstioTarget[]; mirror?: IstioTarget },
  resolve: Resolve,
): Record<string, unknown> {
  const port = g.port !== undefined ? { number: g.port } : undefined;
  const destination = (t: IstioTarget) => {
    const { host: h, subset } = resolve(t);
    return { host: h, subset, port };
  };
  const route = targets.route
    ? targets.route.map((t, i) => ({
        destination: destination(t),
        weight: g.route![i].weight,
      }))
    : [{ destination: { host, port } }];
  const matches = matchList(g.sources, g.matches, g.port);
  return {
    name: g.policies.join('+'),
    match: matches.length > 0 ? matches : undefined,
    route,
    timeout: g.timeout,
    retries: g.retries && {
      attempts: g.retries.attempts,
      perTryTimeout: g.retries.perTryTimeout,
      retryOn: g.retries.retryOn?.join(','),
    },
    fault: g.faultInjection && {
      delay: g.faultInjection.delay && {
        percentage: { value: g.faultInjection.delay.percent },
        fixedDelay: g.faultInjection.delay.fixedDelay,
      },
      abort: g.faultInjection.abort && {
        percentage: { value: g.faultInjection.abort.percent },
        httpStatus: g.faultInjection.abort.httpStatus,
      },
    },
    mirror: targets.mirror && destination(targets.mirror),
    mirrorPercentage: g.mirror && { value: g.mirror.percent },
    corsPolicy: g.cors && {
      allowOrigins: g.cors.allowOrigins,
      allowMethods: g.cors.allowMethods,
      allowHeaders: g.cors.allowHeaders,
      exposeHeaders: g.cors.exposeHeaders,
      maxAge: g.cors.maxAge,
      allowCredentials: g.cors.allowCredentials,
    },
    headers: g.headers,
  };
}

/** Every (source × request match) combination: Istio ORs the entries of `match`. */
function matchList(
  sources: SourceMatch[],
  matches: RequestMatch[],
  port?: number,
): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const s of sources.length > 0 ? sources : [undefined]) {
    for (const m of matches.length > 0 ? matches : [undefined]) {
      const entry: Record<string, unknown> = {
        uri: m?.path,
        method: m?.method && { exact: m.method },
        headers: m?.headers,
        sourceNamespace: s?.namespace,
        sourceLabels: s?.labels,
        port,
      };
      if (Object.values(entry).some(v => v !== undefined)) out.push(entry);
    }
  }
  return out;
}
