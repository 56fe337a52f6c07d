import type {
  FindingObject,
  MeshService,
  MtlsMode,
  ServiceInstance,
} from '@meshport/backstage-plugin-mesh-common';
import { ISTIO_CLUSTER_LABEL, ISTIO_NETWORK_LABEL } from '../../../constants';
import { compareStrings } from '../../../diagnostics';
import { asArray, type Spec } from '../../../verify/clusterConfig';
import type { ClusterObject } from '../../../verify/types';
import type { AnalysisContext } from '../../context';

/** `<name>.<namespace>.svc.cluster.local` → its parts; undefined for any other host. */
function kubeHostParts(
  host: string,
): { namespace: string; name: string } | undefined {
  const m = host.match(/^([^.*]+)\.([^.*]+)\.svc\.cluster\.local$/);
  return m ? { name: m[1], namespace: m[2] } : undefined;
}

/**
 * Lookups the mTLS checks share, built once per check run (never cached across analyses):
 * which clusters a client's calls land in, which services a DestinationRule's host covers,
 * how to name a PeerAuthentication in a finding.
 */
export class MtlsLookups {
  private readonly landing = new Map<string, Set<string>>();
  private readonly gateways = new Map<string, boolean>();
  private byNamespace?: Map<string, MeshService[]>;
  private readonly peerAuthentications = new Map<
    string,
    Map<string, ClusterObject>
  >();

  constructor(readonly ctx: AnalysisContext) {}

  /**
   * The clusters whose endpoints a proxy in `client` holds for a Kubernetes service: its own,
   * and those its istiod reads through a remote secret (multi-primary / primary-remote
   * endpoint discovery; the verifier's FleetView.visibleClusters). Calls land there.
   */
  landingClusters(client: string): Set<string> {
    let set = this.landing.get(client);
    if (!set) {
      const topo = this.ctx.topology;
      set = new Set(
        topo
          .clusterNames()
          .filter(
            c =>
              c === client ||
              topo.reach(client, c) === 'shared-endpoint-discovery',
          ),
      );
      this.landing.set(client, set);
    }
    return set;
  }

  /** Whether the cluster has an east-west gateway with an address (calls from other networks enter there). */
  hasEastWestGateway(cluster: string): boolean {
    let has = this.gateways.get(cluster);
    if (has === undefined) {
      has = this.ctx.topology.eastWestGateways(cluster).length > 0;
      this.gateways.set(cluster, has);
    }
    return has;
  }

  /**
   * The fleet's Kubernetes services a DestinationRule host covers: the one service of an
   * exact host, the services of a namespace for `*.<ns>.svc.cluster.local`, every service for
   * a wider wildcard under `.local` (Istio host matching, pkg/config/host/name.go). Hosts of
   * ServiceEntries are not Kubernetes services and cover none.
   */
  servicesForHost(host: string): MeshService[] {
    if (!host.includes('*')) {
      const parts = kubeHostParts(host);
      const s = parts && this.ctx.topology.service(parts.namespace, parts.name);
      return s ? [s] : [];
    }
    const suffix = host.slice(1); // `*.bookinfo.svc.cluster.local` → `.bookinfo.svc.cluster.local`
    const ns = suffix.match(/^\.([^.]+)\.svc\.cluster\.local$/);
    if (ns) return this.servicesIn(ns[1]);
    if (host === '*' || '.svc.cluster.local'.endsWith(suffix))
      return this.ctx.fleet.services;
    return [];
  }

  private servicesIn(namespace: string): MeshService[] {
    if (!this.byNamespace) {
      this.byNamespace = new Map();
      for (const s of this.ctx.fleet.services) {
        const list = this.byNamespace.get(s.namespace) ?? [];
        list.push(s);
        this.byNamespace.set(s.namespace, list);
      }
    }
    return this.byNamespace.get(namespace) ?? [];
  }

  /**
   * How a finding names the PeerAuthentication that decided an instance's mode: the object
   * itself when the cluster's config holds it, else a reference by name; the Service when the
   * mesh default decided (no PeerAuthentication at all). For Linkerd, the annotated Namespace
   * (or the Service when its pods carry the annotation).
   */
  peerAuthenticationRef(
    cluster: string,
    serviceId: string,
    instance: ServiceInstance,
  ): FindingObject {
    const source = instance.mtls.source;
    const [namespace, name] = source?.split('/') ?? [];
    if (!namespace || !name) return this.ctx.serviceRef(cluster, serviceId);
    if (instance.dataPlaneMode === 'linkerd') {
      // Linkerd's mode comes from the config.linkerd.io/default-inbound-policy annotation:
      // `namespace/<ns>` when the namespace carries it, `<ns>/pod-annotation` for the pods.
      return namespace === 'namespace'
        ? { cluster, apiVersion: 'v1', kind: 'Namespace', name }
        : this.ctx.serviceRef(cluster, serviceId);
    }
    let index = this.peerAuthentications.get(cluster);
    if (!index) {
      index = new Map();
      for (const o of this.ctx.config(cluster).ofKind('PeerAuthentication'))
        index.set(`${o.metadata.namespace ?? 'default'}/${o.metadata.name}`, o);
      this.peerAuthentications.set(cluster, index);
    }
    const live = index.get(source!);
    if (live) return this.ctx.ref(cluster, live);
    return {
      cluster,
      apiVersion: 'security.istio.io/v1',
      kind: 'PeerAuthentication',
      namespace,
      name,
    };
  }

  /**
   * The labels istiod gives a workload's endpoints: its pod labels plus cluster and network
   * (pilot/pkg/serviceregistry/util/label/label.go AugmentLabels).
   */
  endpointLabels(
    cluster: string,
    podLabels: Record<string, string>,
  ): Record<string, string> {
    const topo = this.ctx.topology;
    const network = topo.network(cluster);
    return {
      ...podLabels,
      [ISTIO_CLUSTER_LABEL]: topo.clusterId(cluster),
      ...(network ? { [ISTIO_NETWORK_LABEL]: network } : {}),
    };
  }
}

/** The mode an instance enforces on one service port: a port-level override, else its own. */
export function modeOnPort(instance: ServiceInstance, port: number): MtlsMode {
  return instance.mtls.ports?.[String(port)] ?? instance.mtls.mode;
}

/** Whether every label a subset asks for is on the endpoint. */
export function selects(
  want: Record<string, string>,
  have: Record<string, string>,
): boolean {
  return Object.entries(want).every(([k, v]) => have[k] === v);
}

/** `a, b, c and 4 more`: a list a message can carry on a fleet of thousands. */
export function listed(items: string[], max = 5): string {
  const shown = items.slice(0, max).join(', ');
  return items.length > max ? `${shown} and ${items.length - max} more` : shown;
}

export function sortedUnique(xs: Iterable<string>): string[] {
  return [...new Set(xs)].sort(compareStrings);
}

/** An object field as written, or undefined for anything else (null, a list, a string). */
export function specOf(v: unknown): Spec | undefined {
  return v && typeof v === 'object' && !Array.isArray(v)
    ? (v as Spec)
    : undefined;
}

export { asArray };
