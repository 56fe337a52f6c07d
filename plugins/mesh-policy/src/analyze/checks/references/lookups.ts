import type { MeshService } from '@meshport/backstage-plugin-mesh-common';
import { DEFAULT_EXCLUDED_NAMESPACES } from '@meshport/backstage-plugin-mesh-common';
import { compareStrings } from '../../../diagnostics';
import {
  asArray,
  fqdn,
  ROOT_NAMESPACE,
  Spec,
  stringRecord,
} from '../../../verify/clusterConfig';
import { kubeHost } from '../../../verify/endpoints';
import type { ClusterObject } from '../../../verify/types';
import type { AnalysisContext } from '../../context';

/**
 * Lookups the reference checks (MESH1xx) share, built once per check run from the analysis
 * context and indexed, so no check scans the fleet per object. Pure.
 */

export function specOf(o: ClusterObject): Spec {
  return o.spec && typeof o.spec === 'object' && !Array.isArray(o.spec)
    ? o.spec
    : {};
}

export function namespaceOf(o: ClusterObject): string {
  return o.metadata.namespace ?? 'default';
}

/** Hand-written YAML may hold anything: only strings are names. */
export function strings(v: unknown): string[] {
  return asArray<unknown>(v).filter(
    (x): x is string => typeof x === 'string' && x.length > 0,
  );
}

/** Istio's own kinds, not Gateway API's `Gateway` or Linkerd's `AuthorizationPolicy`. */
export function isIstio(o: ClusterObject): boolean {
  return (o.apiVersion ?? 'networking.istio.io').includes('istio.io');
}

/** How findings name an object: `<Kind> <namespace>/<name> in cluster <c>`. */
export function describeObject(o: ClusterObject, cluster: string): string {
  return `${o.kind} ${namespaceOf(o)}/${o.metadata.name} in cluster ${cluster}`;
}

export function list(xs: readonly string[]): string {
  return xs.length === 0 ? 'none' : xs.join(', ');
}

/** Istio host matching: exact, or a `*.suffix` wildcard (pkg/config/host/name.go). */
export function hostMatches(pattern: string, host: string): boolean {
  if (pattern === '*') return true;
  if (pattern.startsWith('*')) return host.endsWith(pattern.slice(1));
  return pattern === host;
}

/** Whether a VirtualService is applied by sidecars: no `gateways`, or `mesh` among them. */
export function appliesToSidecars(spec: Spec): boolean {
  const gateways = strings(spec.gateways);
  return gateways.length === 0 || gateways.includes('mesh');
}

/** One destination a VirtualService sends requests (or mirrored copies) to. */
export interface RouteDestination {
  /** The host as written. */
  written: string;
  /** The host resolved in the VirtualService's namespace (ResolveShortnameToFQDN). */
  host: string;
  subset?: string;
  port?: number;
  /** `http`, `tcp`, `tls` or `http mirror`; with `route`, where to find it in the spec. */
  section: 'http' | 'tcp' | 'tls' | 'http mirror';
  route: number;
  /** Index in the route's `route` list (what a trace leg's `destination` counts). */
  index: number;
}

function destinationOf(
  d: unknown,
  namespace: string,
  at: Omit<RouteDestination, 'written' | 'host' | 'subset' | 'port'>,
): RouteDestination | undefined {
  if (!d || typeof d !== 'object') return undefined;
  const dest = d as Spec;
  if (typeof dest.host !== 'string' || dest.host.trim() === '')
    return undefined;
  const port = (dest.port as Spec | undefined)?.number;
  return {
    ...at,
    written: dest.host,
    host: fqdn(dest.host.trim().toLowerCase(), namespace),
    ...(typeof dest.subset === 'string' && dest.subset !== ''
      ? { subset: dest.subset }
      : {}),
    ...(typeof port === 'number' ? { port } : {}),
  };
}

/**
 * Every destination of a VirtualService: `http`, `tcp` and `tls` routes and HTTP mirrors, as
 * Istio's analyzer walks them (pkg/config/analysis/analyzers/virtualservice/util.go
 * getRouteDestinations, getHTTPMirrorDestinations). Malformed entries are skipped.
 */
