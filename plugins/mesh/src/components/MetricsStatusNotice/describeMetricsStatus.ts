import type { ClusterMetricsStatus } from '@meshport/backstage-plugin-mesh-common';

/** A sentence for each cluster whose figures are missing or incomplete, saying how to fix it. */
export function describeMetricsStatus(
  status: ClusterMetricsStatus,
): string | undefined {
  if (status.state === 'ok') return undefined;
  if (status.source === 'none') {
    // the backend says which module to install and what to set; older backends do not
    return status.reason
      ? `No traffic figures for ${status.cluster}: ${status.reason}.`
      : `No traffic source configured for ${status.cluster} — install the Prometheus traffic module and set mesh.clusters[].prometheus.url for it, or mesh.prometheus.url for one Prometheus holding every cluster.`;
  }
  const what =
    status.state === 'partial'
      ? `Some figures of ${status.cluster} are missing`
      : `No figures from ${status.cluster}`;
  return `${what} (${status.source})${
    status.reason ? `: ${status.reason}` : ''
  }.`;
}
