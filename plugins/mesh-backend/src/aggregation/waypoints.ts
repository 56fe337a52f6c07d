import type {
  Labels,
  MeshConfigObject,
  NamespaceInfo,
  ServiceInfo,
} from './inventory';
import { pickString } from './labels';

/**
 * Ambient waypoints, as Istio binds services to them (istio.io docs/ambient/usage/waypoint,
 * "Configure waypoint proxies"; the labels are pkg/config/constants' `IstioUseWaypointLabel`
 * and `IstioUseWaypointNamespaceLabel`; a waypoint is a Gateway API Gateway of class
 * `istio-waypoint`, pilot/pkg/serviceregistry/kube/controller/ambient/waypoints.go).
 */
export const USE_WAYPOINT_LABEL = 'istio.io/use-waypoint';
export const USE_WAYPOINT_NAMESPACE_LABEL = 'istio.io/use-waypoint-namespace';
/** Which traffic a waypoint takes: `service` (the default), `workload`, `all` or `none`. */
export const WAYPOINT_FOR_LABEL = 'istio.io/waypoint-for';
export const WAYPOINT_GATEWAY_CLASS = 'istio-waypoint';

const GATEWAY_API = 'gateway.networking.k8s.io';

/** `namespace/name` of every waypoint of the cluster that takes traffic addressed to services. */
export function serviceWaypoints(objects: MeshConfigObject[]): Set<string> {
  const found = new Set<string>();
  for (const o of objects) {
    if (o.kind !== 'Gateway' || o.apiVersion.split('/')[0] !== GATEWAY_API)
      continue;
    if (pickString(o.spec, 'gatewayClassName') !== WAYPOINT_GATEWAY_CLASS)
      continue;
    const takes = o.labels[WAYPOINT_FOR_LABEL] ?? 'service';
    if (takes === 'service' || takes === 'all')
      found.add(`${o.namespace}/${o.name}`);
  }
  return found;
}

/**
 * The waypoint a Service's traffic goes through: `istio.io/use-waypoint` on the Service, else
 * on its namespace (`none` on the Service opts it out of its namespace's), in the namespace
 * `istio.io/use-waypoint-namespace` on the same object names, else that object's own. Only a
 * waypoint that exists in the cluster counts: a label naming a missing one binds nothing.
 */
export function waypointOf(
  service: ServiceInfo,
  namespace: NamespaceInfo | undefined,
  waypoints: Set<string>,
): { namespace: string; name: string } | undefined {
  let labels: Labels = service.labels;
  let home = service.namespace;
  if (labels[USE_WAYPOINT_LABEL] === undefined) {
    if (!namespace) return undefined;
    labels = namespace.labels;
    home = namespace.name;
  }
  const name = labels[USE_WAYPOINT_LABEL];
  if (!name || name === 'none') return undefined;
  const waypointNamespace = labels[USE_WAYPOINT_NAMESPACE_LABEL] || home;
  return waypoints.has(`${waypointNamespace}/${name}`)
    ? { namespace: waypointNamespace, name }
    : undefined;
}
