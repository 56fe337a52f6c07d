import type { Fleet } from '@meshport/backstage-plugin-mesh-common';
import { compareStrings } from '../diagnostics';
import { Topology } from '../fleet/topology';
import { authorize, waypointPrincipal } from './authz';
import {
  asArray,
  ClusterConfig,
  fqdn,
  ROOT_NAMESPACE,
  Spec,
} from './clusterConfig';
import {
  EndpointGroup,
  FleetView,
  kubeHost,
  registryEndpoints,
} from './endpoints';
import { firstMatchingRoute } from './route';
import { acceptedTrustDomains, handshake } from './trust';
import type {
  AuthzOutcome,
  GatewayHop,
  Leg,
  TlsOutcome,
  Trace,
  TraceRequest,
  VerifierInputs,
} from './types';

function subsetOf(want: Record<string, string>, have: Record<string, string>) {
  return Object.entries(want).every(([k, v]) => have[k] === v);
}

/** The default SNI of Istio mTLS: `outbound_.<port>_.<subset>_.<host>` (pilot/pkg/model/service.go BuildDNSSrvSubsetKey). */
function istioSni(port: number, subset: string | undefined, host: string) {
  return `outbound_.${port}_.${subset ?? ''}_.${host}`;
}

/**
 * Expands what a user types after `--to` as the caller's DNS would: `reviews` and
 * `reviews.bookinfo` are Kubernetes services (search domains) when the fleet has them; any
 * other name (a ServiceEntry host such as `reviews.global`) is taken as written.
 */
function normalizeHost(
  topo: Topology,
  host: string,
  callerNamespace: string,
): string {
  const h = host.trim().toLowerCase();
  const parts = h.split('.');
  if (parts.length === 1) return `${h}.${callerNamespace}.svc.cluster.local`;
  if (parts.length === 2 && topo.service(parts[1], parts[0]))
    return `${h}.svc.cluster.local`;
  if (parts.length === 3 && parts[2] === 'svc') return `${h}.cluster.local`;
  return h;
}

const WORST = { allow: 0, unknown: 1, deny: 2 } as const;

/**
 * Answers "where does this request go?" the way Istio would build it from the objects each
 * cluster holds. Pure: it reads the fleet and the given objects and nothing else.
 */
export class Verifier {
  readonly topo: Topology;
  private readonly view: FleetView;
  private readonly configs = new Map<string, ClusterConfig>();
  private readonly registries = new Map<
    string,
    ReturnType<typeof registryEndpoints>
  >();

  constructor(
    fleet: Fleet | Topology,
    private readonly inputs: VerifierInputs,
  ) {
    this.topo = fleet instanceof Topology ? fleet : new Topology(fleet);
    this.view = new FleetView(this.topo);
  }

  config(cluster: string): ClusterConfig {
    let c = this.configs.get(cluster);
    if (!c) {
      c = new ClusterConfig(this.inputs.resources[cluster] ?? []);
      this.configs.set(cluster, c);
    }
    return c;
  }

  /** A cluster's endpoints for `host:port`, computed once per verifier. */
  private registry(cluster: string, host: string, port: number) {
    const key = `${cluster}\u0000${host}\u0000${port}`;
    let r = this.registries.get(key);
    if (!r) {
      r = registryEndpoints(
        this.view,
        this.config(cluster),
        cluster,
        host,
        port,
      );
      this.registries.set(key, r);
    }
    return r;
  }

