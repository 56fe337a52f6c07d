import {
  DataPlaneMode,
  linkerdIdentity,
  spiffeIdentity,
  Workload,
} from '@meshport/backstage-plugin-mesh-common';
import type { DiscoveredControlPlane } from './controlPlanes';
import { dominantMode, podDataPlaneMode } from './dataPlane';
import type {
  ClusterInventory,
  Labels,
  NamespaceInfo,
  PodInfo,
} from './inventory';

/** Labels the controllers add per pod or per rollout; they say nothing about the workload. */
const VOLATILE_LABELS = new Set([
  'pod-template-hash',
  'controller-revision-hash',
  'pod-template-generation',
  'statefulset.kubernetes.io/pod-name',
  'apps.kubernetes.io/pod-index',
]);

function workloadOf(pod: PodInfo): { kind: string; name: string } {
  const owner = pod.owner;
  if (!owner) return { kind: 'Pod', name: pod.name };
  const hash = pod.labels['pod-template-hash'];
  if (owner.kind === 'ReplicaSet' && hash && owner.name.endsWith(`-${hash}`)) {
    return {
      kind: 'Deployment',
      name: owner.name.slice(0, -(hash.length + 1)),
    };
  }
  return owner;
}

function stableLabels(labels: Labels): Labels {
  return Object.fromEntries(
    Object.entries(labels)
      .filter(([k]) => !VOLATILE_LABELS.has(k))
      .sort(([a], [b]) => a.localeCompare(b)),
  );
}

/** The identity a workload's proxy presents, in the form its mesh uses. */
export function workloadIdentity(
  mode: DataPlaneMode,
  namespace: string,
  serviceAccount: string,
  controlPlanes: DiscoveredControlPlane[],
): string {
  if (mode === 'linkerd') {
    const linkerd = controlPlanes.find(cp => cp.kind === 'linkerd');
    const td = linkerd?.trustDomain ?? 'cluster.local';
    const cpNamespace = linkerd?.namespace ?? 'linkerd';
    return linkerdIdentity(cpNamespace, td, namespace, serviceAccount);
  }
  const istio = controlPlanes.find(cp => cp.kind === 'istio');
  return spiffeIdentity(
    istio?.trustDomain ?? 'cluster.local',
    namespace,
    serviceAccount,
  );
}

/** Groups the pods behind a service by the Deployment / StatefulSet / Pod that owns them. */
export function groupWorkloads(
  inv: ClusterInventory,
  pods: PodInfo[],
  controlPlanes: DiscoveredControlPlane[],
  /** The inventory's namespaces by name, when the caller already has them. */
  namespacesByName?: Map<string, NamespaceInfo>,
): Workload[] {
  const groups = new Map<string, PodInfo[]>();
  for (const pod of pods) {
    const w = workloadOf(pod);
    const key = `${w.kind}/${w.name}`;
    const members = groups.get(key);
    if (members) members.push(pod);
    else groups.set(key, [pod]);
  }
  const namespaces =
    namespacesByName ?? new Map(inv.namespaces.map(n => [n.name, n]));
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([, members]) => {
      const first = members[0];
      const { kind, name } = workloadOf(first);
      const mode = dominantMode(
        members.map(p => podDataPlaneMode(p, namespaces.get(p.namespace))),
      );
      return {
        kind,
        name,
        serviceAccount: first.serviceAccountName,
        identity: workloadIdentity(
          mode,
          first.namespace,
          first.serviceAccountName,
          controlPlanes,
        ),
        labels: stableLabels(first.labels),
        pods: {
          ready: members.filter(p => p.ready).length,
          total: members.length,
        },
        dataPlaneMode: mode,
      };
    });
}