export function routeDestinations(o: ClusterObject): RouteDestination[] {
  const spec = specOf(o);
  const namespace = namespaceOf(o);
  const out: RouteDestination[] = [];
  for (const section of ['http', 'tcp', 'tls'] as const) {
    asArray<Spec>(spec[section]).forEach((route, r) => {
      if (typeof route !== 'object') return;
      asArray<Spec>(route.route).forEach((rd, i) => {
        const d = destinationOf(rd?.destination, namespace, {
          section,
          route: r,
          index: i,
        });
        if (d) out.push(d);
      });
      if (section !== 'http') return;
      const mirrors = [
        route.mirror,
        ...asArray<Spec>(route.mirrors).map(m => m?.destination),
      ];
      mirrors.forEach((m, i) => {
        const d = destinationOf(m, namespace, {
          section: 'http mirror',
          route: r,
          index: i,
        });
        if (d) out.push(d);
      });
    });
  }
  return out;
}

/** A VirtualService's or DestinationRule's hosts, resolved in its namespace. */
export function hostsOf(o: ClusterObject): string[] {
  const spec = specOf(o);
  const written =
    o.kind === 'DestinationRule' ? strings([spec.host]) : strings(spec.hosts);
  return written.map(h => fqdn(h.trim().toLowerCase(), namespaceOf(o)));
}

/** `spiffe://td/ns/x/sa/y` → `ns/x/sa/y`; undefined for other identities (Linkerd's). */
function identityKey(identity: string): string | undefined {
  const m = identity.match(/^spiffe:\/\/[^/]+\/(ns\/[^/]+\/sa\/[^/]+)$/);
  return m?.[1];
}

export class ReferenceLookups {
  private readonly sortedAccounts = new Map<string, string[]>();
  private readonly labelIndexes = new Map<
    string,
    { all: string[]; byLabel: Map<string, Set<string>> }
  >();
  private reachable = new Map<string, string[]>();
  private namespaceSet?: Set<string>;
  private identityIndex?: Map<string, Set<string>>;
  private accountSet?: Set<string>;
  private accountsByNamespace?: Map<string, Set<string>>;
  private trustDomainSet?: Set<string>;
  private byNamespace?: Map<string, MeshService[]>;
  private gatewayIndex = new Map<string, Set<string>>();
  private drIndex = new Map<
    string,
    { exact: Map<string, ClusterObject[]>; wild: ClusterObject[] }
  >();

  constructor(readonly ctx: AnalysisContext) {}

  /** Clusters `from` reaches (itself included), sorted: remote secrets, gateway federation, Links. */
  reachableFrom(from: string): string[] {
    let found = this.reachable.get(from);
    if (!found) {
      const topo = this.ctx.topology;
      found = topo
        .clusterNames()
        .filter(c => topo.reach(from, c) !== undefined);
      if (!found.includes(from)) found = [from, ...found].sort(compareStrings);
      this.reachable.set(from, found);
    }
    return found;
  }

  /**
   * Whether `cluster`'s proxies know `host` (MESH101's question): a Kubernetes service of a
   * cluster it reaches, or a ServiceEntry of its own config.
   */
  hostKnown(cluster: string, host: string): boolean {
    // The service first: most hosts are services, and the question is two map lookups.
    const kube = kubeHost(host);
    if (kube && this.runsWithin(cluster, kube.namespace, kube.name))
      return true;
    return this.ctx.config(cluster).serviceEntries(host).length > 0;
  }

  /** Whether the service runs in `cluster` or a cluster it reaches. */
  runsWithin(cluster: string, namespace: string, name: string): boolean {
    const reach = this.reachableFrom(cluster);
    return (
      this.ctx.topology
        .service(namespace, name)
        ?.instances.some(i => reach.includes(i.cluster)) ?? false
    );
  }

  /** `<namespace>/<name>` of the fleet's services that the hosts name. */
  servicesOfHosts(hosts: readonly string[]): string[] {
    const ids = new Set<string>();
    for (const h of hosts) {
      const s = this.ctx.serviceForHost(h);
      if (s) ids.add(`${s.namespace}/${s.name}`);
    }
    return [...ids].sort(compareStrings);
  }

