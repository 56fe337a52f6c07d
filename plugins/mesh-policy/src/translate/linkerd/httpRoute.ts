import { compareStrings } from '../../diagnostics';
import { Topology } from '../../fleet/topology';
import { dnsLabel } from '../../names';
import type {
  DestinationPlan,
  ResolvedTarget,
  RouteGroup,
} from '../../plan/types';
import { servicePorts } from '../../validate/fleetChecks';
import { ResourceSet } from '../resources';
import { linkerdApiVersions } from './apiVersions';
import { linkerdRouteParents, mirrorName } from './multicluster';

/**
 * A Linkerd client cluster routes with an HTTPRoute whose parent is the Service its callers
 * address: the Service itself when it runs in the client, else each mirror Linkerd
 * multicluster made of it there, `<service>-<cluster>` (a parent that does not exist in the
 * client would route nothing). A remote cluster is reached through its mirror.
 *
 * The parentRef carries the service port: without one, Linkerd applies the route to every
 * port of the Service (policy-controller/k8s/index/src/outbound/index.rs, "If the parent_ref
 * doesn't include a port, apply this route to all ports"), which would send a multi-port
 * Service's other ports to this one's backends. So there is one route per parent and port.
 */
export function translateLinkerdTraffic(
  dp: DestinationPlan,
  topo: Topology,
  out: ResourceSet,
) {
  const dest = dp.destination;
  const ports = servicePorts(topo, dest.namespace, dest.service);
  const versions = linkerdApiVersions(topo.controlPlane(dp.client)?.version);
  const portOf = (g: RouteGroup) => g.port ?? ports[0];
  const routePorts = [...new Set(dp.groups.map(portOf))].sort((a, b) => a - b);
  for (const parent of linkerdRouteParents(topo, dp.client, dest)) {
    for (const port of routePorts) {
      const groups = dp.groups.filter(g => portOf(g) === port);
      const policies = [...new Set(groups.flatMap(g => g.policies))].sort(
        compareStrings,
      );
      for (const policy of policies) {
        out.upsert(
          dp.client,
          {
            apiVersion: versions.httpRoute,
            kind: 'HTTPRoute',
            namespace: dest.namespace,
            name: dnsLabel('meshport', parent, String(port)),
          },
          policy,
          () => {
            const rules = groups.map(g => rule(g, dp, parent, port));
            if (!groups.some(g => g.matches.length === 0)) {
              rules.push({ backendRefs: [{ name: parent, port }] });
            }
            return {
              parentRefs: [{ group: '', kind: 'Service', name: parent, port }],
              rules,
            };
          },
        );
      }
    }
  }
}

/** A target in the client itself is the Service; planning refused targets with no cluster where it does not run. */
function backendName(t: ResolvedTarget, dp: DestinationPlan): string {
  return t.cluster && t.cluster !== dp.client
    ? mirrorName(dp.destination.service, t.cluster)
    : dp.destination.service;
}

function rule(
  g: RouteGroup,
  dp: DestinationPlan,
  parent: string,
  port: number,
): Record<string, unknown> {
  const matches = g.matches.map(m => ({
    path:
      m.path &&
      ('exact' in m.path
        ? { type: 'Exact', value: m.path.exact }
        : { type: 'PathPrefix', value: m.path.prefix }),
    method: m.method,
    headers:
      m.headers &&
      Object.keys(m.headers)
        .sort(compareStrings)
        .map(name => ({
          type: 'Exact',
          name,
          value: (m.headers![name] as { exact: string }).exact,
        })),
  }));
  const filters = [
    ...(g.headers?.request
      ? [
          {
            type: 'RequestHeaderModifier',
            requestHeaderModifier: headerModifier(g.headers.request),
          },
        ]
      : []),
    ...(g.headers?.response
      ? [
          {
            type: 'ResponseHeaderModifier',
            responseHeaderModifier: headerModifier(g.headers.response),
          },
        ]
      : []),
  ];
  return {
    matches: matches.length > 0 ? matches : undefined,
    backendRefs: g.route
      ? g.route.map(t => ({
          name: backendName(t, dp),
          port,
          weight: t.weight,
        }))
      : [{ name: parent, port }],
    timeouts: g.timeout ? { request: g.timeout } : undefined,
    filters: filters.length > 0 ? filters : undefined,
  };
}

function headerModifier(ops: {
  set?: Record<string, string>;
  add?: Record<string, string>;
  remove?: string[];
}) {
  const pairs = (m?: Record<string, string>) =>
    m &&
    Object.keys(m)
      .sort(compareStrings)
      .map(name => ({ name, value: m[name] }));
  return { set: pairs(ops.set), add: pairs(ops.add), remove: ops.remove };
}
