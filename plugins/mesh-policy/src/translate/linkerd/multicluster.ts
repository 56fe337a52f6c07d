import type { ServiceInstance } from '@meshport/backstage-plugin-mesh-common';
import { compareStrings } from '../../diagnostics';
import { Topology } from '../../fleet/topology';

/**
 * Why a caller in `source` cannot be granted access by identity to a Linkerd service in
 * `serving`, or undefined when it can.
 *
 * Through a multicluster gateway the callee sees the gateway's identity, not the caller's: the
 * caller's proxy talks mTLS to the gateway in the target cluster, which opens its own
 * connection to the pod ("Lost Identity", https://linkerd.io/2023/09/12/linkerd-214). Only
 * pod-to-pod (flat network) mode keeps the caller's identity end to end
 * (https://linkerd.io/2.17/tasks/pod-to-pod-multicluster/). Meshport refuses rather than
 * granting the gateway's identity: that would admit every cluster linked to this one, not the
 * caller the policy names, while the new Server refuses the callers it does not list.
 */
export function gatewayHidesCaller(
  topo: Topology,
  source: string,
  serving: string,
): string | undefined {
  if (source === serving) return undefined;
  if (topo.reach(source, serving) !== 'linkerd-multicluster') return undefined;
  if (topo.linkerdLinkMode(source, serving) === 'flat') return undefined;
  return `${source} reaches ${serving} through a Linkerd multicluster gateway, so ${serving} sees the gateway's identity, not the caller's, and a grant naming the caller would admit nothing; link the clusters pod to pod (linkerd multicluster link --gateway=false, export the service with mirror.linkerd.io/exported=remote-discovery) or grant a caller in ${serving}`;
}

/** The Service Linkerd multicluster mirrors an instance as in other clusters: `<service>-<cluster>`. */
export function mirrorName(service: string, cluster: string): string {
  return `${service}-${cluster}`;
}

/**
 * Whether `client` holds the mirror of the instance. Discovery lists in `mirroredIn` the
 * clusters where it found the mirror Service (a Link mirrors only the services its selectors
 * export), and leaves it out when there is none.
 */
export function hasMirror(instance: ServiceInstance, client: string): boolean {
  return instance.mirroredIn?.includes(client) ?? false;
}

/**
 * The Services in a Linkerd client that callers of the destination address: the Service when
 * it runs there, else the mirrors of the clusters linked to it. Empty when it has neither.
 */
export function linkerdRouteParents(
  topo: Topology,
  client: string,
  dest: { namespace: string; service: string },
): string[] {
  if (topo.instance(dest.namespace, dest.service, client))
    return [dest.service];
  return (topo.service(dest.namespace, dest.service)?.instances ?? [])
    .filter(
      i =>
        topo.reach(client, i.cluster) === 'linkerd-multicluster' &&
        hasMirror(i, client),
    )
    .map(i => mirrorName(dest.service, i.cluster))
    .sort(compareStrings);
}