  trace(input: TraceRequest): Trace {
    const req = {
      ...input,
      host: normalizeHost(this.topo, input.host, input.from.namespace),
    };
    const notes: string[] = [];
    const fail = (failure: string): Trace => ({
      request: req,
      legs: [],
      failure,
      notes,
      ok: false,
    });
    const topo = this.topo;
    const client = req.from.cluster;
    if (!topo.cluster(client)) return fail(`unknown cluster ${client}`);
    const mesh = topo.meshKind(client);
    if (mesh === 'linkerd')
      return fail(
        `${client} runs Linkerd: the verifier models Istio only; Linkerd routes are checked by the compiler's rules`,
      );
    const mode = req.from.mode ?? 'sidecar';
    const cfg = this.config(client);

    // Ambient and unmeshed callers do not apply VirtualServices themselves: ztunnel is L4 and
    // routing needs a waypoint (Istio docs, ambient "Configure waypoint proxies").
    const kube = kubeHost(req.host);
    const destWaypoint =
      kube &&
      topo.service(kube.namespace, kube.name)?.instances.some(i => i.waypoint);
    const appliesRoutes =
      mesh === 'istio' && (mode === 'sidecar' || destWaypoint);
    if (!appliesRoutes && cfg.virtualServices(req.host).length > 0)
      notes.push(
        `the caller is ${
          mode === 'ambient' ? 'an ambient workload' : 'not in the mesh'
        } and ${req.host} has no waypoint: its VirtualService is not applied`,
      );

    let destinations: {
      host: string;
      subset?: string;
      port?: number;
      weight: number;
    }[];
    let route: Trace['route'];
    const vss = appliesRoutes ? cfg.virtualServices(req.host) : [];
    // Discovery lists hand-written routing config by name only: say when some was not given.
    const unseenRouting = (
      (kube && topo.instance(kube.namespace, kube.name, client)?.config) ||
      []
    )
      .filter(
        c =>
          !c.meshportPolicy &&
          (c.kind === 'VirtualService' || c.kind === 'DestinationRule') &&
          !cfg.has(c.kind, c.namespace, c.name),
      )
      .map(c => `${c.kind} ${c.namespace}/${c.name}`);
    if (unseenRouting.length > 0)
      notes.push(
        `hand-written ${unseenRouting.join(', ')} on ${client} touches ${
          req.host
        } and was not given to the verifier: routing may differ`,
      );
    if (vss.length > 1)
      notes.push(
        `${vss.length} VirtualServices claim ${req.host} on ${client} (${vss
          .map(v => v.id)
          .join(', ')}): sidecars use one of them; ${vss[0].id} is assumed`,
      );
    if (vss.length > 0) {
      const vs = vss[0];
      const hit = firstMatchingRoute(vs.spec, req);
      if (!hit) {
        return {
          ...fail(
            `no route of VirtualService ${vs.id} matches ${
              req.method ?? 'GET'
            } ${req.path ?? '/'}: Envoy answers 404 (NR, no route)`,
          ),
          route: { virtualService: vs.id },
        };
      }
      const vsNamespace = vs.id.split('/')[0];
      route = {
        virtualService: vs.id,
        route: typeof hit.route.name === 'string' ? hit.route.name : undefined,
        index: hit.index,
        timeout:
          typeof hit.route.timeout === 'string' ? hit.route.timeout : undefined,
      };
      const dests = asArray<Spec>(hit.route.route);
      if (dests.length === 0) {
        let what = 'has no destination';
        if (hit.route.redirect) what = 'redirects';
        if (hit.route.directResponse) what = 'answers directly';
        return {
          ...fail(
            `route ${route.route ?? hit.index} of ${
              vs.id
            } ${what}: the request reaches no service`,
          ),
          route,
        };
      }
      // A lone destination carries all traffic; several split by their weights
      // (networking/v1 VirtualService, HTTPRouteDestination.weight).
      const implied = dests.length === 1 ? 100 : 0;
      destinations = dests.map(d => {
        const dest = (d.destination ?? {}) as Spec;
        const port = (dest.port as Spec | undefined)?.number;
        return {
          host: fqdn(String(dest.host ?? ''), vsNamespace),
          subset: typeof dest.subset === 'string' ? dest.subset : undefined,
          port: typeof port === 'number' ? port : undefined,
          weight: typeof d.weight === 'number' ? d.weight : implied,
        };
      });
    } else {
      destinations = [{ host: req.host, weight: 100 }];
    }

    const legs: Leg[] = [];
    destinations.forEach((d, i) => {
      legs.push(...this.destinationLegs(req, i, d, mode, notes));
    });
    const ok = legs.length > 0 && legs.every(l => !l.failure);
    return { request: req, route, legs, notes: [...new Set(notes)], ok };
  }

