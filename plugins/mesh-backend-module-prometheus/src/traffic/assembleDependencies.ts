import type { ServiceDependency } from '@meshport/backstage-plugin-mesh-common';
import {
  type ClusterIdResolver,
  type InstantSample,
  round,
} from '@meshport/backstage-plugin-mesh-node';

/**
 * Istio's placeholder for a label it could not fill (a caller outside the mesh, a callee
 * that is no Kubernetes service): `unknown` (istio/proxy, extensions/common/context.cc), and
 * an empty value when the label is absent. Neither names a service.
 */
function named(value: string | undefined): value is string {
  return !!value && value !== 'unknown';
}

/**
 * Folds the dependency query's samples (requests and connections, from one or several
 * Prometheus servers) into caller → callee pairs. Both proxies usually report the same call,
 * so per pair and cluster pair the larger report is kept, never their sum.
 */
export function assembleDependencies(
  answers: Array<{ requests?: InstantSample[]; connections?: InstantSample[] }>,
  resolver: ClusterIdResolver,
): ServiceDependency[] {
  type Leg = {
    requests: number;
    connections: number;
    from: string;
    to: string;
  };
  const legs = new Map<string, Leg>();
  const pairOf = new Map<string, Pick<ServiceDependency, 'from' | 'to'>>();
  const take = (
    samples: InstantSample[] | undefined,
    field: 'requests' | 'connections',
  ) => {
    for (const { labels: l, value } of samples ?? []) {
      if (!Number.isFinite(value) || value <= 0) continue;
      if (
        !named(l.source_workload_namespace) ||
        !named(l.source_canonical_service) ||
        !named(l.destination_service_namespace) ||
        !named(l.destination_service_name)
      )
        continue;
      const from = {
        namespace: l.source_workload_namespace,
        name: l.source_canonical_service,
      };
      const to = {
        namespace: l.destination_service_namespace,
        name: l.destination_service_name,
      };
      const pair = `${from.namespace}/${from.name}\u0000${to.namespace}/${to.name}`;
      pairOf.set(pair, { from, to });
      const clusters = {
        from: resolver.resolve(l.source_cluster ?? '').name,
        to: resolver.resolve(l.destination_cluster ?? '').name,
      };
      const key = `${pair}\u0000${clusters.from}\u0000${clusters.to}`;
      const leg = legs.get(key) ?? { requests: 0, connections: 0, ...clusters };
      leg[field] = Math.max(leg[field], value);
      legs.set(key, leg);
    }
  };
  for (const a of answers) {
    take(a.requests, 'requests');
    take(a.connections, 'connections');
  }
  const out = new Map<string, ServiceDependency>();
  for (const [key, leg] of legs) {
    const pair = key.split('\u0000').slice(0, 2).join('\u0000');
    const d = out.get(pair) ?? {
      ...pairOf.get(pair)!,
      requestsPerSecond: 0,
      connectionsPerSecond: 0,
      clusterPairs: [],
    };
    d.requestsPerSecond += leg.requests;
    d.connectionsPerSecond += leg.connections;
    d.clusterPairs.push({ from: leg.from, to: leg.to });
    out.set(pair, d);
  }
  const cmp = (a: string, b: string) => {
    if (a === b) return 0;
    return a < b ? -1 : 1;
  };
  return [...out.values()]
    .map(d => ({
      ...d,
      requestsPerSecond: round(d.requestsPerSecond),
      connectionsPerSecond: round(d.connectionsPerSecond),
      clusterPairs: d.clusterPairs.sort(
        (a, b) => cmp(a.from, b.from) || cmp(a.to, b.to),
      ),
    }))
    .sort(
      (a, b) =>
        cmp(
          `${a.from.namespace}/${a.from.name}`,
          `${b.from.namespace}/${b.from.name}`,
        ) ||
        cmp(`${a.to.namespace}/${a.to.name}`, `${b.to.namespace}/${b.to.name}`),
    );
}
