import { compareStrings } from '../../../diagnostics';
import {
  asArray,
  ROOT_NAMESPACE,
  Spec,
  stringRecord,
} from '../../../verify/clusterConfig';
import type { Trace, TraceRequest } from '../../../verify/types';
import type { AnalysisContext } from '../../context';
import { allSteps, type Check, type FindingDraft } from '../../types';
import {
  appliesToSidecars,
  describeObject,
  hostsOf,
  isIstio,
  kubeHost,
  list,
  namespaceOf,
  ReferenceLookups,
  routeDestinations,
  specOf,
} from './lookups';

/** A value that satisfies one Istio StringMatch; null when none can be made up (a regex). */
function satisfying(m: unknown): string | undefined | null {
  if (!m || typeof m !== 'object') return undefined;
  const sm = m as Spec;
  if (typeof sm.exact === 'string') return sm.exact;
  if (typeof sm.prefix === 'string') return sm.prefix;
  if (sm.regex !== undefined) return null;
  return 'present';
}

/**
 * A request that one `HTTPMatchRequest` admits, when one can be made up from it: what the
 * trace asks so that the verifier takes the route under test. Undefined for matches on
 * regexes, authority, query parameters or gateways.
 */
function requestFor(m: Spec | undefined):
  | (Partial<TraceRequest> & {
      namespace?: string;
      labels?: Record<string, string>;
    })
  | undefined {
  if (!m) return {};
  if (typeof m !== 'object') return undefined;
  if (m.queryParams || m.authority || asArray(m.gateways).length > 0)
    return undefined;
  const path = satisfying(m.uri);
  const method = satisfying(m.method);
  if (path === null || method === null) return undefined;
  const headers: Record<string, string> = {};
  for (const [name, hm] of Object.entries(
    (m.headers && typeof m.headers === 'object' ? m.headers : {}) as Spec,
  )) {
    const v = satisfying(hm);
    if (v === null) return undefined;
    headers[name] = v ?? 'present';
  }
  return {
    ...(path !== undefined ? { path: path || '/' } : {}),
    ...(method !== undefined ? { method } : {}),
    headers,
    ...(typeof m.port === 'number' ? { port: m.port } : {}),
    ...(typeof m.sourceNamespace === 'string'
      ? { namespace: m.sourceNamespace }
      : {}),
    ...(m.sourceLabels ? { labels: stringRecord(m.sourceLabels) } : {}),
  };
}

/** The port a request to `host` uses when the route names none: the service's first port. */
function portOf(ctx: AnalysisContext, cluster: string, host: string) {
  const kube = kubeHost(host);
  if (kube) {
    const inst = ctx.topology.service(kube.namespace, kube.name)?.instances;
    const port = inst?.find(i => i.ports.length > 0)?.ports[0]?.port;
    if (port) return port;
  }
  const se = ctx.config(cluster).serviceEntries(host)[0];
  const port = asArray<Spec>(se?.spec.ports)[0]?.number;
  return typeof port === 'number' ? port : undefined;
}

/**
 * The clusters a request from `cluster` may land in on another network: known ones that
 * share endpoint discovery with it (so its sidecars see their endpoints) on a network of
 * their own. Landing on another network is what brings the serving cluster's east-west
 * gateway, and so its own DestinationRules, into play (pilot/pkg/xds/endpoints/
 * ep_filters.go EndpointsByNetworkFilter). Found once per client cluster: asked per route
 * destination and per instance instead, the topology's lookups were ~70 % of the check's
 * time at 100 clusters × 500 services (a million of them).
 */
function landingClusters(
  ctx: AnalysisContext,
  known: Set<string>,
  cluster: string,
): Set<string> {
  const topo = ctx.topology;
  const landing = new Set<string>();
  const mine = topo.network(cluster);
  if (!mine) return landing;
  for (const c of known) {
    if (c === cluster || topo.reach(cluster, c) !== 'shared-endpoint-discovery')
      continue;
    const network = topo.network(c);
    if (network && network !== mine) landing.add(c);
  }
  return landing;
}

/**
 * Whether a request from `cluster` to a subset of `host` may land on another network in a
 * cluster whose config lacks the subset: only then is the route traced (a fleet of tens of
 * thousands of healthy routes is not). The gateway looks the rule up from its own
 * namespace, as the verifier does.
 */
