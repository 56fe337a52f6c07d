/**
 * What Linkerd figures need from the fleet, pure: which workloads to select for a service,
 * and who the peer of a series is. Linkerd's metrics name proxies (an identity, a workload)
 * and Kubernetes services of the caller's cluster, never a peer's cluster, so discovery's
 * workloads and mirrors fill that in.
 */
import {
  type ClusterRef,
  type Fleet,
  type ServiceRef,
} from '@meshport/backstage-plugin-mesh-common';
import { ClusterIdResolver } from '@meshport/backstage-plugin-mesh-node';
import {
  LinkerdScope,
  LinkerdWorkloadLabel,
  WORKLOAD_LABEL_BY_KIND,
} from '../promql/linkerd';

/**
 * The Linkerd scope of `service` among `clusters`: the workloads of its instances whose data
 * plane is Linkerd. Undefined when there is none, so Istio-only services cost no extra query.
 */
export function linkerdScopeOf(
  fleet: Pick<Fleet, 'services'>,
  service: ServiceRef,
  clusters: string[],
): LinkerdScope | undefined {
  const entry = fleet.services.find(
    s => s.namespace === service.namespace && s.name === service.name,
  );
  const workloads: Partial<Record<LinkerdWorkloadLabel, string[]>> = {};
  let any = false;
  for (const instance of entry?.instances ?? []) {
    if (
      instance.dataPlaneMode !== 'linkerd' ||
      !clusters.includes(instance.cluster)
    ) {
      continue;
    }
    for (const w of instance.workloads) {
      const label = WORKLOAD_LABEL_BY_KIND[w.kind];
      if (!label || w.name.length === 0) continue;
      const names = (workloads[label] ??= []);
      if (!names.includes(w.name)) names.push(w.name);
      any = true;
    }
  }
  return any ? { namespace: service.namespace, workloads } : undefined;
}

/** `<sa>.<ns>.serviceaccount.identity.<control-plane-ns>.<trust-domain>`, Linkerd's proxy identity. */
const LINKERD_IDENTITY = /^([^.]+)\.([^.]+)\.serviceaccount\.identity\./;

export function parseLinkerdIdentity(
  identity: string,
): { serviceAccount: string; namespace: string } | undefined {
  const m = LINKERD_IDENTITY.exec(identity);
  return m ? { serviceAccount: m[1], namespace: m[2] } : undefined;
}

interface MeshedWorkload {
  namespace: string;
  service: string;
  cluster: string;
  serviceAccount: string;
  identity: string;
}

export interface Peer {
  peer: ServiceRef;
  peerCluster: ClusterRef;
}

const UNKNOWN = 'unknown';

/**
 * The identity of Linkerd's multicluster gateway as installed by the linkerd-multicluster
 * extension (service account `linkerd-gateway` in namespace `linkerd-multicluster`).
 */
function isMulticlusterGateway(id: {
  serviceAccount: string;
  namespace: string;
}): boolean {
  return (
    id.serviceAccount === 'linkerd-gateway' &&
    id.namespace === 'linkerd-multicluster'
  );
}

/** Resolves clusters and peers of Linkerd series against one fleet. */
export class LinkerdPeers {
  private readonly clusterNames: Set<string>;
  private readonly ids: ClusterIdResolver;
  private readonly workloads: MeshedWorkload[] = [];
  private readonly fleet: Pick<Fleet, 'clusters' | 'services'> &
    Partial<Pick<Fleet, 'links'>>;

  constructor(
    fleet: Pick<Fleet, 'clusters' | 'services'> & Partial<Pick<Fleet, 'links'>>,
  ) {
    this.fleet = fleet;
    this.clusterNames = new Set(fleet.clusters.map(c => c.name));
    this.ids = new ClusterIdResolver(fleet);
    for (const s of fleet.services) {
      for (const i of s.instances) {
        for (const w of i.workloads) {
          if (w.dataPlaneMode !== 'linkerd') continue;
          this.workloads.push({
            namespace: s.namespace,
            service: s.name,
            cluster: i.cluster,
            serviceAccount: w.serviceAccount,
            identity: w.identity,
          });
        }
      }
    }
  }

  /**
   * A cluster named by Backstage name (a cluster's own Prometheus, a `cluster` label holding
   * the name) or, failing that, by Istio CLUSTER_ID; anything else stays visible, unknown.
   */
  cluster(value: string | undefined): ClusterRef {
    if (value && this.clusterNames.has(value)) {
      return { name: value, clusterId: value, known: true };
    }
    return this.ids.resolve(value);
  }

