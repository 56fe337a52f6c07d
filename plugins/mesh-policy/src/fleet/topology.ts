import type {
  ClusterLinkKind,
  ControlPlane,
  EastWestGateway,
  Fleet,
  FleetCluster,
  LinkerdLinkMode,
  MeshKind,
  MeshService,
  ServiceInstance,
} from '@meshport/backstage-plugin-mesh-common';
import { mutuallyTrusted } from '@meshport/backstage-plugin-mesh-common';
import { compareStrings } from '../diagnostics';

/** How a client cluster reaches a serving cluster, as the compiler sees it. */
export type Reach = 'local' | ClusterLinkKind;

/**
 * Read-only lookups over a fleet snapshot. Everything the compiler derives from the fleet goes
 * through here, so the rules (which control plane counts, what a link means) live in one place.
 */
export class Topology {
  private readonly clusters = new Map<string, FleetCluster>();
  private readonly services = new Map<string, MeshService>();
  private readonly links = new Map<string, ClusterLinkKind>();
  private readonly linkerdModes = new Map<string, LinkerdLinkMode>();
  /** `<cluster>\0<namespace>` / `<cluster>\0<identity>`, built on first use: every policy asks. */
  private namespaceIndex?: Set<string>;
  private identityIndex?: Set<string>;

  constructor(readonly fleet: Fleet) {
    for (const c of fleet.clusters) this.clusters.set(c.name, c);
    for (const s of fleet.services)
      this.services.set(`${s.namespace}/${s.name}`, s);
    for (const l of fleet.links) {
      this.addLink(l.from, l.to, l.via);
      if (l.via === 'linkerd-multicluster' && l.linkerdMode === 'flat')
        this.linkerdModes.set(`${l.from}\u0000${l.to}`, 'flat');
    }
    // Older snapshots may carry remote secrets but no links; they mean the same thing.
    for (const c of fleet.clusters) {
      for (const cp of c.controlPlanes) {
        for (const remote of cp.readsEndpointsFrom) {
          if (remote !== c.name)
            this.addLink(c.name, remote, 'shared-endpoint-discovery');
        }
      }
    }
  }

  private addLink(from: string, to: string, via: ClusterLinkKind) {
    const key = `${from}\u0000${to}`;
    // Shared endpoints beat a gateway: when both exist the client already sees the endpoints.
    if (!this.links.has(key) || via === 'shared-endpoint-discovery')
      this.links.set(key, via);
  }

  clusterNames(): string[] {
    return [...this.clusters.keys()].sort(compareStrings);
  }

  cluster(name: string): FleetCluster | undefined {
    return this.clusters.get(name);
  }

  /** The control plane that owns the cluster's data plane: the first Istio/Linkerd one, by revision. */
  controlPlane(cluster: string): ControlPlane | undefined {
    const planes = [...(this.clusters.get(cluster)?.controlPlanes ?? [])];
    planes.sort((a, b) =>
      compareStrings(
        `${a.kind}/${a.revision}/${a.namespace}`,
        `${b.kind}/${b.revision}/${b.namespace}`,
      ),
    );
    return planes.find(p => p.revision === 'default') ?? planes[0];
  }

  meshKind(cluster: string): MeshKind | undefined {
    return this.controlPlane(cluster)?.kind;
  }

  /** Istio's `CLUSTER_ID` (the value of `topology.istio.io/cluster`); Backstage's name when unknown. */
  clusterId(cluster: string): string {
    return this.controlPlane(cluster)?.clusterId ?? cluster;
  }

  trustDomain(cluster: string): string {
    return this.controlPlane(cluster)?.trustDomain ?? 'cluster.local';
  }

  /**
   * The trust domains whose peers the cluster's Istio workloads accept: its own and its
   * aliases (`TrustDomainsForValidation`, istio/istio pilot/pkg/networking/plugin/authn/util.go,
   * used for inbound mTLS validation; the same aliases expand the SANs a client expects,
   * `PushContext.addServiceAccounts` in pilot/pkg/model/push_context.go).
   */
  acceptedTrustDomains(cluster: string): string[] {
    return [
      this.trustDomain(cluster),
      ...(this.controlPlane(cluster)?.trustDomainAliases ?? []),
    ];
  }