function mayLackSubsetWhereItLands(
  look: ReferenceLookups,
  landing: Set<string>,
  cluster: string,
  host: string,
  subset: string,
): boolean {
  const ctx = look.ctx;
  const kube = kubeHost(host);
  if (!kube) return ctx.config(cluster).serviceEntries(host).length > 0;
  if (landing.size === 0) return false;
  const instances =
    ctx.topology.service(kube.namespace, kube.name)?.instances ?? [];
  return instances.some(
    ({ cluster: c }) =>
      landing.has(c) &&
      !ctx
        .config(c)
        .destinationRule(host, look.eastWestNamespace(c))
        ?.subsets.some(s => s.name === subset),
  );
}

/** Traces route `index` of a VirtualService from a sidecar in `cluster`, if a request can take it. */
function traceRoute(
  ctx: AnalysisContext,
  cluster: string,
  vsId: string,
  host: string,
  route: Spec,
  index: number,
  fallbackHost: string,
): Trace | undefined {
  const matches = asArray<Spec>(route?.match);
  for (const m of matches.length > 0 ? matches : [undefined]) {
    const r = requestFor(m);
    if (!r) continue;
    const port =
      r.port ??
      portOf(ctx, cluster, host) ??
      portOf(ctx, cluster, fallbackHost);
    if (!port) return undefined;
    let trace: Trace;
    try {
      trace = ctx.verifier().trace({
        from: {
          cluster,
          namespace: r.namespace ?? vsId.split('/')[0],
          labels: r.labels,
          mode: 'sidecar',
        },
        host,
        port,
        path: r.path,
        method: r.method,
        headers: r.headers,
      });
    } catch {
      return undefined;
    }
    // An earlier route catching this request shadows the one under test (a conflict finding).
    if (trace.route?.virtualService === vsId && trace.route.index === index)
      return trace;
  }
  return undefined;
}

/**
 * MESH105. A request to a subset that lands on another network goes through that network's
 * east-west gateway, with SNI `outbound_.<port>_.<subset>_.<host>`. The gateway's
 * AUTO_PASSTHROUGH listener has a filter chain only for the SNI clusters istiod builds from the
 * registry and DestinationRules of the gateway's OWN cluster (pilot/pkg/networking/core/
 * cluster.go buildOutboundSniDnatClusters); a subset defined only in the client's cluster has
 * no chain there, and the connection is reset. Neither istioctl analyze nor Kiali can see it:
 * each looks at one cluster, where the subset is defined. The check follows the verifier's
 * legs (verify/verifier.ts gatewayHop).
 */
export const subsetMissingWhereTrafficLands: Check = {
  code: 'MESH105',
  severity: 'error',
  title:
    'Subset defined in the client cluster but missing in the cluster its traffic lands in',
  run: ctx => allSteps(bySourceCluster(ctx)),
  steps: bySourceCluster,
};

/**
 * MESH105's work, one client cluster at a time: with many subsets missing, each route traced
 * through the verifier, the whole check held the event loop for seconds (4.4 s for 22,800
 * findings at 100 clusters × 500 services), one cluster ~50 ms.
 */
