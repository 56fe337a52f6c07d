import type { ServiceDependency } from '@meshport/backstage-plugin-mesh-common';
import {
  type ClusterIdResolver,
  type InstantSample,
  ISTIO_RECEIVING_REPORTERS,
  classifyIstioPolicy,
  isErrorResponse,
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

/** One reporter's view of one leg (a pair in one pair of clusters), summed over its series. */
interface Report {
  total: number;
  errors: number;
  mutual: number;
  plaintext: number;
}

/**
 * Folds the dependency query's samples (requests and connections, from one or several
 * Prometheus servers) into caller → callee pairs. Both proxies usually report the same call,
 * so per pair and cluster pair one report is kept, the larger, never their sum; its failures
 * come with it. The transport comes from the receiving side's report only (the caller's says
 * `unknown`, see `classifyIstioPolicy`): without one, the leg's traffic is not classified.
 */
export function assembleDependencies(
  answers: Array<{ requests?: InstantSample[]; connections?: InstantSample[] }>,
  resolver: ClusterIdResolver,
): ServiceDependency[] {
  type Basis = 'requests' | 'connections';
  type Leg = {
    from: string;
    to: string;
    /** Per basis, per reporter; several Prometheus servers may hold the same report. */
    reports: Record<Basis, Map<string, Report>>;
  };
  const legs = new Map<string, Leg>();
  const pairOf = new Map<string, Pick<ServiceDependency, 'from' | 'to'>>();
  // Sums one answer's series per leg and reporter, then keeps the larger of what two
  // servers answered for the same report (a global Prometheus and a cluster's own).
  const take = (samples: InstantSample[] | undefined, basis: Basis) => {
    const sums = new Map<string, { leg: Leg; reporter: string } & Report>();
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
      const leg = legs.get(key) ?? {
        ...clusters,
        reports: { requests: new Map(), connections: new Map() },
      };
      legs.set(key, leg);
      const reporter = l.reporter ?? '';
      const sumKey = `${key}\u0000${reporter}`;
      const sum = sums.get(sumKey) ?? {
        leg,
        reporter,
        total: 0,
        errors: 0,
        mutual: 0,
        plaintext: 0,
      };
      sum.total += value;
      if (basis === 'requests' && isErrorResponse(l)) sum.errors += value;
      if (ISTIO_RECEIVING_REPORTERS.includes(reporter)) {
        const transport = classifyIstioPolicy(l.connection_security_policy);
        if (transport === 'mutual') sum.mutual += value;
        if (transport === 'plaintext') sum.plaintext += value;
      }
      sums.set(sumKey, sum);
    }
    for (const { leg, reporter, ...report } of sums.values()) {
      const known = leg.reports[basis].get(reporter);
      if (!known || report.total > known.total)
        leg.reports[basis].set(reporter, report);
    }
  };
  for (const a of answers) {
    take(a.requests, 'requests');
    take(a.connections, 'connections');
  }
  /**
   * The kept report of a leg: the larger; and the transport of the larger receiving report
   * (a sidecar's or a waypoint's, one per leg in practice).
   */
  const kept = (reports: Map<string, Report>): Report => {
    let best: Report = { total: 0, errors: 0, mutual: 0, plaintext: 0 };
    let receiving: Report | undefined;
    for (const [reporter, r] of reports) {
      if (r.total > best.total) best = r;
      if (
        ISTIO_RECEIVING_REPORTERS.includes(reporter) &&
        (!receiving || r.total > receiving.total)
      )
        receiving = r;
    }
    return {
      ...best,
      mutual: receiving?.mutual ?? 0,
      plaintext: receiving?.plaintext ?? 0,
    };
  };
  const out = new Map<string, Required<ServiceDependency>>();
  for (const [key, leg] of legs) {
    const pair = key.split('\u0000').slice(0, 2).join('\u0000');
    const d: Required<ServiceDependency> = out.get(pair) ?? {
      ...pairOf.get(pair)!,
      requestsPerSecond: 0,
      connectionsPerSecond: 0,
      errorsPerSecond: 0,
      mtlsRequestsPerSecond: 0,
      plaintextRequestsPerSecond: 0,
      mtlsConnectionsPerSecond: 0,
      plaintextConnectionsPerSecond: 0,
      clusterPairs: [],
    };
    const requests = kept(leg.reports.requests);
    const connections = kept(leg.reports.connections);
    d.requestsPerSecond += requests.total;
    d.errorsPerSecond += requests.errors;
    d.mtlsRequestsPerSecond += requests.mutual;
    d.plaintextRequestsPerSecond += requests.plaintext;
    d.connectionsPerSecond += connections.total;
    d.mtlsConnectionsPerSecond += connections.mutual;
    d.plaintextConnectionsPerSecond += connections.plaintext;
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
      errorsPerSecond: round(d.errorsPerSecond),
      mtlsRequestsPerSecond: round(d.mtlsRequestsPerSecond),
      plaintextRequestsPerSecond: round(d.plaintextRequestsPerSecond),
      mtlsConnectionsPerSecond: round(d.mtlsConnectionsPerSecond),
      plaintextConnectionsPerSecond: round(d.plaintextConnectionsPerSecond),
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
