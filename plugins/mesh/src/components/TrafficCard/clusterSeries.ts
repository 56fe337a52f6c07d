import type {
  TimePoint,
  TrafficEdge,
} from '@meshport/backstage-plugin-mesh-common';

export interface NamedSeries {
  name: string;
  points: TimePoint[];
}

/**
 * Inbound requests per second into each cluster's instance, summed over callers. Edges share
 * the response's grid, but a caller that appeared mid-window has fewer points: timestamps are
 * merged, a missing point counts as zero.
 */
export function requestRateByCluster(inbound: TrafficEdge[]): NamedSeries[] {
  return groupByCluster(inbound).map(([name, edges]) => {
    const sums = new Map<number, number>();
    for (const edge of edges) {
      for (const [t, v] of edge.series.requestsPerSecond) {
        sums.set(t, (sums.get(t) ?? 0) + v);
      }
    }
    return { name, points: sorted(sums) };
  });
}

/**
 * The error ratio into each cluster, weighted by each caller's request rate at that point,
 * so a quiet caller with one failure does not paint the cluster red.
 */
export function errorRatioByCluster(inbound: TrafficEdge[]): NamedSeries[] {
  return groupByCluster(inbound).map(([name, edges]) => {
    const requests = new Map<number, number>();
    const errors = new Map<number, number>();
    for (const edge of edges) {
      const rate = new Map(edge.series.requestsPerSecond);
      for (const [t, ratio] of edge.series.errorRatio) {
        const r = rate.get(t) ?? 0;
        requests.set(t, (requests.get(t) ?? 0) + r);
        errors.set(t, (errors.get(t) ?? 0) + r * ratio);
      }
    }
    const ratios = new Map<number, number>();
    for (const [t, r] of requests) {
      if (r > 0) ratios.set(t, (errors.get(t) ?? 0) / r);
    }
    return { name, points: sorted(ratios) };
  });
}

function groupByCluster(edges: TrafficEdge[]): [string, TrafficEdge[]][] {
  const groups = new Map<string, TrafficEdge[]>();
  for (const edge of edges) {
    const key = edge.thisCluster.name;
    groups.set(key, [...(groups.get(key) ?? []), edge]);
  }
  return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b));
}

function sorted(values: Map<number, number>): TimePoint[] {
  return [...values.entries()].sort(([a], [b]) => a - b);
}
