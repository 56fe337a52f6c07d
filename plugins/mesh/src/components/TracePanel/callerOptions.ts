import type {
  MeshService,
  ServicePort,
  ServiceRef,
  ServiceTraffic,
  TrafficEdge,
} from '@meshport/backstage-plugin-mesh-common';
import type { TraceCaller } from '../../api';

/** A workload that can be the caller of a trace: what the verifier needs, and how to name it. */
export interface CallerOption extends TraceCaller {
  /** `<namespace>/<workload name>`, unique within a cluster. */
  id: string;
  /** `bookinfo/productpage-v1 (service account bookinfo-productpage)` */
  label: string;
  /** `<namespace>/<name>` of the service the workload stands behind. */
  service: string;
}

/**
 * Every workload of these services in one cluster, as callers. A workload behind several
 * services is offered once: it is the pod's labels and service account that matter to Istio,
 * not which Service selects it.
 */
export function callerOptions(
  services: readonly MeshService[],
  cluster: string,
): CallerOption[] {
  const out = new Map<string, CallerOption>();
  for (const service of services) {
    for (const instance of service.instances ?? []) {
      if (instance.cluster !== cluster) continue;
      for (const w of instance.workloads ?? []) {
        const id = `${service.namespace}/${w.name}`;
        if (out.has(id)) continue;
        out.set(id, {
          id,
          label: `${id}${
            w.serviceAccount ? ` (service account ${w.serviceAccount})` : ''
          }`,
          service: service.id,
          cluster,
          namespace: service.namespace,
          serviceAccount: w.serviceAccount || undefined,
          labels: { ...(w.labels ?? {}) },
        });
      }
    }
  }
  return [...out.values()].sort((a, b) => a.id.localeCompare(b.id));
}

/**
 * The busiest caller of the service seen in traffic, in a cluster Meshport knows: the request
 * most worth tracing first. Undefined without traffic.
 */
export function busiestCaller(
  traffic: ServiceTraffic | undefined,
): { service: ServiceRef; cluster: string } | undefined {
  const rate = (e: TrafficEdge) =>
    e.http?.requestsPerSecond ?? e.tcp?.connectionsOpenedPerSecond ?? 0;
  const edges = (traffic?.inbound ?? [])
    .filter(e => e.peerCluster.known && e.peerCluster.name && e.peer?.name)
    .sort(
      (a, b) =>
        rate(b) - rate(a) ||
        `${a.peer.namespace}/${a.peer.name}`.localeCompare(
          `${b.peer.namespace}/${b.peer.name}`,
        ),
    );
  const first = edges[0];
  return first
    ? { service: first.peer, cluster: first.peerCluster.name }
    : undefined;
}

/** Every port of the service across its clusters, once each, in order. */
export function servicePorts(service: MeshService): ServicePort[] {
  const ports = new Map<number, ServicePort>();
  for (const instance of service.instances) {
    for (const p of instance.ports ?? []) {
      if (!ports.has(p.port)) ports.set(p.port, p);
    }
  }
  return [...ports.values()].sort((a, b) => a.port - b.port);
}
