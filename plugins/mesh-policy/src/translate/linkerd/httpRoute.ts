import type { DestinationPlan, RouteGroup } from '../../conflicts';
import { compareStrings } from '../../diagnostics';
import { Topology } from '../../fleet/topology';
import { dnsLabel } from '../../names';
import { servicePorts } from '../../validate/fleetChecks';
import { ResourceSet } from '../resources';
import type { ResolvedTarget } from '../trafficPlan';
import { GATEWAY_API } from './apiVersions';

/**
 * A Linkerd client cluster routes with a Gateway API HTTPRoute whose parent is the Service
 * itself (GAMMA). A remote cluster is reached through the Service Linkerd multicluster mirrors
 * into the client, `<service>-<cluster>`.
 */
export function translateLinkerdTraffic(
  dp: DestinationPlan,
  topo: Topology,
  out: ResourceSet,
) {
  const dest = dp.destination;
  const policies = [...new Set(dp.groups.flatMap(g => g.policies))].sort(
    compareStrings,
  );
  const ports = servicePorts(topo, dest.namespace, dest.service);
  for (const policy of policies) {
    out.upsert(
      dp.client,
      {
        apiVersion: GATEWAY_API,
        kind: 'HTTPRoute',
        namespace: dest.namespace,
        name: dnsLabel('meshport', dest.service),
      },
      policy,
      () => {
        const rules = dp.groups.map(g => rule(g, dp, g.port ?? ports[0]));
        if (!dp.groups.some(g => g.matches.length === 0)) {
          rules.push({ backendRefs: [{ name: dest.service, port: ports[0] }] });
        }
        return {
          parentRefs: [{ group: '', kind: 'Service', name: dest.service }],
          rules,
        };
      },
    );
  }
}

function backendName(t: ResolvedTarget, dp: DestinationPlan): string {
  return t.cluster && t.cluster !== dp.client
    ? `${dp.destination.service}-${t.cluster}`
    : dp.destination.service;
}

function rule(
  g: RouteGroup,
  dp: DestinationPlan,
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
      ? g.route.map(t => ({ name: backendName(t, dp), port, weight: t.weight }))
      : [{ name: dp.destination.service, port }],
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
