import type {
  Finding,
  ServiceDependencies,
  ServiceDependency,
} from '@meshport/backstage-plugin-mesh-common';
import { describeMetricsStatus } from '../MetricsStatusNotice';

/** What the services table shows of one service's inbound traffic, summed over its callers. */
export interface ServiceFigures {
  /** HTTP requests received per second. */
  requestsPerSecond: number;
  /** TCP connections opened to it per second. */
  connectionsPerSecond: number;
  /** Failed over all requests; null without requests or when the source cannot tell. */
  errorRatio: number | null;
  /**
   * Mutual TLS over what the receiving side classified, per basis (requests, connections),
   * the lowest of the two, as `ObservedMtls.share`: plaintext on one basis cannot hide
   * behind mutual TLS on the other. Null when nothing was classified.
   */
  mtlsShare: number | null;
}

/** A service's findings worth a glance in the table; info findings are left to its page. */
export interface FindingCounts {
  error: number;
  warning: number;
}

const idOf = (ref: { namespace: string; name: string }) =>
  `${ref.namespace}/${ref.name}`;

/** Sums a non-negative figure, treating a missing or malformed one as "unknown". */
function known(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

/**
 * Per callee (`namespace/name`), its inbound figures from the fleet-wide dependencies: one
 * read for the whole table instead of one per service. A service no pair names had no
 * traffic in the window and has no entry.
 */
export function inboundFigures(
  dependencies: readonly ServiceDependency[],
): Map<string, ServiceFigures> {
  type Sum = {
    requests: number;
    connections: number;
    errors: number;
    /** False once a pair with requests lacks its failures: the ratio would be a guess. */
    errorsKnown: boolean;
    mutualRequests: number;
    plaintextRequests: number;
    mutualConnections: number;
    plaintextConnections: number;
  };
  const sums = new Map<string, Sum>();
  for (const d of dependencies) {
    if (!d?.to?.namespace || !d.to.name) continue;
    const id = idOf(d.to);
    const sum = sums.get(id) ?? {
      requests: 0,
      connections: 0,
      errors: 0,
      errorsKnown: true,
      mutualRequests: 0,
      plaintextRequests: 0,
      mutualConnections: 0,
      plaintextConnections: 0,
    };
    const requests = known(d.requestsPerSecond) ? d.requestsPerSecond : 0;
    sum.requests += requests;
    if (known(d.connectionsPerSecond))
      sum.connections += d.connectionsPerSecond;
    if (known(d.errorsPerSecond)) sum.errors += d.errorsPerSecond;
    else if (requests > 0) sum.errorsKnown = false;
    if (known(d.mtlsRequestsPerSecond))
      sum.mutualRequests += d.mtlsRequestsPerSecond;
    if (known(d.plaintextRequestsPerSecond))
      sum.plaintextRequests += d.plaintextRequestsPerSecond;
    if (known(d.mtlsConnectionsPerSecond))
      sum.mutualConnections += d.mtlsConnectionsPerSecond;
    if (known(d.plaintextConnectionsPerSecond))
      sum.plaintextConnections += d.plaintextConnectionsPerSecond;
    sums.set(id, sum);
  }
  const share = (mutual: number, plaintext: number) =>
    mutual + plaintext > 0 ? mutual / (mutual + plaintext) : null;
  const out = new Map<string, ServiceFigures>();
  for (const [id, s] of sums) {
    if (s.requests <= 0 && s.connections <= 0) continue;
    const shares = [
      share(s.mutualRequests, s.plaintextRequests),
      share(s.mutualConnections, s.plaintextConnections),
    ].filter((x): x is number => x !== null);
    out.set(id, {
      requestsPerSecond: s.requests,
      connectionsPerSecond: s.connections,
      errorRatio:
        s.requests > 0 && s.errorsKnown
          ? Math.min(1, s.errors / s.requests)
          : null,
      mtlsShare: shares.length ? Math.min(...shares) : null,
    });
  }
  return out;
}

/** Per service (`namespace/name`), its error and warning findings; a finding counts once per service it names. */
export function findingCounts(
  findings: readonly Finding[],
): Map<string, FindingCounts> {
  const out = new Map<string, FindingCounts>();
  for (const f of findings) {
    if (f?.severity !== 'error' && f?.severity !== 'warning') continue;
    for (const service of new Set(f.services ?? [])) {
      const counts = out.get(service) ?? { error: 0, warning: 0 };
      counts[f.severity] += 1;
      out.set(service, counts);
    }
  }
  return out;
}

/**
 * Orders two optional figures so services without one come last in either direction: a
 * table sorted by error ratio should open on the worst service, not on the silent ones.
 * `direction` is the table's, as material-table passes it to `customSort`.
 */
export function compareFigures(
  a: number | null | undefined,
  b: number | null | undefined,
  direction: 'asc' | 'desc' = 'asc',
): number {
  const aMissing = a === null || a === undefined;
  const bMissing = b === null || b === undefined;
  if (aMissing || bMissing) {
    if (aMissing && bMissing) return 0;
    // material-table reverses the result for `desc`: flip so missing stays last
    const last = aMissing ? 1 : -1;
    return direction === 'desc' ? -last : last;
  }
  return a - b;
}

/**
 * What to say once above the table when the traffic figures are missing or incomplete:
 * one sentence when no source answers for any cluster (they all say the same), otherwise one
 * per cluster not `ok`, each saying how to fix it. Empty when every cluster answered.
 */
export function describeTrafficGaps(
  answer: Pick<ServiceDependencies, 'source' | 'clusters'>,
): string[] {
  const gaps = (answer.clusters ?? []).filter(c => c.state !== 'ok');
  if (gaps.length === 0) return [];
  if (
    answer.source === 'none' ||
    (gaps.length === answer.clusters.length &&
      gaps.every(g => g.source === 'none'))
  ) {
    const reason = gaps.find(g => g.reason)?.reason;
    return [
      `No traffic figures: ${
        reason ??
        'no traffic source is installed — add the Prometheus traffic module (@meshport/backstage-plugin-mesh-backend-module-prometheus) to the backend'
      }.`,
    ];
  }
  return gaps.map(describeMetricsStatus).filter((m): m is string => !!m);
}
