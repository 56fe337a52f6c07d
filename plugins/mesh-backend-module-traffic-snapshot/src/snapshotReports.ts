/**
 * A snapshot edge as the proxies on its path would report it: Istio standard-metric samples
 * with the labels each reporter sets. The snapshot then goes through the same assembly as
 * Prometheus answers, so the demo obeys the same rules (which reporter classifies what, how
 * ztunnel reports plaintext) instead of a second copy of them.
 */
import type {
  DirectionAnswers,
  InstantSample,
} from '@meshport/backstage-plugin-mesh-node';
import type { SnapshotEdge } from './snapshotFile';

function edgeLabels(e: SnapshotEdge, reporter: string): Record<string, string> {
  return {
    reporter,
    source_workload_namespace: e.source.namespace,
    source_canonical_service: e.source.service,
    source_cluster: e.source.clusterId,
    destination_service_namespace: e.destination.namespace,
    destination_service_name: e.destination.service,
    destination_cluster: e.destination.clusterId,
  };
}

/** `[fraction, labels]` pairs whose fractions add up to 1, zeros left out. */
type Split = Array<[number, Record<string, string>]>;

function samples(total: number, ...splits: Split[]): InstantSample[] {
  let parts: Split = [[total, {}]];
  for (const split of splits) {
    parts = parts.flatMap(([v, labels]) =>
      split.map(([f, more]): [number, Record<string, string>] => [
        v * f,
        { ...labels, ...more },
      ]),
    );
  }
  return parts
    .filter(([v]) => v > 0)
    .map(([value, labels]) => ({ labels, value }));
}

/**
 * The receiving side's `connection_security_policy`: Envoy (sidecar, waypoint) reports
 * `mutual_tls` or `none`; ztunnel reports plaintext from its inbound passthrough as
 * `unknown` (see `classifyTransport.classifyIstioPolicy`). A caller's report says `unknown`.
 */
function policies(e: SnapshotEdge, receiving: boolean): Split {
  if (!receiving) return [[1, { connection_security_policy: 'unknown' }]];
  const plaintext = e.receiver === 'ztunnel' ? 'unknown' : 'none';
  return [
    [e.mtlsShare, { connection_security_policy: 'mutual_tls' }],
    [1 - e.mtlsShare, { connection_security_policy: plaintext }],
  ];
}

/** Who reports the callee's side of HTTP: ztunnel sees only TCP, and no proxy sees nothing. */
const HTTP_REPORTER: Record<SnapshotEdge['receiver'], string | undefined> = {
  sidecar: 'destination',
  waypoint: 'waypoint',
  ztunnel: undefined,
  none: undefined,
};

/** Who reports the callee's side of TCP: a sidecar or ztunnel as `destination`, or nobody. */
const TCP_REPORTER: Record<SnapshotEdge['receiver'], string | undefined> = {
  sidecar: 'destination',
  waypoint: 'waypoint',
  ztunnel: 'destination',
  none: undefined,
};

export function snapshotReports(e: SnapshotEdge): DirectionAnswers {
  const codes: Split = [
    [1 - e.errorRatio, { response_code: '200' }],
    [e.errorRatio, { response_code: '503' }],
  ];
  const withLabels = (list: InstantSample[], labels: Record<string, string>) =>
    list.map(s => ({ ...s, labels: { ...labels, ...s.labels } }));
  // The caller's proxy reports the requests it sent; the receiver what its kind can see.
  const httpReceiver = HTTP_REPORTER[e.receiver];
  const tcpReporter = TCP_REPORTER[e.receiver];
  const http = [
    ...(e.sender === 'envoy'
      ? withLabels(
          samples(e.requestsPerSecond, codes, policies(e, false)),
          edgeLabels(e, 'source'),
        )
      : []),
    ...(httpReceiver
      ? withLabels(
          samples(e.requestsPerSecond, codes, policies(e, true)),
          edgeLabels(e, httpReceiver),
        )
      : []),
  ];
  const tcp = (field: 'connectionsOpenedPerSecond' | 'bytesSentPerSecond') => {
    if (!e.tcp) return [];
    const received = tcpReporter
      ? withLabels(
          samples(e.tcp[field], policies(e, true)),
          edgeLabels(e, tcpReporter),
        )
      : [];
    // The caller's proxy, Envoy or an ambient caller's ztunnel, reports its connections too;
    // its policy is not the callee's word and is not read for mTLS.
    const sent =
      e.sender !== 'none'
        ? withLabels(
            samples(e.tcp[field], policies(e, false)),
            edgeLabels(e, 'source'),
          )
        : [];
    return [...sent, ...received];
  };
  return {
    http,
    tcpOpened: tcp('connectionsOpenedPerSecond'),
    tcpBytes: tcp('bytesSentPerSecond'),
  };
}