  /**
   * Namespaces known to exist somewhere: where services run or Linkerd mirrors them, where
   * config objects live, control planes, east-west gateways and waypoints, and the namespaces
   * discovery leaves out of the fleet by default (their services are not listed, they exist).
   */
  namespaceExists(namespace: string): boolean {
    if (!this.namespaceSet) {
      const set = new Set<string>(DEFAULT_EXCLUDED_NAMESPACES);
      const fleet = this.ctx.fleet;
      for (const s of fleet.services) {
        set.add(s.namespace);
        for (const i of s.instances)
          if (i.waypoint) set.add(i.waypoint.namespace);
      }
      for (const c of fleet.clusters) {
        for (const p of c.controlPlanes) set.add(p.namespace);
        for (const g of c.eastWestGateways) set.add(g.namespace);
      }
      for (const c of this.ctx.clustersWithConfig())
        for (const o of this.ctx.objects(c)) set.add(namespaceOf(o));
      this.namespaceSet = set;
    }
    return this.namespaceSet.has(namespace);
  }

  /** Every namespace known to exist, for wildcard patterns. */
  allNamespaces(): string[] {
    this.namespaceExists('');
    return [...this.namespaceSet!];
  }

  private identities(): Map<string, Set<string>> {
    if (!this.identityIndex) {
      this.identityIndex = new Map();
      this.accountSet = new Set();
      this.accountsByNamespace = new Map();
      for (const s of this.ctx.fleet.services) {
        for (const i of s.instances) {
          const ids = [...i.identities, ...i.workloads.map(w => w.identity)];
          for (const id of ids) {
            const key = typeof id === 'string' ? identityKey(id) : undefined;
            if (!key) continue;
            const set = this.identityIndex.get(key) ?? new Set<string>();
            set.add(s.id ?? `${s.namespace}/${s.name}`);
            this.identityIndex.set(key, set);
            const [, ns, , sa] = key.split('/');
            this.accountSet.add(sa);
            const accounts = this.accountsByNamespace.get(ns) ?? new Set();
            accounts.add(sa);
            this.accountsByNamespace.set(ns, accounts);
          }
        }
      }
    }
    return this.identityIndex;
  }

  /** Whether some workload of the fleet runs as `ns/<ns>/sa/<sa>` (any trust domain, any cluster). */
  identityExists(key: string): boolean {
    return this.identities().has(key);
  }

  /** Services whose workloads run as `ns/<ns>/sa/<sa>` (any trust domain, any cluster). */
  servicesWithIdentity(key: string): string[] {
    return [...(this.identities().get(key) ?? [])].sort(compareStrings);
  }

  /** Whether any workload of the fleet runs as service account `sa`, in any namespace. */
  serviceAccountExists(sa: string): boolean {
    this.identities();
    return this.accountSet!.has(sa);
  }

  /** Service accounts workloads of a namespace run as, in any cluster, sorted. */
  serviceAccountsIn(namespace: string): string[] {
    this.identities();
    // sorted once per namespace: a policy repeated across thousands of services asks again
    let sorted = this.sortedAccounts.get(namespace);
    if (!sorted) {
      sorted = [...(this.accountsByNamespace!.get(namespace) ?? [])].sort(
        compareStrings,
      );
      this.sortedAccounts.set(namespace, sorted);
    }
    return sorted;
  }

  /** Trust domains some cluster of the fleet accepts (its own and aliases). */
  trustDomainAccepted(td: string): boolean {
    if (!this.trustDomainSet) {
      const topo = this.ctx.topology;
      this.trustDomainSet = new Set(
        topo.clusterNames().flatMap(c => topo.acceptedTrustDomains(c)),
      );
    }
    return this.trustDomainSet.has(td);
  }

  private gatewayNamespaces = new Map<string, string>();

  /**
   * The namespace of a cluster's east-west gateway (the root namespace when unknown): where
   * its proxy looks DestinationRules up from, as the verifier takes it.
   */
  eastWestNamespace(cluster: string): string {
    let ns = this.gatewayNamespaces.get(cluster);
    if (ns === undefined) {
      ns =
        this.ctx.topology.eastWestGateways(cluster)[0]?.namespace ??
        ROOT_NAMESPACE;
      this.gatewayNamespaces.set(cluster, ns);
    }
    return ns;
  }

