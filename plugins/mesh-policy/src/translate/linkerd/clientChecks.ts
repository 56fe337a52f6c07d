import type { Diagnostic } from '../../diagnostics';
import { Topology } from '../../fleet/topology';
import type { TrafficPolicy } from '../../schema/trafficPolicy';
import { linkerdApiVersions } from './apiVersions';
import { hasMirror, linkerdRouteParents, mirrorName } from './multicluster';

/**
 * What stops a TrafficPolicy from taking effect in one Linkerd client cluster, on top of what
 * Linkerd's HTTPRoute cannot express: a route with no Service to attach to, a backend mirror
 * the Link never created, a timeout the served HTTPRoute version has no field for. Problems
 * refuse the client; the warning says when the API versions are a guess.
 */
export function linkerdClientProblems(
  topo: Topology,
  client: string,
  spec: TrafficPolicy['spec'],
): { problems: { path: string; message: string }[]; warnings: Diagnostic[] } {
  const dest = spec.destination;
  const service = `${dest.service}.${dest.namespace}`;
  const problems: { path: string; message: string }[] = [];
  const warnings: Diagnostic[] = [];
  const versions = linkerdApiVersions(topo.controlPlane(client)?.version);
  if (versions.warning)
    warnings.push({
      path: 'spec.sources',
      message: `${client}: ${versions.warning}`,
    });
  const version = topo.controlPlane(client)?.version ?? '(version unknown)';
  const v1beta3Only = [
    ...(spec.timeout ? ['timeout'] : []),
    ...(spec.headers?.response ? ['headers.response'] : []),
  ];
  if (!versions.routeV1beta3) {
    for (const field of v1beta3Only) {
      problems.push({
        path: `spec.${field}`,
        message: `${client} runs Linkerd ${version}, whose ${versions.httpRoute} HTTPRoute cannot express ${field} (HTTPRoute v1beta3, Linkerd 2.14 and later, can): upgrade Linkerd there, or drop ${field}`,
      });
    }
  }
  if (linkerdRouteParents(topo, client, dest).length === 0) {
    problems.push({
      path: 'spec.destination',
      message: `${client} has neither ${dest.service} nor a mirror of it, so an HTTPRoute there would attach to nothing: export ${service} to ${client} (label mirror.linkerd.io/exported) or drop ${client} from the sources`,
    });
  }
  (spec.route ?? []).forEach((t, i) => {
    if (!t.cluster || t.cluster === client) return;
    const instance = topo.instance(dest.namespace, dest.service, t.cluster);
    if (!instance || topo.reach(client, t.cluster) !== 'linkerd-multicluster')
      return; // planning already said why
    if (!hasMirror(instance, client)) {
      problems.push({
        path: `spec.route.${i}.cluster`,
        message: `${client} has no mirror ${mirrorName(
          dest.service,
          t.cluster,
        )} of ${service}: its Link exports only labelled services; label ${
          dest.service
        } in ${t.cluster} with mirror.linkerd.io/exported, then route to it`,
      });
    }
  });
  return { problems, warnings };
}