function* bySourceCluster(
  ctx: AnalysisContext,
): Generator<void, FindingDraft[], void> {
  const look = new ReferenceLookups(ctx);
  const topo = ctx.topology;
  const drafts: FindingDraft[] = [];
  const known = new Set(ctx.clustersWithConfig());
  for (const cluster of known) {
    if (topo.meshKind(cluster) === 'linkerd') continue;
    const cfg = ctx.config(cluster);
    const landsIn = landingClusters(ctx, known, cluster);
    for (const vs of cfg.ofKind('VirtualService')) {
      if (!isIstio(vs) || !appliesToSidecars(specOf(vs))) continue;
      const vsId = `${namespaceOf(vs)}/${vs.metadata.name}`;
      const dests = routeDestinations(vs).filter(
        d => d.section === 'http' && d.subset,
      );
      if (dests.length === 0) continue;
      const routes = asArray<Spec>(specOf(vs).http);
      const reported = new Set<string>();
      let host: string | undefined;
      for (const index of [...new Set(dests.map(d => d.route))]) {
        const ours = dests.filter(d => d.route === index);
        if (
          !ours.some(d =>
            mayLackSubsetWhereItLands(
              look,
              landsIn,
              cluster,
              d.host,
              d.subset!,
            ),
          )
        )
          continue;
        // The host whose requests the verifier routes with this VirtualService.
        host ??= hostsOf(vs).find(
          h => !h.includes('*') && cfg.virtualServices(h)[0]?.id === vsId,
        );
        if (!host) break;
        const trace = traceRoute(
          ctx,
          cluster,
          vsId,
          host,
          routes[index],
          index,
          ours[0].host,
        );
        if (!trace) continue;
        for (const leg of trace.legs) {
          if (!leg.subset || !leg.gateway || leg.gateway.hasChain) continue;
          const landing = leg.gateway.cluster;
          // A cluster whose config is unknown (never synced) is not known to lack anything.
          if (!known.has(landing)) continue;
          const key = `${leg.host}\u0000${leg.subset}\u0000${landing}`;
          if (reported.has(key)) continue;
          // The gateway resets for other reasons too (no passthrough server, unknown host):
          // those are not this check's.
          if (
            !kubeHost(leg.host) &&
            (ctx.config(landing).passthroughGateways(leg.host).length === 0 ||
              ctx.config(landing).serviceEntries(leg.host).length === 0)
          )
            continue;
          const gwNamespace = leg.gateway.gateway.includes('/')
            ? leg.gateway.gateway.split('/')[0]
            : ROOT_NAMESPACE;
          const there = ctx
            .config(landing)
            .destinationRule(leg.host, gwNamespace);
          if (there?.subsets.some(s => s.name === leg.subset)) continue;
          const here = cfg.destinationRule(
            leg.host,
            trace.request.from.namespace,
          );
          const defined = here?.subsets.find(s => s.name === leg.subset);
          if (!here || !defined) continue;
          reported.add(key);

          const object = (c: string, id: string) =>
            look
              .destinationRulesFor(c, leg.host)
              .find(o => `${namespaceOf(o)}/${o.metadata.name}` === id);
          const thereObject = there && object(landing, there.id);
          const hereObject = object(cluster, here.id);
          const labels = Object.entries(defined.labels)
            .map(([k, v]) => `${k}: ${v}`)
            .join(', ');
          const routeName =
            trace.route?.route !== undefined
              ? `route ${trace.route.route}`
              : `http route ${index}`;
          drafts.push({
            message: `${describeObject(vs, cluster)} sends ${Math.round(
              leg.share,
            )} % of ${routeName} to subset ${leg.subset} of ${
              leg.host
            }, which lands in cluster ${landing} through its east-west gateway ${
              leg.gateway.gateway
            } (SNI ${leg.gateway.sni}). DestinationRule ${
              here.id
            } in cluster ${cluster} defines ${leg.subset}, but ${
              there
                ? `DestinationRule ${
                    there.id
                  } in cluster ${landing} has only ${list(
                    there.subsets.map(s => s.name),
                  )}`
                : `no DestinationRule in cluster ${landing} defines it`
            }: the gateway builds its SNI routes from its own cluster's DestinationRules, has no filter chain for that SNI and resets the connection.`,
            fix: `Add subset ${leg.subset} (labels ${labels || 'none'}) to ${
              there
                ? `DestinationRule ${there.id}`
                : `a DestinationRule for ${leg.host}`
            } in cluster ${landing}, e.g. apply DestinationRule ${
              here.id
            } of cluster ${cluster} there too.`,
            objects: [
              ...(thereObject ? [ctx.ref(landing, thereObject)] : []),
              ctx.ref(cluster, vs),
              ...(hereObject ? [ctx.ref(cluster, hereObject)] : []),
            ],
            services: look.servicesOfHosts([...hostsOf(vs), leg.host]),
            clusters: [landing],
            keyParts: [leg.host, leg.subset, landing],
          });
        }
      }
    }
    yield;
  }
  return drafts.sort((a, b) =>
    compareStrings(a.keyParts!.join('/'), b.keyParts!.join('/')),
  );
}
