import {
  ClusterLink,
  ControlPlane,
  FleetCluster,
  LinkerdLinkMode,
  mutuallyTrusted,
} from '@meshport/backstage-plugin-mesh-common';
import type { DiscoveredControlPlane } from './controlPlanes';

/** Per client cluster, the mode of its Linkerd Link to each server cluster (Backstage names). */
export type LinkerdLinkModes = Map<string, Map<string, LinkerdLinkMode>>;

/** The modes of every Linkerd Link, keyed by Backstage names; unresolved targets are left out. */
export function linkerdLinkModes(
  controlPlanes: Map<string, DiscoveredControlPlane[]>,
  resolve: (id: string) => string | undefined,
): LinkerdLinkModes {
  const modes: LinkerdLinkModes = new Map();
  for (const [cluster, planes] of controlPlanes) {
    for (const cp of planes) {
      for (const [target, mode] of Object.entries(cp.linkerdLinkModes ?? {})) {
        const server = resolve(target);
        if (!server) continue;
        const byServer = modes.get(cluster) ?? new Map();
        // two Links to one cluster: any gateway one hides callers, so it wins
        if (byServer.get(server) !== 'gateway') byServer.set(server, mode);
        modes.set(cluster, byServer);
      }
    }
  }
  return modes;
}

/**
 * Which clusters' clients can reach which clusters' services:
 * - shared endpoint discovery: the client's istiod reads the server's endpoints (remote secret);
 * - Linkerd multicluster: the client has a Link to the server, through the server's gateway or
 *   pod to pod (`linkerdMode`, from `linkerdModes`; a Link whose mode is unknown is left
 *   without one, which readers take as a gateway);
 * - gateway federation: otherwise, when the server exposes an east-west gateway on another
 *   network and each side's root is in the other's trust bundle (one shared root, or
 *   separate meshes that added each other's root), so mTLS through the gateway verifies.
 */
export function buildLinks(
  clusters: FleetCluster[],
  linkerdModes: LinkerdLinkModes = new Map(),
): ClusterLink[] {
  const links: ClusterLink[] = [];
  // a set, not a scan of the links: at 100 federated clusters there are ~10,000 of them
  const linked = new Set<string>();
  const key = (from: string, to: string) => `${from}\u0000${to}`;
  const has = (from: string, to: string) => linked.has(key(from, to));
  const add = (link: ClusterLink) => {
    linked.add(key(link.from, link.to));
    links.push(link);
  };
  const byName = new Map(clusters.map(c => [c.name, c]));
  const planes = (c: FleetCluster, kind: ControlPlane['kind']) =>
    c.controlPlanes.filter(cp => cp.kind === kind);

  for (const client of clusters) {
    for (const kind of ['istio', 'linkerd'] as const) {
      for (const cp of planes(client, kind)) {
        for (const server of cp.readsEndpointsFrom) {
          if (server === client.name || !byName.has(server)) continue;
          if (has(client.name, server)) continue;
          const mode =
            kind === 'linkerd'
              ? linkerdModes.get(client.name)?.get(server)
              : undefined;
          add({
            from: client.name,
            to: server,
            via:
              kind === 'istio'
                ? 'shared-endpoint-discovery'
                : 'linkerd-multicluster',
            ...(mode ? { linkerdMode: mode } : {}),
          });
        }
      }
    }
  }

  for (const client of clusters) {
    const clientPlanes = planes(client, 'istio');
    if (clientPlanes.length === 0) continue;
    for (const server of clusters) {
      if (server.name === client.name || has(client.name, server.name))
        continue;
      const reachableGateway = server.eastWestGateways.some(
        g =>
          g.addresses.length > 0 &&
          (g.network ?? server.network) !== client.network,
      );
      const trusted = planes(server, 'istio').some(sp =>
        clientPlanes.some(cp => mutuallyTrusted(cp, sp)),
      );
      if (reachableGateway && trusted) {
        add({
          from: client.name,
          to: server.name,
          via: 'gateway-federation',
        });
      }
    }
  }

  return links.sort(
    (a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to),
  );
}
