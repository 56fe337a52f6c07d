import type { DataPlaneMode } from '@meshport/backstage-plugin-mesh-common';
import type { NamespaceInfo, PodInfo } from './inventory';

export const DATAPLANE_MODE_LABEL = 'istio.io/dataplane-mode';
export const AMBIENT_REDIRECTION_ANNOTATION = 'ambient.istio.io/redirection';

/** How a pod is meshed, from its containers and the ambient labels it or its namespace carry. */
export function podDataPlaneMode(
  pod: PodInfo,
  namespace: NamespaceInfo | undefined,
): DataPlaneMode {
  if (pod.containers.includes('istio-proxy')) return 'sidecar';
  if (pod.containers.includes('linkerd-proxy')) return 'linkerd';
  if (pod.annotations[AMBIENT_REDIRECTION_ANNOTATION] === 'enabled') {
    return 'ambient';
  }
  const podMode = pod.labels[DATAPLANE_MODE_LABEL];
  if (podMode === 'none') return 'none';
  if (
    podMode === 'ambient' ||
    namespace?.labels[DATAPLANE_MODE_LABEL] === 'ambient'
  ) {
    return 'ambient';
  }
  return 'none';
}

/** The mode most pods use; ties go to the more meshed mode so a rollout in progress shows. */
export function dominantMode(modes: DataPlaneMode[]): DataPlaneMode {
  const rank: DataPlaneMode[] = ['sidecar', 'ambient', 'linkerd', 'none'];
  let best: DataPlaneMode = 'none';
  let bestCount = 0;
  for (const mode of rank) {
    const count = modes.filter(m => m === mode).length;
    if (count > bestCount) {
      best = mode;
      bestCount = count;
    }
  }
  return best;
}