  private destinationLegs(
    req: TraceRequest,
    index: number,
    d: { host: string; subset?: string; port?: number; weight: number },
    mode: string,
    notes: string[],
  ): Leg[] {
    const client = req.from.cluster;
    const port = d.port ?? req.port;
    const base = {
      destination: index,
      host: d.host,
      subset: d.subset,
      endpointLabels: [],
      readyEndpoints: 0,
      localities: [],
    };
    if (d.weight === 0) return [];
    const cfg = this.config(client);
    const reg = this.registry(client, d.host, port);
    if (!reg.known) {
      return [
        {
          ...base,
          share: d.weight,
          failure: `${client} knows no service ${d.host}: Envoy has no cluster for it (503 NC, or passthrough when the mesh allows any outbound)`,
          failureKind: 'route',
        },
      ];
    }
    const dr = cfg.destinationRule(d.host, req.from.namespace);
    let groups = reg.groups;
    if (d.subset) {
      const subset = dr?.subsets.find(s => s.name === d.subset);
      if (!subset) {
        return [
          {
            ...base,
            share: d.weight,
            failure: `subset ${d.subset} of ${
              d.host
            } is defined by no DestinationRule ${client} sees${
              dr
                ? ` (${dr.id} has ${
                    dr.subsets.map(s => s.name).join(', ') || 'none'
                  })`
                : ''
            }: the route names cluster outbound|${port}|${d.subset}|${
              d.host
            }, which does not exist (503 NC)`,
            failureKind: 'route',
          },
        ];
      }
      groups = groups.filter(g => subsetOf(subset.labels, g.labels));
    }
    groups = groups.filter(g => g.ready > 0);
    // A caller outside the mesh goes through kube-proxy, which knows its own cluster's pods only.
    if (mode === 'none') groups = groups.filter(g => g.cluster === client);
    const total = groups.reduce((n, g) => n + g.ready, 0);
    if (total === 0) {
      return [
        {
          ...base,
          share: d.weight,
          failure: `no ready endpoint of ${d.host}${
            d.subset ? ` subset ${d.subset}` : ''
          } in ${client}'s view: Envoy answers 503 (UH, no healthy upstream)`,
          failureKind: 'route',
        },
      ];
    }
    // Envoy spreads requests over endpoints; a gateway endpoint stands for the remote
    // endpoints behind it (ep_filters.go weighs it by their count).
    const byTarget = new Map<string, EndpointGroup[]>();
    for (const g of groups) {
      const key = `${g.kind === 'gateway' ? 'gw' : 'ep'}\u0000${
        g.cluster
      }\u0000${g.address ?? ''}`;
      byTarget.set(key, [...(byTarget.get(key) ?? []), g]);
    }
    const legs: Leg[] = [];
    for (const key of [...byTarget.keys()].sort(compareStrings)) {
      const gs = byTarget.get(key)!;
      const ready = gs.reduce((n, g) => n + g.ready, 0);
      const leg: Leg = {
        ...base,
        share: (d.weight * ready) / total,
        cluster: gs[0].cluster,
        endpointLabels: gs.map(g => g.labels),
        readyEndpoints: ready,
        localities: [
          ...new Set(gs.map(g => g.locality).filter((x): x is string => !!x)),
        ],
      };
      this.travel(
        req,
        leg,
        gs,
        port,
        dr?.trafficPolicy,
        dr?.subsets.find(s => s.name === d.subset)?.trafficPolicy,
        mode,
        notes,
      );
      legs.push(leg);
    }
    return legs;
  }

  /** Fills in how a leg travels, its TLS and the serving side's authorization. */
  private travel(
    req: TraceRequest,
    leg: Leg,
    groups: EndpointGroup[],
    port: number,
    trafficPolicy: Spec | undefined,
    subsetPolicy: Spec | undefined,
    mode: string,
    notes: string[],
  ) {
    const topo = this.topo;
    const client = req.from.cluster;
    const first = groups[0];
    let serving = groups;
    if (first.kind === 'gateway') {
      const behind = this.crossGateway(
        leg,
        first.cluster,
        first.address!,
        port,
        notes,
      );
      if (!behind) return;
      serving = behind;
    } else if (first.cluster === client || first.kind === 'dns') {
      leg.travel = 'local';
    } else {
      const net = (c: string) => topo.network(c);
      if (
        !net(first.cluster) ||
        !net(client) ||
        net(first.cluster) === net(client)
      ) {
        leg.travel = 'same-network';
      } else {
        // Split-horizon EDS: an endpoint on another network is replaced by that network's
        // east-west gateway (pilot/pkg/xds/endpoints/ep_filters.go EndpointsByNetworkFilter).
        const gw = topo.eastWestGateways(first.cluster)[0];
        if (!gw) {
          leg.travel = 'direct-unreachable';
          leg.failure = `${first.cluster} is on network ${net(
            first.cluster,
          )}, ${client} on ${net(client)}, and ${
            first.cluster
          } has no east-west gateway: Istio sends to the pod IPs directly, which the caller cannot reach (connect timeout / 503 UF)`;
          leg.failureKind = 'transport';
          return;
        }
        const behind = this.crossGateway(
          leg,
          first.cluster,
          [...gw.addresses].sort(compareStrings)[0],
          port,
          notes,
        );
        if (!behind) return;
        serving = behind;
      }
    }

    leg.tls = this.tls(
      req,
      leg,
      groups,
      serving,
      trafficPolicy,
      subsetPolicy,
      mode,
    );
    if (!leg.tls.ok) {
      leg.failure = leg.tls.reason;
      leg.failureKind = 'transport';
      return;
    }
    leg.authz = this.authz(req, leg, serving);
    if (leg.authz.decision === 'deny') {
      leg.failure = `denied (403 RBAC): ${leg.authz.reason}`;
      leg.failureKind = 'authz';
    } else if (leg.authz.decision === 'unknown') {
      notes.push(leg.authz.reason);
    }
  }

