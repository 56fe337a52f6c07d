import type {
  DataPlaneMode,
  MeshService,
  ServiceInstance,
} from '@meshport/backstage-plugin-mesh-common';
import { ISTIO_CLUSTER_LABEL, ISTIO_NETWORK_LABEL } from '../constants';
import { compareStrings } from '../diagnostics';
import { Topology } from '../fleet/topology';
import { asArray, ClusterConfig, Spec, stringRecord } from './clusterConfig';

const TLS_MODE_LABEL = 'security.istio.io/tlsMode';

/** A set of endpoints with the same labels, as one proxy's registry holds them. */
export interface EndpointGroup {
  /**
   * `pod`: workload endpoints of a cluster; `gateway`: an east-west gateway address standing
   * for a remote cluster; `dns`: a hostname Envoy resolves (a local Service's name).
   */
  kind: 'pod' | 'gateway' | 'dns';
  /** The cluster whose workloads answer. */
  cluster: string;
  labels: Record<string, string>;
  /** LB weight: ready pods for `pod`, one per address otherwise (Envoy weighs endpoints equally). */
  ready: number;
  network?: string;
  address?: string;
  targetPort: number | string;
  mode: DataPlaneMode;
  locality?: string;
  /** The Kubernetes service behind the endpoints, when known. */
  service?: { namespace: string; name: string; instance: ServiceInstance };
  serviceAccount?: string;
}

/** `<svc>.<ns>.svc.cluster.local` → service and namespace. */
export function kubeHost(
  host: string,
): { name: string; namespace: string } | undefined {
  const m = host.match(/^([^.]+)\.([^.]+)\.svc\.cluster\.local$/);
  return m ? { name: m[1], namespace: m[2] } : undefined;
}

function localityOf(
  topo: Topology,
  cluster: string,
  instance?: ServiceInstance,
) {
  const known = [...(instance?.localities ?? [])].sort(compareStrings)[0];
  if (known) return known;
  const c = topo.cluster(cluster);
  const region = c && [...c.regions].sort(compareStrings)[0];
  const zone = c && [...c.zones].sort(compareStrings)[0];
  if (!region) return undefined;
  return zone ? `${region}/${zone}` : region;
}

/**
 * The workload endpoints of one service instance, labelled as istiod labels them: the pod's
 * labels plus `topology.istio.io/cluster` and `topology.istio.io/network`
 * (pilot/pkg/serviceregistry/util/label/label.go AugmentLabels).
 */
export function instanceEndpoints(
  topo: Topology,
  namespace: string,
  name: string,
  cluster: string,
  port: number,
): EndpointGroup[] {
  const instance = topo.instance(namespace, name, cluster);
  const servicePort = instance?.ports.find(p => p.port === port);
  if (!instance || !servicePort) return [];
  const extra: Record<string, string> = {
    [ISTIO_CLUSTER_LABEL]: topo.clusterId(cluster),
  };
  const network = topo.network(cluster);
  if (network) extra[ISTIO_NETWORK_LABEL] = network;
  const base = {
    kind: 'pod' as const,
    cluster,
    network,
    targetPort: servicePort.targetPort ?? port,
    locality: localityOf(topo, cluster, instance),
    service: { namespace, name, instance },
  };
  if (instance.workloads.length === 0) {
    return [
      {
        ...base,
        labels: { ...instance.selector, ...extra },
        ready: instance.endpoints.ready,
        mode: instance.dataPlaneMode,
      },
    ];
  }
  return instance.workloads.map(w => ({
    ...base,
    labels: { ...w.labels, ...extra },
    ready: w.pods.ready,
    mode: w.dataPlaneMode,
    serviceAccount: w.serviceAccount,
  }));
}

/**
 * Lookups over the fleet the verifier repeats for every request, computed once per verifier
 * (a fleet of thousands of services is otherwise scanned per leg).
 */
export class FleetView {
  private readonly visible = new Map<string, string[]>();
  private owners?: Map<
    string,
    { cluster: string; gateway: string; network?: string }
  >;

  private namespaces?: Map<string, MeshService[]>;

  constructor(readonly topo: Topology) {}

  /** The services of one namespace, for ServiceEntries that select pods by labels. */
  servicesIn(namespace: string): MeshService[] {
    if (!this.namespaces) {
      this.namespaces = new Map();
      for (const s of this.topo.fleet.services)
        this.namespaces.set(s.namespace, [
          ...(this.namespaces.get(s.namespace) ?? []),
          s,
        ]);
    }
    return this.namespaces.get(namespace) ?? [];
  }

  /**
   * Which clusters' endpoints a proxy in `client` sees for a Kubernetes service: its own, and
   * those of every cluster its istiod reads through a remote secret (multi-primary /
   * primary-remote endpoint discovery).
   */
  visibleClusters(client: string): string[] {
    let list = this.visible.get(client);
    if (!list) {
      list = this.topo
        .clusterNames()
        .filter(
          c =>
            c === client ||
            this.topo.reach(client, c) === 'shared-endpoint-discovery',
        );
      this.visible.set(client, list);
    }
    return list;
  }