  rootFingerprint(cluster: string): string | undefined {
    return this.controlPlane(cluster)?.rootCertFingerprint;
  }

  /** Whether each cluster's workloads accept the other's certificates; undefined when a root is unknown. */
  mutuallyTrusted(a: string, b: string): boolean | undefined {
    const pa = this.controlPlane(a);
    const pb = this.controlPlane(b);
    return pa && pb ? mutuallyTrusted(pa, pb) : undefined;
  }

  network(cluster: string): string | undefined {
    return (
      this.controlPlane(cluster)?.network ?? this.clusters.get(cluster)?.network
    );
  }

  reach(from: string, to: string): Reach | undefined {
    if (from === to) return 'local';
    return this.links.get(`${from}\u0000${to}`);
  }

  /**
   * How a Linkerd Link from `from` to `to` carries calls. A Link without a known mode is read
   * as `gateway`: the default of `linkerd multicluster link`, and the mode that hides callers.
   */
  linkerdLinkMode(from: string, to: string): LinkerdLinkMode {
    return this.linkerdModes.get(`${from}\u0000${to}`) ?? 'gateway';
  }

  /** East-west gateways on the port we federate through, in a stable order. */
  eastWestGateways(cluster: string): EastWestGateway[] {
    return [...(this.clusters.get(cluster)?.eastWestGateways ?? [])]
      .filter(g => g.addresses.length > 0)
      .sort((a, b) =>
        compareStrings(`${a.namespace}/${a.name}`, `${b.namespace}/${b.name}`),
      );
  }

  service(namespace: string, name: string): MeshService | undefined {
    return this.services.get(`${namespace}/${name}`);
  }

  instance(
    namespace: string,
    name: string,
    cluster: string,
  ): ServiceInstance | undefined {
    return this.service(namespace, name)?.instances.find(
      i => i.cluster === cluster,
    );
  }

  /** Clusters running the service, sorted. */
  servingClusters(namespace: string, name: string): string[] {
    return (this.service(namespace, name)?.instances ?? [])
      .map(i => i.cluster)
      .sort(compareStrings);
  }

  /** Every identity seen in a cluster (SPIFFE URI, or a Linkerd proxy identity), from all services' workloads. */
  hasIdentity(cluster: string, identity: string): boolean {
    if (!this.identityIndex) {
      this.identityIndex = new Set();
      for (const s of this.fleet.services) {
        for (const i of s.instances) {
          for (const id of i.identities)
            this.identityIndex.add(`${i.cluster}\u0000${id}`);
          for (const w of i.workloads)
            this.identityIndex.add(`${i.cluster}\u0000${w.identity}`);
        }
      }
    }
    return this.identityIndex.has(`${cluster}\u0000${identity}`);
  }

  /**
   * Whether `namespace` exists in `cluster`: a service of it runs there, or Linkerd mirrors one
   * there. Linkerd's service mirror puts `<svc>-<target>` in the exported Service's own
   * namespace, creating it or skipping the mirror when it is absent (linkerd/linkerd2
   * multicluster/service-mirror/cluster_watcher.go, `mirrorNamespaceIfNecessary`), so a mirror
   * proves the namespace.
   */
  hasNamespace(cluster: string, namespace: string): boolean {
    if (!this.namespaceIndex) {
      this.namespaceIndex = new Set();
      for (const s of this.fleet.services) {
        for (const i of s.instances) {
          this.namespaceIndex.add(`${i.cluster}\u0000${s.namespace}`);
          for (const m of i.mirroredIn ?? [])
            this.namespaceIndex.add(`${m}\u0000${s.namespace}`);
        }
      }
    }
    return this.namespaceIndex.has(`${cluster}\u0000${namespace}`);
  }
}

/** The label selector Istio gateways carry by convention: `istio-eastwestgateway` → `istio: eastwestgateway`. */
export function gatewaySelector(
  gateway: EastWestGateway,
): Record<string, string> {
  return { istio: gateway.name.replace(/^istio-/, '') };
}