  /**
   * Sends a leg through `cluster`'s east-west gateway at `address`: records the hop and the
   * endpoints behind it, or the transport failure. Returns those endpoints, or undefined when
   * the gateway resets the connection.
   */
  private crossGateway(
    leg: Leg,
    cluster: string,
    address: string,
    port: number,
    notes: string[],
  ): EndpointGroup[] | undefined {
    leg.travel = 'east-west-gateway';
    const hop = this.gatewayHop(
      cluster,
      address,
      leg.host,
      port,
      leg.subset,
      notes,
    );
    leg.gateway = hop.hop;
    if (hop.failure) {
      leg.failure = hop.failure;
      leg.failureKind = 'transport';
      return undefined;
    }
    leg.endpointLabels = hop.behind.map(g => g.labels);
    return hop.behind;
  }

  /**
   * An AUTO_PASSTHROUGH east-west gateway forwards by SNI to the SNI-DNAT clusters it built
   * from its own cluster's registry and the DestinationRules visible there
   * (pilot/pkg/networking/core/cluster.go buildOutboundSniDnatClusters); an SNI with no
   * cluster has no filter chain and the connection is reset. It forwards to endpoints of its
   * own network only.
   */
  private gatewayHop(
    cluster: string,
    address: string,
    host: string,
    port: number,
    subset: string | undefined,
    notes: string[],
  ): { hop: GatewayHop; behind: EndpointGroup[]; failure?: string } {
    const topo = this.topo;
    const gw = topo
      .eastWestGateways(cluster)
      .find(g => g.addresses.includes(address));
    const sni = istioSni(port, subset, host);
    const hop: GatewayHop = {
      cluster,
      gateway: gw ? `${gw.namespace}/${gw.name}` : address,
      address,
      sni,
      hasChain: false,
    };
    const cfg = this.config(cluster);
    const reset = (why: string) => ({
      hop,
      behind: [],
      failure: `east-west gateway ${hop.gateway} (${address}) of ${cluster} has no filter chain for SNI ${sni}: ${why}; the connection is reset`,
    });
    if (cfg.passthroughGateways(host).length === 0) {
      if (kubeHost(host)) {
        notes.push(
          `${cluster}: assuming the east-west gateway exposes *.local with AUTO_PASSTHROUGH (Istio's multi-network install, cross-network-gateway)`,
        );
      } else {
        return reset(
          `no Gateway with an AUTO_PASSTHROUGH server lists ${host} on ${cluster}`,
        );
      }
    }
    const reg = this.registry(cluster, host, port);
    if (!reg.known)
      return reset(`${cluster} has no service ${host} on port ${port}`);
    let groups = reg.groups;
    if (subset) {
      const dr = cfg.destinationRule(host, gw?.namespace ?? ROOT_NAMESPACE);
      const def = dr?.subsets.find(s => s.name === subset);
      if (!def)
        return reset(
          `no DestinationRule on ${cluster} defines subset ${subset} for ${host}${
            dr
              ? ` (${dr.id} has ${
                  dr.subsets.map(s => s.name).join(', ') || 'none'
                })`
              : ''
          }`,
        );
      groups = groups.filter(g => subsetOf(def.labels, g.labels));
    }
    hop.hasChain = true;
    const network = topo.network(cluster);
    const behind = groups.filter(
      g =>
        g.ready > 0 &&
        g.kind !== 'gateway' &&
        (!network || !g.network || g.network === network),
    );
    if (behind.length === 0)
      return {
        hop,
        behind,
        failure: `east-west gateway ${hop.gateway} of ${cluster} has the chain for ${sni} but no ready endpoint of it on its network: 503 (UH)`,
      };
    return { hop, behind };
  }

