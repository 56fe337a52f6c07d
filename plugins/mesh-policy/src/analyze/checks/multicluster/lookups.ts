import type {
  EastWestGateway,
  MeshService,
  ServicePort,
} from '@meshport/backstage-plugin-mesh-common';
import { compareStrings } from '../../../diagnostics';
import type { Topology } from '../../../fleet/topology';

/**
 * Lookups the multi-cluster checks share, built once per analysis from the topology. Every
 * per-cluster answer is computed for all clusters at once (a fleet has tens of clusters, not
 * thousands), so the checks can walk fifty thousand services without asking again.
 */
export class MulticlusterLookups {
  private readonly views = new Map<string, Set<string>>();
  private servicesByCluster?: Map<string, MeshService[]>;

  constructor(readonly topology: Topology) {
    const names = topology.clusterNames();
    const own = new Map<string, Set<string>>();
    for (const c of names) {
      if (topology.meshKind(c) !== 'istio') continue;
      const view = new Set([c]);
      for (const other of names)
        if (topology.reach(c, other) === 'shared-endpoint-discovery')
          view.add(other);
      own.set(c, view);
    }
    for (const c of names) {
      const view = own.get(c);
      if (!view) continue;
      if (!topology.controlPlane(c)?.external) {
        this.views.set(c, view);
        continue;
      }
      // A remote cluster's proxies are configured by the primary's istiod (primary-remote):
      // they see what the primaries reading this cluster see.
      const merged = new Set(view);
      for (const [primary, pv] of own)
        if (
          primary !== c &&
          pv.has(c) &&
          !topology.controlPlane(primary)?.external
        )
          for (const x of pv) merged.add(x);
      this.views.set(c, merged);
    }
  }

  /**
   * The clusters whose Kubernetes services the proxies of `cluster` see, merged by hostname:
   * its own and those its Istio control plane reads through remote secrets. Empty for a
   * cluster that runs no Istio.
   */
  view(cluster: string): ReadonlySet<string> {
    return this.views.get(cluster) ?? new Set();
  }

  /** Istio clusters, sorted: the callers whose view the checks consider. */
  istioClusters(): string[] {
    return [...this.views.keys()].sort(compareStrings);
  }

  /**
   * The clusters whose proxies see the service in more than one of `clusters` at once (Istio's
   * aggregate registry merges them into one service), sorted.
   */
  mergedBy(clusters: readonly string[]): string[] {
    const out: string[] = [];
    for (const [client, view] of this.views) {
      let seen = 0;
      for (const c of clusters) if (view.has(c)) seen++;
      if (seen >= 2) out.push(client);
    }
    return out.sort(compareStrings);
  }

  /** The services with ready endpoints in a cluster: where a caller's requests can land. */
  servingIn(cluster: string): MeshService[] {
    if (!this.servicesByCluster) {
      this.servicesByCluster = new Map();
      for (const s of this.topology.fleet.services)
        for (const i of s.instances ?? []) {
          if (!(i?.endpoints?.ready > 0)) continue;
          const list = this.servicesByCluster.get(i.cluster) ?? [];
          list.push(s);
          this.servicesByCluster.set(i.cluster, list);
        }
    }
    return this.servicesByCluster.get(cluster) ?? [];
  }

  /** The network of an east-west gateway: its own `topology.istio.io/network`, else its cluster's. */
  gatewayNetwork(cluster: string, gw: EastWestGateway): string | undefined {
    return gw.network ?? this.topology.network(cluster);
  }
}

/** Ports Istio never sniffs: a port without a protocol here is TCP (pkg/config/kube/conversion.go). */
const WELL_KNOWN_PORTS = new Set([25, 53, 3306, 27017]);

const PROTOCOLS: Record<string, string> = {
  tcp: 'TCP',
  udp: 'UDP',
  grpc: 'GRPC',
  'grpc-web': 'GRPC-Web',
  http: 'HTTP',
  http_proxy: 'HTTP_PROXY',
  http2: 'HTTP2',
  https: 'HTTPS',
  tls: 'TLS',
  mongo: 'Mongo',
  redis: 'Redis',
  mysql: 'MySQL',
};

/**
 * The protocol Istio gives a Kubernetes service port, as `ConvertProtocol`
 * (istio/istio pkg/config/kube/conversion.go) decides it: UDP from the port's protocol, else
 * `appProtocol`, else the name's prefix before the first `-` (`grpc-web` whole); neither
 * known means sniffed at runtime ("auto"), except on a few well-known ports read as TCP.
 */
export function istioPortProtocol(port: ServicePort): string {
  if (String(port.protocol ?? '').toUpperCase() === 'UDP') return 'UDP';
  let hint = typeof port.appProtocol === 'string' ? port.appProtocol : '';
  if (hint === 'kubernetes.io/h2c') return 'HTTP2';
  if (hint === 'kubernetes.io/ws') return 'HTTP';
  if (hint === 'kubernetes.io/wss') return 'HTTPS';
  if (!hint) hint = typeof port.name === 'string' ? port.name : '';
  hint = hint.toLowerCase();
  const known = hint.startsWith('grpc-web')
    ? PROTOCOLS['grpc-web']
    : PROTOCOLS[hint.split('-')[0]];
  if (known) return known;
  return WELL_KNOWN_PORTS.has(port.port) ? 'TCP' : 'auto';
}

/** Istio host matching for a Gateway's hosts: exact, `*`, or a `*.suffix` wildcard (pkg/config/host/name.go). */
export function hostCovers(pattern: string, host: string): boolean {
  const bare = pattern.includes('/')
    ? pattern.slice(pattern.indexOf('/') + 1)
    : pattern;
  if (bare === '*') return true;
  if (bare.startsWith('*')) return host.endsWith(bare.slice(1));
  return bare === host;
}

/** `a, b and c`, or the first few and how many more: messages stay readable at fleet scale. */
export function listOf(items: readonly string[], max = 5): string {
  if (items.length === 0) return '';
  if (items.length === 1) return items[0];
  if (items.length <= max)
    return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
  return `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

export const asArray = <T>(v: unknown): T[] =>
  Array.isArray(v) ? (v.filter(x => x !== null && x !== undefined) as T[]) : [];

export const asRecord = (v: unknown): Record<string, unknown> =>
  v && typeof v === 'object' && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : {};
