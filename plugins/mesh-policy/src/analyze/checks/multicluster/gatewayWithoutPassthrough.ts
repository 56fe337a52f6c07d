import type {
  EastWestGateway,
  FindingObject,
} from '@meshport/backstage-plugin-mesh-common';
import { compareStrings } from '../../../diagnostics';
import type { ClusterObject } from '../../../verify/types';
import { serviceHost, type AnalysisContext } from '../../context';
import type { Check, FindingDraft } from '../../types';
import {
  asArray,
  asRecord,
  hostCovers,
  listOf,
  MulticlusterLookups,
} from './lookups';

/** The labels Istio's east-west gateway install gives its pods (samples/multicluster/gen-eastwest-gateway.sh). */
function gatewayLabels(
  gw: EastWestGateway,
  network: string | undefined,
): Record<string, string> {
  return {
    istio: gw.name.replace(/^istio-/, ''),
    app: gw.name,
    ...(network ? { 'topology.istio.io/network': network } : {}),
  };
}

interface Passthrough {
  gateway: ClusterObject;
  port: number | undefined;
  hosts: string[];
}

/** AUTO_PASSTHROUGH servers of Istio Gateways, split by whether their selector picks this gateway. */
function passthroughServers(
  objects: ClusterObject[],
  labels: Record<string, string>,
): { mine: Passthrough[]; unknown: Passthrough[] } {
  const mine: Passthrough[] = [];
  const unknown: Passthrough[] = [];
  for (const o of objects) {
    if (o.apiVersion && !o.apiVersion.includes('networking.istio.io')) continue;
    const spec = asRecord(o.spec);
    const selector = asRecord(spec.selector);
    // An Istio Gateway applies to every gateway pod its selector is a subset of, in any
    // namespace by default (PILOT_SCOPE_GATEWAY_TO_NAMESPACE=false); no selector picks all
    // (pilot/pkg/model/push_context.go, mergeGateways).
    const picks = Object.entries(selector).every(([k, v]) => labels[k] === v);
    for (const s of asArray<unknown>(spec.servers)) {
      const server = asRecord(s);
      if (asRecord(server.tls).mode !== 'AUTO_PASSTHROUGH') continue;
      const number = asRecord(server.port).number;
      const entry: Passthrough = {
        gateway: o,
        port: typeof number === 'number' ? number : undefined,
        hosts: asArray<unknown>(server.hosts).filter(
          (h): h is string => typeof h === 'string',
        ),
      };
      (picks ? mine : unknown).push(entry);
    }
  }
  return { mine, unknown };
}

/**
 * Per client cluster, the hosts of its ServiceEntries by endpoint address: gateway federation
 * points a federated host at the serving cluster's east-west gateway address. Built once per
 * client, on first use.
 */
class FederatedHosts {
  private readonly byClient = new Map<string, Map<string, string[]>>();

  constructor(private readonly ctx: AnalysisContext) {}

  through(client: string, addresses: readonly string[]): string[] {
    let index = this.byClient.get(client);
    if (!index) {
      index = new Map();
      for (const se of this.ctx.config(client).ofKind('ServiceEntry')) {
        const spec = asRecord(se.spec);
        const hosts = asArray<unknown>(spec.hosts).filter(
          (h): h is string => typeof h === 'string' && !h.includes('*'),
        );
        for (const e of asArray<unknown>(spec.endpoints)) {
          const address = asRecord(e).address;
          if (typeof address !== 'string') continue;
          index.set(address, [...(index.get(address) ?? []), ...hosts]);
        }
      }
      this.byClient.set(client, index);
    }
    return addresses.flatMap(a => index!.get(a) ?? []);
  }
}

const HBONE_PORT = 15008;

/** A host only a wildcard over every `<name>.<namespace>.svc.cluster.local` covers. */
const KUBE_HOST_PROBE = '\u0000.\u0000.svc.cluster.local';