  /** The cluster whose east-west gateway listens on `address`. */
  gatewayOwner(
    address: string,
  ): { cluster: string; gateway: string; network?: string } | undefined {
    if (!this.owners) {
      this.owners = new Map();
      for (const c of this.topo.clusterNames()) {
        for (const g of this.topo.eastWestGateways(c)) {
          for (const a of g.addresses) {
            if (!this.owners.has(a))
              this.owners.set(a, {
                cluster: c,
                gateway: `${g.namespace}/${g.name}`,
                network: g.network ?? this.topo.network(c),
              });
          }
        }
      }
    }
    return this.owners.get(address);
  }
}

/**
 * The endpoints one cluster's proxies hold for `host:port`: a Kubernetes service through the
 * clusters its control plane reads, else the ServiceEntries of that cluster
 * (pilot/pkg/serviceregistry/serviceentry: `endpoints` as given, `workloadSelector` selecting
 * the cluster's pods in the entry's namespace).
 */
export function registryEndpoints(
  view: FleetView,
  config: ClusterConfig,
  cluster: string,
  host: string,
  port: number,
): { groups: EndpointGroup[]; known: boolean; serviceEntry?: Spec } {
  const topo = view.topo;
  const kube = kubeHost(host);
  if (kube && topo.service(kube.namespace, kube.name)) {
    const groups = view
      .visibleClusters(cluster)
      .flatMap(c =>
        instanceEndpoints(topo, kube.namespace, kube.name, c, port),
      );
    const known = view
      .visibleClusters(cluster)
      .some(c => topo.instance(kube.namespace, kube.name, c));
    return { groups, known };
  }
  const entries = config.serviceEntries(host);
  const groups: EndpointGroup[] = [];
  for (const se of entries) {
    const sePort = asArray<Spec>(se.spec.ports).find(p => p.number === port);
    if (!sePort) continue;
    for (const e of asArray<Spec>(se.spec.endpoints)) {
      const address = String(e.address ?? '');
      const labels = stringRecord(e.labels);
      const ports = stringRecord(
        Object.fromEntries(
          Object.entries((e.ports ?? {}) as Record<string, unknown>).map(
            ([k, v]) => [k, String(v)],
          ),
        ),
      );
      const target =
        ports[String(sePort.name)] ?? String(sePort.targetPort ?? port);
      const locality = typeof e.locality === 'string' ? e.locality : undefined;
      const owner = view.gatewayOwner(address);
      if (owner) {
        groups.push({
          kind: 'gateway',
          cluster: owner.cluster,
          labels,
          ready: 1,
          network: typeof e.network === 'string' ? e.network : owner.network,
          address,
          targetPort: Number(target) || target,
          mode: labels[TLS_MODE_LABEL] === 'istio' ? 'sidecar' : 'none',
          locality,
        });
        continue;
      }
      const local = kubeHost(address);
      if (local && topo.instance(local.namespace, local.name, cluster)) {
        const inst = topo.instance(local.namespace, local.name, cluster)!;
        groups.push({
          kind: 'dns',
          cluster,
          labels,
          ready: inst.endpoints.ready > 0 ? 1 : 0,
          network: topo.network(cluster),
          address,
          targetPort: Number(target) || target,
          mode: inst.dataPlaneMode,
          locality,
          service: {
            namespace: local.namespace,
            name: local.name,
            instance: inst,
          },
        });
        continue;
      }
      // An address the fleet knows nothing about: reachable as far as we can tell, not ours to judge.
      groups.push({
        kind: 'dns',
        cluster,
        labels,
        ready: 1,
        address,
        targetPort: Number(target) || target,
        mode: 'none',
        locality,
      });
    }
    const selector = stringRecord(
      (se.spec.workloadSelector as Spec | undefined)?.labels,
    );
    if (Object.keys(selector).length > 0) {
      for (const s of view.servicesIn(se.namespace)) {
        const inst = s.instances.find(i => i.cluster === cluster);
        // Pods carry their Service's selector labels: a Service selecting other values has none.
        if (
          !inst ||
          Object.entries(selector).some(
            ([k, v]) =>
              inst.selector[k] !== undefined && inst.selector[k] !== v,
          )
        )
          continue;
        for (const g of instanceEndpoints(
          topo,
          s.namespace,
          s.name,
          cluster,
          inst.ports.find(p => p.port === port)?.port ??
            inst.ports[0]?.port ??
            port,
        )) {
          if (!Object.entries(selector).every(([k, v]) => g.labels[k] === v))
            continue;
          groups.push({
            ...g,
            targetPort:
              (sePort.targetPort as number | undefined) ?? g.targetPort,
          });
        }
      }
    }
  }
  return {
    groups,
    known: entries.length > 0,
    serviceEntry: entries[0]?.spec,
  };
}
