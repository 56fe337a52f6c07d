import {
  MeshService,
  serviceId,
  ServiceInstance,
} from '@meshport/backstage-plugin-mesh-common';
import type { DiscoveredControlPlane } from './controlPlanes';
import { configRefsFor } from './configRefs';
import { dominantMode } from './dataPlane';
import type {
  AggregationOptions,
  ClusterInput,
  ClusterInventory,
  PodInfo,
  ServiceInfo,
} from './inventory';
import { selectorMatches, uniqueSorted } from './labels';
import { effectiveIstioMtls, effectiveLinkerdMtls, mtlsFor } from './mtls';
import { groupWorkloads } from './workloads';

export const LINKERD_MIRROR_LABEL = 'mirror.linkerd.io/mirrored-service';
export const LINKERD_MIRROR_CLUSTER_LABEL = 'mirror.linkerd.io/cluster-name';

function isMirror(s: ServiceInfo): boolean {
  return s.labels[LINKERD_MIRROR_LABEL] === 'true';
}

function endpointsOf(
  inv: ClusterInventory,
  service: ServiceInfo,
  pods: PodInfo[],
): { ready: number; total: number } {
  const slices = inv.endpointSlices.filter(
    s => s.namespace === service.namespace && s.serviceName === service.name,
  );
  if (slices.length === 0) {
    // snapshots and older readers may lack slices; the selected pods tell the same story
    return { ready: pods.filter(p => p.ready).length, total: pods.length };
  }
  const byKey = new Map<string, boolean>();
  for (const endpoint of slices.flatMap(s => s.endpoints)) {
    // dual-stack services list each pod once per address family
    byKey.set(
      endpoint.key,
      (byKey.get(endpoint.key) ?? false) || endpoint.ready,
    );
  }
  const values = [...byKey.values()];
  return { ready: values.filter(Boolean).length, total: values.length };
}

function instanceOf(
  cluster: ClusterInput,
  inv: ClusterInventory,
  service: ServiceInfo,
  controlPlanes: DiscoveredControlPlane[],
  options: AggregationOptions,
): ServiceInstance {
  const pods = service.selector
    ? inv.pods.filter(
        p =>
          p.namespace === service.namespace &&
          selectorMatches(service.selector, p.labels),
      )
    : [];
  const workloads = groupWorkloads(inv, pods, controlPlanes);
  const mode = dominantMode(workloads.map(w => w.dataPlaneMode));
  const nodes = new Map(inv.nodes.map(n => [n.name, n]));
  const localities = uniqueSorted(
    pods
      .map(p => (p.nodeName ? nodes.get(p.nodeName) : undefined))
      .filter(n => n?.region || n?.zone)
      .map(n => `${n?.region ?? ''}/${n?.zone ?? ''}`),
  );
  const subsets: Record<string, string[]> = {};
  for (const label of options.subsetLabels) {
    const values = uniqueSorted(
      pods.map(p => p.labels[label]).filter((v): v is string => !!v),
    );
    if (values.length > 0) subsets[label] = values;
  }
  const istio = controlPlanes.find(cp => cp.kind === 'istio');
  const linkerd = controlPlanes.find(cp => cp.kind === 'linkerd');
  const rootNamespace = istio?.rootNamespace ?? 'istio-system';
  const namespace = inv.namespaces.find(n => n.name === service.namespace);
  const podLabels = pods.map(p => p.labels);
  const mtls = mtlsFor(
    mode,
    () =>
      effectiveIstioMtls({
        peerAuthentications: inv.meshConfig,
        rootNamespace,
        namespace: service.namespace,
        podLabels,
        ports: service.ports,
      }),
    () =>
      effectiveLinkerdMtls({
        namespace: service.namespace,
        podAnnotations: pods.map(p => p.annotations),
        namespaceAnnotations: namespace?.annotations ?? {},
        clusterDefault: linkerd?.defaultInboundPolicy,
      }),
  );
  return {
    cluster: cluster.name,
    stale: cluster.sync.state === 'stale',
    labels: service.labels,
    ports: service.ports.map(p => ({ ...p })),
    selector: service.selector ?? {},
    endpoints: endpointsOf(inv, service, pods),
    subsets,
    workloads,
    identities: uniqueSorted(
      workloads.filter(w => w.dataPlaneMode !== 'none').map(w => w.identity),
    ),
    dataPlaneMode: mode,
    localities,
    mtls,
    config: configRefsFor({
      service,
      podLabels,
      objects: inv.meshConfig,
      rootNamespace,
    }),
  };
}

/**
 * One logical service per namespace/name across clusters (Istio's namespace sameness),
 * with one instance per cluster that runs it. Linkerd mirrors are not services of their own:
 * they mark the instance they mirror as reachable from the mirroring cluster.
 */
export function buildServices(
  clusters: ClusterInput[],
  controlPlanes: Map<string, DiscoveredControlPlane[]>,
  resolveClusterId: (id: string) => string | undefined,
  options: AggregationOptions,
): MeshService[] {
  const excluded = new Set(options.excludeNamespaces);
  const byId = new Map<string, MeshService>();
  const sorted = [...clusters].sort((a, b) => a.name.localeCompare(b.name));

  for (const cluster of sorted) {
    const inv = cluster.inventory;
    if (!inv) continue;
    for (const service of inv.services) {
      if (excluded.has(service.namespace) || isMirror(service)) continue;
      const id = serviceId(service.namespace, service.name);
      const entry = byId.get(id) ?? {
        id,
        namespace: service.namespace,
        name: service.name,
        instances: [],
      };
      const namespace = inv.namespaces.find(n => n.name === service.namespace);
      entry.owner ??=
        service.labels[options.ownerLabel] ??
        namespace?.labels[options.ownerLabel];
      entry.instances.push(
        instanceOf(
          cluster,
          inv,
          service,
          controlPlanes.get(cluster.name) ?? [],
          options,
        ),
      );
      byId.set(id, entry);
    }
  }

  for (const cluster of sorted) {
    for (const mirror of (cluster.inventory?.services ?? []).filter(isMirror)) {
      const target = mirror.labels[LINKERD_MIRROR_CLUSTER_LABEL];
      const targetCluster = target ? resolveClusterId(target) : undefined;
      if (!target || !targetCluster || !mirror.name.endsWith(`-${target}`)) {
        continue;
      }
      const name = mirror.name.slice(0, -(target.length + 1));
      const instance = byId
        .get(serviceId(mirror.namespace, name))
        ?.instances.find(i => i.cluster === targetCluster);
      if (instance) {
        instance.mirroredIn = uniqueSorted([
          ...(instance.mirroredIn ?? []),
          cluster.name,
        ]);
      }
    }
  }

  return [...byId.values()]
    .map(s => (s.owner === undefined ? omitOwner(s) : s))
    .sort((a, b) => a.id.localeCompare(b.id));
}

function omitOwner(service: MeshService): MeshService {
  const { owner: _owner, ...rest } = service;
  return rest;
}
