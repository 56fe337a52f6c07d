import type { FindingObject } from '@meshport/backstage-plugin-mesh-common';
import { compareStrings } from '../../../diagnostics';
import type { Check, FindingDraft } from '../../types';
import { listOf, MulticlusterLookups } from './lookups';

/**
 * MESH402: a cluster's proxies get endpoints of another network (its control plane reads a
 * cluster there) but no east-west gateway of that network is known to its control plane.
 *
 * Split-horizon EDS replaces an endpoint of another network by that network's gateways — those
 * of the endpoint's network and cluster, else any of its network — and when there is none it
 * keeps the endpoint with its pod IP (istio/istio pilot/pkg/xds/endpoints/ep_filters.go,
 * `EndpointsByNetworkFilter`, `selectNetworkGateways`). A sidecar then dials a pod IP its network
 * cannot route to; ztunnel in ambient multi-network drops the endpoint. Network gateways come
 * from the registries a control plane reads (pilot/pkg/serviceregistry/aggregate/controller.go,
 * `NetworkGateways`), so a gateway counts only in a cluster the caller's control plane reads.
 */
export const networkWithoutGatewayCheck: Check = {
  code: 'MESH402',
  severity: 'error',
  title: 'Network with endpoints other networks read has no east-west gateway',
  run(ctx) {
    const topo = ctx.topology;
    const lookups = new MulticlusterLookups(topo);
    const gatewayClusters = new Map<string, string[]>();
    for (const c of topo.clusterNames())
      for (const gw of topo.eastWestGateways(c)) {
        const net = lookups.gatewayNetwork(c, gw);
        if (!net) continue;
        const list = gatewayClusters.get(net) ?? [];
        if (!list.includes(c)) list.push(c);
        gatewayClusters.set(net, list);
      }

    // serving network → the callers cut off from it and the clusters they cannot reach there
    const cutOff = new Map<
      string,
      { clients: Set<string>; servers: Set<string> }
    >();
    for (const client of lookups.istioClusters()) {
      const own = topo.network(client);
      if (!own) continue;
      const view = lookups.view(client);
      for (const server of view) {
        const net = topo.network(server);
        // Istio treats a missing network as the caller's own: endpoints are dialled directly.
        if (!net || net === own) continue;
        const reachable = (gatewayClusters.get(net) ?? []).some(g =>
          view.has(g),
        );
        if (reachable) continue;
        if (lookups.servingIn(server).length === 0) continue;
        const entry = cutOff.get(net) ?? {
          clients: new Set<string>(),
          servers: new Set<string>(),
        };
        entry.clients.add(client);
        entry.servers.add(server);
        cutOff.set(net, entry);
      }
    }

    const drafts: FindingDraft[] = [];
    for (const net of [...cutOff.keys()].sort(compareStrings)) {
      const { clients, servers } = cutOff.get(net)!;
      const callers = [...clients].sort(compareStrings);
      const serving = [...servers].sort(compareStrings);
      const services = [
        ...new Set(
          serving.flatMap(s =>
            lookups.servingIn(s).map(x => `${x.namespace}/${x.name}`),
          ),
        ),
      ].sort(compareStrings);
      const elsewhere = [...(gatewayClusters.get(net) ?? [])].sort(
        compareStrings,
      );
      const noAddress = serving.flatMap(s =>
        (topo.cluster(s)?.eastWestGateways ?? [])
          .filter(g => !(g.addresses?.length > 0))
          .map(g => `${g.namespace}/${g.name} in cluster ${s}`),
      );
      const planeNs = (c: string) =>
        topo.controlPlane(c)?.namespace ?? 'istio-system';
      const objects: FindingObject[] = serving.map(s => ({
        cluster: s,
        apiVersion: 'v1',
        kind: 'Namespace',
        name: planeNs(s),
      }));
      drafts.push({
        message: [
          `Cluster ${listOf(callers, 8)} (network ${listOf(
            [...new Set(callers.map(c => topo.network(c)!))].sort(
              compareStrings,
            ),
          )}) read${
            callers.length === 1 ? 's' : ''
          } the endpoints of cluster ${listOf(
            serving,
            8,
          )} on network ${net}, but no east-west gateway of network ${net} is known to ${
            callers.length === 1 ? 'its' : 'their'
          } control plane`,
          elsewhere.length > 0
            ? ` (cluster ${listOf(
                elsewhere,
              )} has one, but its endpoints are not read there)`
            : '',
          noAddress.length > 0
            ? ` (east-west gateway ${listOf(
                noAddress,
              )} has no external address yet)`
            : '',
          `: Istio sends requests for network ${net}'s endpoints straight to their pod IPs, which another network cannot reach, so calls to ${
            services.length
          } service${services.length === 1 ? '' : 's'} served there (${listOf(
            services,
          )}) time out or fail with 503 whenever they land on network ${net}.`,
        ].join(''),
        fix: [
          `Install an east-west gateway in cluster ${listOf(
            serving,
            8,
          )} labelled topology.istio.io/network=${net} (Istio's samples/multicluster/gen-eastwest-gateway.sh --network ${net}),`,
          `give it an external address and expose services through it with an AUTO_PASSTHROUGH Gateway on port 15443 (samples/multicluster/expose-services.yaml);`,
          `or, if the pods of both networks can in fact reach each other, label the ${planeNs(
            serving[0],
          )} namespaces of all these clusters with the same topology.istio.io/network.`,
        ].join(' '),
        objects,
        services,
        clusters: callers,
        keyParts: [net],
      });
    }
    return drafts;
  },
};