function check(
  ctx: AnalysisContext,
  lookups: MulticlusterLookups,
  cluster: string,
  gw: EastWestGateway,
  withConfig: Set<string>,
  federated: FederatedHosts,
): FindingDraft | undefined {
  const topo = ctx.topology;
  const net = lookups.gatewayNetwork(cluster, gw);
  // Callers whose requests go through this gateway: control planes that read this cluster
  // from another network (the gateway stands for its network's endpoints), and clusters that
  // federate with it through ServiceEntries pointing at its address.
  const crossNetwork = net
    ? lookups
        .istioClusters()
        .filter(
          c =>
            c !== cluster &&
            lookups.view(c).has(cluster) &&
            !!topo.network(c) &&
            topo.network(c) !== net,
        )
    : [];
  const federating = topo
    .clusterNames()
    .filter(
      c => c !== cluster && topo.reach(c, cluster) === 'gateway-federation',
    );
  if (crossNetwork.length === 0 && federating.length === 0) return undefined;

  const { mine, unknown } = passthroughServers(
    ctx.config(cluster).ofKind('Gateway'),
    gatewayLabels(gw, net),
  );
  // A passthrough Gateway whose selector names labels we cannot see on the gateway may well
  // select it: say nothing rather than claim a listener is missing.
  if (mine.length === 0 && unknown.length > 0) return undefined;
  const onPort = mine.filter(p => p.port === gw.port);
  const covered = (host: string) =>
    onPort.some(p => p.hosts.some(pat => hostCovers(pat, host)));
  // One wildcard covering every Kubernetes service host (`*.local`, Istio's sample) spares
  // walking the services behind the gateway.
  const everyService = covered(KUBE_HOST_PROBE);

  // host → service id (empty for a federated host of no Kubernetes service)
  const hosts = new Map<string, string>();
  const behind = [cluster];
  // The gateway also stands for same-network clusters its control plane reads that have no
  // gateway of their own (selectNetworkGateways: network and cluster first, then network).
  for (const x of lookups.view(cluster))
    if (
      x !== cluster &&
      topo.network(x) === net &&
      topo.eastWestGateways(x).length === 0 &&
      crossNetwork.some(c => lookups.view(c).has(x))
    )
      behind.push(x);
  if (crossNetwork.length > 0 && !everyService)
    for (const x of behind)
      for (const s of lookups.servingIn(x))
        hosts.set(serviceHost(s.namespace, s.name), `${s.namespace}/${s.name}`);
  for (const c of federating)
    if (withConfig.has(c))
      for (const h of federated.through(c, gw.addresses))
        if (!hosts.has(h))
          hosts.set(h, ctx.serviceForHost(h) ? ctx.serviceForHost(h)!.id : '');
  const uncovered = [...hosts.keys()]
    .filter(h => !covered(h))
    .sort(compareStrings);
  if (uncovered.length === 0) return undefined;

  const gwName = `${gw.namespace}/${gw.name}`;
  const gwRef: FindingObject = {
    cluster,
    apiVersion: 'v1',
    kind: 'Service',
    namespace: gw.namespace,
    name: gw.name,
  };
  const existing = onPort[0] ?? mine[0];
  const gatewayId = existing
    ? `Gateway ${existing.gateway.metadata.namespace ?? 'default'}/${
        existing.gateway.metadata.name
      } in cluster ${cluster}`
    : undefined;
  let what: string;
  if (onPort.length > 0) {
    what = `the AUTO_PASSTHROUGH listener of ${gatewayId} on port ${
      gw.port
    } lists only ${listOf(
      [...new Set(onPort.flatMap(p => p.hosts))].sort(compareStrings),
    )}, which leaves out ${uncovered.length} host${
      uncovered.length === 1 ? '' : 's'
    } routed through it (${listOf(uncovered)})`;
  } else if (existing) {
    what = `${gatewayId} sets AUTO_PASSTHROUGH on port ${
      existing.port ?? '(none)'
    }, not on port ${gw.port}, the port callers dial`;
  } else {
    what = `no Gateway in cluster ${cluster} gives it an AUTO_PASSTHROUGH listener on port ${gw.port}`;
  }
  const callers = [...new Set([...crossNetwork, ...federating])].sort(
    compareStrings,
  );
  const wanted = [
    ...new Set(
      uncovered.map(h =>
        h.endsWith('.local') ? '*.local' : `*.${h.split('.').pop()}`,
      ),
    ),
  ].sort(compareStrings);
  const server = `a server with port {number: ${
    gw.port
  }, name: tls, protocol: TLS}, tls.mode AUTO_PASSTHROUGH and hosts [${wanted
    .map(h => `"${h}"`)
    .join(', ')}]`;
  const services = [...new Set(uncovered.map(h => hosts.get(h)!))]
    .filter(Boolean)
    .sort(compareStrings);
  return {
    // The gateway's mTLS port is served by an AUTO_PASSTHROUGH server only: it routes by the
    // SNI of Istio mTLS to the SNI-DNAT clusters it builds for the hosts it lists
    // (pilot/pkg/networking/core/gateway.go, cluster.go buildOutboundSniDnatClusters); without
    // one, nothing listens there, and an SNI with no chain is reset.
    message: `East-west gateway ${gwName} of cluster ${cluster}${
      net ? ` (network ${net})` : ''
    } carries requests from cluster ${listOf(callers, 8)}, but ${what}: ${
      onPort.length > 0
        ? 'it has no filter chain for their SNI and resets the connection'
        : `nothing listens on port ${gw.port}, so the connection is refused`
    }, and every request that lands behind it fails.`,
    fix: existing
      ? `In cluster ${cluster}, change ${gatewayId!.replace(
          ` in cluster ${cluster}`,
          '',
        )} to have ${server}.`
      : `In cluster ${cluster}, apply a Gateway (networking.istio.io/v1) in namespace ${
          gw.namespace
        } with selector istio: ${gw.name.replace(
          /^istio-/,
          '',
        )} and ${server} — Istio's samples/multicluster/expose-services.yaml.`,
    objects: existing ? [ctx.ref(cluster, existing.gateway), gwRef] : [gwRef],
    services,
    clusters: callers,
  };
}

/**
 * MESH403: an east-west gateway other networks route through, without the AUTO_PASSTHROUGH
 * listener that makes it forward their mTLS by SNI. Only for clusters whose config is known.
 */
export const gatewayWithoutPassthroughCheck: Check = {
  code: 'MESH403',
  severity: 'error',
  title:
    'East-west gateway has no AUTO_PASSTHROUGH listener for the hosts routed through it',
  run(ctx) {
    const lookups = new MulticlusterLookups(ctx.topology);
    const withConfig = new Set(ctx.clustersWithConfig());
    const federated = new FederatedHosts(ctx);
    const drafts: FindingDraft[] = [];
    for (const cluster of withConfig)
      for (const gw of ctx.topology.eastWestGateways(cluster)) {
        // An ambient east-west gateway takes HBONE on 15008 from a Gateway API Gateway of
        // class istio-east-west (pkg/config/constants EastWestGatewayClassName), not an
        // AUTO_PASSTHROUGH server.
        if (gw.port === HBONE_PORT) continue;
        const draft = check(ctx, lookups, cluster, gw, withConfig, federated);
        if (draft) drafts.push(draft);
      }
    return drafts;
  },
};