  /** `<namespace>/<name>` of the Istio Gateways of a cluster. */
  istioGateways(cluster: string): Set<string> {
    let set = this.gatewayIndex.get(cluster);
    if (!set) {
      set = new Set(
        this.ctx
          .config(cluster)
          .ofKind('Gateway')
          .filter(isIstio)
          .map(o => `${namespaceOf(o)}/${o.metadata.name}`),
      );
      this.gatewayIndex.set(cluster, set);
    }
    return set;
  }

  /** The DestinationRules of a cluster whose host covers `host`. */
  destinationRulesFor(cluster: string, host: string): ClusterObject[] {
    let index = this.drIndex.get(cluster);
    if (!index) {
      index = { exact: new Map(), wild: [] };
      for (const o of this.ctx.config(cluster).ofKind('DestinationRule')) {
        if (!isIstio(o)) continue;
        for (const h of hostsOf(o)) {
          if (h.includes('*')) index.wild.push(o);
          else {
            const group = index.exact.get(h);
            if (group) group.push(o);
            else index.exact.set(h, [o]);
          }
        }
      }
      this.drIndex.set(cluster, index);
    }
    return [
      ...(index.exact.get(host) ?? []),
      ...index.wild.filter(o => hostsOf(o).some(p => hostMatches(p, host))),
    ];
  }

  /**
   * The services an AuthorizationPolicy applies to: those of its namespace whose pods its
   * `selector.matchLabels` select (all of them without a selector; none in the root
   * namespace, where the policy is mesh-wide and owned by whoever owns the mesh).
   */
  servicesOfPolicy(o: ClusterObject, cluster: string): string[] {
    const selector = stringRecord(
      (specOf(o).selector as Spec | undefined)?.matchLabels,
    );
    const index = this.labelIndex(cluster, namespaceOf(o));
    const wanted = Object.entries(selector).map(([k, v]) => `${k}=${v}`);
    if (wanted.length === 0) return index.all;
    // every label must be carried (by the Service's selector or a workload of it): intersect
    // the services carrying each, smallest first, so a policy costs what it selects
    const sets = wanted
      .map(label => index.byLabel.get(label) ?? new Set<string>())
      .sort((a, b) => a.size - b.size);
    return [...sets[0]]
      .filter(id => sets.every(set => set.has(id)))
      .sort(compareStrings);
  }

  /**
   * The services of one namespace running in one cluster, and for each `key=value` label the
   * ones carrying it (on their selector or a workload): built once per namespace and cluster,
   * since a fleet has thousands of policies per namespace.
   */
  private labelIndex(cluster: string, namespace: string) {
    const key = `${cluster}\u0000${namespace}`;
    let index = this.labelIndexes.get(key);
    if (!index) {
      if (!this.byNamespace) {
        this.byNamespace = new Map();
        for (const s of this.ctx.fleet.services) {
          const group = this.byNamespace.get(s.namespace);
          if (group) group.push(s);
          else this.byNamespace.set(s.namespace, [s]);
        }
      }
      const all: string[] = [];
      const byLabel = new Map<string, Set<string>>();
      const add = (label: string, id: string) => {
        const set = byLabel.get(label);
        if (set) set.add(id);
        else byLabel.set(label, new Set([id]));
      };
      for (const s of this.byNamespace.get(namespace) ?? []) {
        const id = `${s.namespace}/${s.name}`;
        for (const i of s.instances) {
          if (i.cluster !== cluster) continue;
          all.push(id);
          for (const [k, v] of Object.entries(i.selector)) add(`${k}=${v}`, id);
          for (const w of i.workloads)
            for (const [k, v] of Object.entries(w.labels)) add(`${k}=${v}`, id);
        }
      }
      index = { all: [...new Set(all)].sort(compareStrings), byLabel };
      this.labelIndexes.set(key, index);
    }
    return index;
  }
}

export { kubeHost };
