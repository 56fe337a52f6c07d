import {
  ClusterLink,
  ControlPlane,
  FleetCluster,
  mutuallyTrusted,
} from '@meshport/backstage-plugin-mesh-common';

/**
 * Which clusters' clients can reach which clusters' services:
 * - shared endpoint discovery: the client's istiod reads the server's endpoints (remote secret);
 * - Linkerd multicluster: the client has a Link to the server;
 * - gateway federation: otherwise, when the server exposes an east-west gateway on another
 *   network and each side's root is in the other's trust bundle (one shared root, or
 *   separate meshes that added each other's root), so mTLS through the gateway verifies.
 */
export function buildLinks(clusters: FleetCluster[]): ClusterLink[] {
  const links: ClusterLink[] = [];
  const has = (from: string, to: string) =>
    links.some(l => l.from === from && l.to === to);
  const byName = new Map(clusters.map(c => [c.name, c]));
  const planes = (c: FleetCluster, kind: ControlPlane['kind']) =>
    c.controlPlanes.filter(cp => cp.kind === kind);

  for (const client of clusters) {
    for (const kind of ['istio', 'linkerd'] as const) {
      for (const cp of planes(client, kind)) {
        for (const server of cp.readsEndpointsFrom) {
          if (server === client.name || !byName.has(server)) continue;
          if (has(client.name, server)) continue;
          links.push({
            from: client.name,
            to: server,
            via:
              kind === 'istio'
                ? 'shared-endpoint-discovery'
                : 'linkerd-multicluster',
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
        links.push({
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