  /**
   * The caller behind an inbound `client_id`. Its service account maps to the service whose
   * workloads run under it, preferring this cluster; when none or several services match,
   * the service account's name is shown instead. Plaintext callers have no identity at all.
   */
  inboundPeer(clientId: string | undefined, thisCluster: ClusterRef): Peer {
    const unknownCluster = this.cluster(undefined);
    if (!clientId) {
      return {
        peer: { namespace: UNKNOWN, name: UNKNOWN },
        peerCluster: unknownCluster,
      };
    }
    const parsed = parseLinkerdIdentity(clientId);
    if (!parsed) {
      return {
        peer: { namespace: UNKNOWN, name: clientId },
        peerCluster: unknownCluster,
      };
    }
    if (isMulticlusterGateway(parsed)) {
      return this.throughGateway(parsed, thisCluster);
    }
    // The exact identity first (it also pins the trust domain); discovery may have guessed
    // the trust domain, so fall back to namespace and service account.
    let candidates = this.workloads.filter(w => w.identity === clientId);
    if (candidates.length === 0) {
      candidates = this.workloads.filter(
        w =>
          w.namespace === parsed.namespace &&
          w.serviceAccount === parsed.serviceAccount,
      );
    }
    const local = candidates.filter(w => w.cluster === thisCluster.name);
    if (thisCluster.known && local.length > 0) candidates = local;
    const services = [...new Set(candidates.map(w => w.service))];
    const clusters = [...new Set(candidates.map(w => w.cluster))];
    return {
      peer: {
        namespace: parsed.namespace,
        name: services.length === 1 ? services[0] : parsed.serviceAccount,
      },
      peerCluster:
        clusters.length === 1 ? this.cluster(clusters[0]) : unknownCluster,
    };
  }

  /**
   * A call through Linkerd's multicluster gateway reaches the callee with the gateway's
   * identity, not the caller's (only pod-to-pod mode keeps the caller's): the peer is the
   * gateway. The gateway serves this cluster for the clusters whose Links target it, so
   * when exactly one does, that is where the call came from.
   */
  private throughGateway(
    gateway: { serviceAccount: string; namespace: string },
    thisCluster: ClusterRef,
  ): Peer {
    const origins = thisCluster.known
      ? [
          ...new Set(
            (this.fleet.links ?? [])
              .filter(
                l =>
                  l.via === 'linkerd-multicluster' && l.to === thisCluster.name,
              )
              .map(l => l.from),
          ),
        ]
      : [];
    return {
      peer: { namespace: gateway.namespace, name: gateway.serviceAccount },
      peerCluster:
        origins.length === 1
          ? this.cluster(origins[0])
          : this.cluster(undefined),
    };
  }

  /**
   * The callee behind an outbound `dst_namespace`/`dst_service`. A Linkerd multicluster
   * mirror `<svc>-<target>` is `<svc>` in the Link's target cluster; any other service is
   * one of the caller's own cluster, since that is where Linkerd resolved it.
   */
  outboundPeer(
    dstNamespace: string | undefined,
    dstService: string | undefined,
    thisCluster: ClusterRef,
    authority?: string,
  ): Peer {
    const namespace = dstNamespace || UNKNOWN;
    if (!dstService) {
      return {
        peer: { namespace, name: UNKNOWN },
        peerCluster: this.cluster(undefined),
      };
    }
    const inNamespace = this.fleet.services.filter(
      s => s.namespace === namespace,
    );
    // A real service of the caller's cluster wins over a mirror that happens to share its name.
    const local = inNamespace.some(
      s =>
        s.name === dstService &&
        s.instances.some(i => i.cluster === thisCluster.name),
    );
    // Pod-to-pod mode: `dst_service` is the remote Service's own name, which may also exist
    // here; the authority the caller used names the mirror, which says where it went.
    const asked = authority?.split('.')[0];
    if (asked && asked !== dstService) {
      const mirror = this.mirrorTarget(inNamespace, asked, thisCluster);
      if (mirror && mirror.peer.name === dstService) return mirror;
    }
    if (!local) {
      const mirror = this.mirrorTarget(inNamespace, dstService, thisCluster);
      if (mirror) return mirror;
    }
    return { peer: { namespace, name: dstService }, peerCluster: thisCluster };
  }

  /** The service and cluster behind a mirror name `<svc>-<target>` seen from `thisCluster`. */
  private mirrorTarget(
    inNamespace: Fleet['services'],
    mirrorName: string,
    thisCluster: ClusterRef,
  ): Peer | undefined {
    for (const s of inNamespace) {
      for (const i of s.instances) {
        const mirroredHere = thisCluster.known
          ? (i.mirroredIn ?? []).includes(thisCluster.name)
          : (i.mirroredIn ?? []).length > 0;
        if (!mirroredHere) continue;
        // The suffix is the Link's target name, which discovery matched by name or CLUSTER_ID.
        const suffixes = [i.cluster, ...this.ids.clusterIdsOf(i.cluster)];
        if (suffixes.some(x => mirrorName === `${s.name}-${x}`)) {
          return {
            peer: { namespace: s.namespace, name: s.name },
            peerCluster: this.cluster(i.cluster),
          };
        }
      }
    }
    return undefined;
  }
}