  private tls(
    req: TraceRequest,
    leg: Leg,
    clientView: EndpointGroup[],
    serving: EndpointGroup[],
    trafficPolicy: Spec | undefined,
    subsetPolicy: Spec | undefined,
    mode: string,
  ): TlsOutcome {
    const topo = this.topo;
    const client = req.from.cluster;
    const server = serving[0].cluster;
    const serverMeshed = serving.every(
      g => g.mode === 'sidecar' || g.mode === 'ambient',
    );
    const drMode = (
      (subsetPolicy?.tls ?? trafficPolicy?.tls) as Spec | undefined
    )?.mode;
    let tlsMode: string;
    let mtls: boolean;
    if (mode === 'ambient') {
      // ztunnel always speaks HBONE (mTLS) to meshed peers.
      tlsMode = 'HBONE';
      mtls = serverMeshed;
    } else if (mode !== 'sidecar') {
      tlsMode = 'plaintext (caller not in the mesh)';
      mtls = false;
    } else if (typeof drMode === 'string') {
      tlsMode = drMode;
      mtls = drMode === 'ISTIO_MUTUAL';
    } else {
      // Auto mTLS sends Istio mTLS only to endpoints labelled security.istio.io/tlsMode=istio
      // (pilot/pkg/networking/core/cluster_tls.go, the tlsMode transport socket match;
      // pilot/pkg/xds/endpoints/mtls_checker.go).
      tlsMode = 'auto';
      mtls = clientView.every(
        g => g.mode === 'sidecar' || g.mode === 'ambient',
      );
    }
    if (leg.travel === 'east-west-gateway' && !mtls) {
      return {
        mode: tlsMode,
        mtls,
        ok: false,
        reason: `the caller sends plaintext (TLS ${tlsMode}) to the east-west gateway of ${leg.gateway?.cluster}, whose AUTO_PASSTHROUGH server routes by the SNI of Istio mTLS only: reset; set tls.mode ISTIO_MUTUAL in the DestinationRule`,
      };
    }
    const instance = serving[0].service?.instance;
    if (!mtls && instance?.mtls.mode === 'STRICT' && serverMeshed) {
      return {
        mode: tlsMode,
        mtls,
        ok: false,
        reason: `${server} requires mTLS for ${serving[0].service?.name} (PeerAuthentication STRICT) and the caller sends plaintext: connection reset`,
      };
    }
    if (!mtls) return { mode: tlsMode, mtls, ok: true };
    const h = handshake(
      topo,
      this.inputs.meshSettings,
      client,
      server,
      !!kubeHost(leg.host),
    );
    return { mode: tlsMode, mtls, ok: h.ok, reason: h.reason ?? h.note };
  }

  private authz(
    req: TraceRequest,
    leg: Leg,
    serving: EndpointGroup[],
  ): AuthzOutcome {
    const topo = this.topo;
    const client = req.from.cluster;
    const worst: AuthzOutcome[] = [];
    for (const g of serving) {
      if (!g.service) {
        worst.push({
          enforcer: 'none',
          decision: 'unknown',
          reason: `the endpoint ${
            g.address ?? ''
          } is outside the fleet: its authorization is not known`,
        });
        continue;
      }
      const { namespace, name, instance } = g.service;
      const cfg = this.config(g.cluster);
      // Discovery resolves `istio.io/use-waypoint` (Service, else namespace) to the Gateway.
      const waypoint = instance.waypoint;
      const principal = leg.tls?.mtls
        ? `${topo.trustDomain(client)}/ns/${req.from.namespace}/sa/${
            req.from.serviceAccount ?? 'default'
          }`
        : undefined;
      worst.push(
        authorize(cfg, {
          namespace,
          service: name,
          labels: g.labels,
          mode: g.mode,
          waypoint,
          principal,
          waypointPrincipal:
            waypoint && waypointPrincipal(topo, g.cluster, waypoint),
          trustDomains: acceptedTrustDomains(
            topo,
            g.cluster,
            this.inputs.meshSettings?.[g.cluster],
          ),
          method: req.method ?? 'GET',
          path: (req.path ?? '/').split('?')[0],
          targetPort: g.targetPort,
          headers: Object.fromEntries(
            Object.entries(req.headers ?? {}).map(([k, v]) => [
              k.toLowerCase(),
              v,
            ]),
          ),
          unseen: instance.config
            .filter(
              c =>
                c.kind === 'AuthorizationPolicy' &&
                c.apiVersion.includes('istio.io') &&
                !c.meshportPolicy,
            )
            .map(c => `${c.namespace}/${c.name}`)
            .filter(id => !cfg.hasAuthorizationPolicy(id)),
        }),
      );
    }
    return worst.sort((a, b) => WORST[b.decision] - WORST[a.decision])[0];
  }
}
