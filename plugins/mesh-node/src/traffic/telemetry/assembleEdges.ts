/**
 * Turns query answers into edges. Pure: answers in, edges out, so the reporter choice, the
 * ratios and the cross-Prometheus merge are tested without a Prometheus. Every traffic
 * source that speaks Istio's standard metrics (Prometheus, the demo snapshot) goes through
 * it, so they obey the same rules.
 */
import {
  EDGE_LABELS,
  REPORTER_PREFERENCE,
  isErrorResponse,
} from './istioLabels';
import type { InstantSample, RangeSeries } from './samples';
import type {
  LatencyQuantiles,
  MtlsTally,
  ObservedMtls,
  TimePoint,
  TrafficDirection,
  TrafficEdge,
} from '@meshport/backstage-plugin-mesh-common';
import type { ClusterIdResolver } from './clusterIds';
import {
  ISTIO_RECEIVING_REPORTERS,
  addToTally,
  addTallies,
  classifyIstioPolicy,
  emptyTally,
  lowestShare,
  round,
  roundTally,
} from './classifyTransport';

/** What one Prometheus answered for one direction; a missing field is a query that failed. */
export interface DirectionAnswers {
  http?: InstantSample[];
  p50?: InstantSample[];
  p95?: InstantSample[];
  p99?: InstantSample[];
  tcpBytes?: InstantSample[];
  tcpOpened?: InstantSample[];
  requestsSeries?: RangeSeries[];
  errorsSeries?: RangeSeries[];
}

/** Everything one edge's reporter said. */
interface ReporterSlot {
  requests: number;
  errors: number;
  /** Requests per second by the transport the reporter stated. */
  requestsByTransport: MtlsTally;
  hasHttp: boolean;
  latency: LatencyQuantiles;
  bytesSent: number;
  opened: number;
  /** Opened connections per second by the transport the reporter stated. */
  openedByTransport: MtlsTally;
  hasTcp: boolean;
  requestsSeries?: TimePoint[];
  errorsSeries?: TimePoint[];
}

interface EdgeIdentity {
  peerNamespace: string;
  peerService: string;
  peerClusterId: string;
  thisClusterId: string;
}

type SlotsByEdge = Map<
  string,
  { id: EdgeIdentity; reporters: Map<string, ReporterSlot> }
>;

const UNKNOWN = 'unknown';

function emptySlot(): ReporterSlot {
  return {
    requests: 0,
    errors: 0,
    requestsByTransport: emptyTally(),
    hasHttp: false,
    latency: { p50: null, p95: null, p99: null },
    bytesSent: 0,
    opened: 0,
    openedByTransport: emptyTally(),
    hasTcp: false,
  };
}

export function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? round(value) : null;
}

function identity(
  direction: TrafficDirection,
  labels: Record<string, string>,
): EdgeIdentity {
  const l = EDGE_LABELS[direction];
  return {
    peerNamespace: labels[l.peerNamespace] ?? UNKNOWN,
    peerService: labels[l.peerService] ?? UNKNOWN,
    peerClusterId: labels[l.peerCluster] ?? UNKNOWN,
    thisClusterId: labels[l.thisCluster] ?? UNKNOWN,
  };
}

function slotFor(
  slots: SlotsByEdge,
  direction: TrafficDirection,
  labels: Record<string, string>,
): ReporterSlot {
  const id = identity(direction, labels);
  const key = JSON.stringify(id);
  let edge = slots.get(key);
  if (!edge) {
    edge = { id, reporters: new Map() };
    slots.set(key, edge);
  }
  const reporter = labels.reporter ?? UNKNOWN;
  let slot = edge.reporters.get(reporter);
  if (!slot) {
    slot = emptySlot();
    edge.reporters.set(reporter, slot);
  }
  return slot;
}

/** Collects one Prometheus's answers into per-edge, per-reporter slots. */
function collect(
  direction: TrafficDirection,
  answers: DirectionAnswers,
): SlotsByEdge {
  const slots: SlotsByEdge = new Map();
  for (const s of answers.http ?? []) {
    if (!Number.isFinite(s.value)) continue;
    const slot = slotFor(slots, direction, s.labels);
    slot.hasHttp = true;
    slot.requests += s.value;
    if (isErrorResponse(s.labels)) slot.errors += s.value;
    addToTally(
      slot.requestsByTransport,
      classifyIstioPolicy(s.labels.connection_security_policy),
      s.value,
    );
  }
  for (const q of ['p50', 'p95', 'p99'] as const) {
    for (const s of answers[q] ?? []) {
      slotFor(slots, direction, s.labels).latency[q] = finiteOrNull(s.value);
    }
  }
  for (const s of answers.tcpBytes ?? []) {
    if (!Number.isFinite(s.value)) continue;
    const slot = slotFor(slots, direction, s.labels);
    slot.hasTcp = true;
    slot.bytesSent += s.value;
  }
  for (const s of answers.tcpOpened ?? []) {
    if (!Number.isFinite(s.value)) continue;
    const slot = slotFor(slots, direction, s.labels);
    slot.hasTcp = true;
    slot.opened += s.value;
    addToTally(
      slot.openedByTransport,
      classifyIstioPolicy(s.labels.connection_security_policy),
      s.value,
    );
  }
  for (const s of answers.requestsSeries ?? []) {
    slotFor(slots, direction, s.labels).requestsSeries = s.points;
  }
  for (const s of answers.errorsSeries ?? []) {
    slotFor(slots, direction, s.labels).errorsSeries = s.points;
  }
  return slots;
}

/**
 * Merges several Prometheus's slots. The same edge and reporter can come from two of them
 * (a cluster's own Prometheus and a global one that also holds its series); the first
 * answer is kept instead of adding them, which would double the figures.
 */
function merge(all: SlotsByEdge[]): SlotsByEdge {
  const merged: SlotsByEdge = new Map();
  for (const slots of all) {
    for (const [key, edge] of slots) {
      const into = merged.get(key);
      if (!into) {
        merged.set(key, { id: edge.id, reporters: new Map(edge.reporters) });
        continue;
      }
      for (const [reporter, slot] of edge.reporters) {
        if (!into.reporters.has(reporter)) into.reporters.set(reporter, slot);
      }
    }
  }
  return merged;
}

/** Adds two series point by point. */
export function addSeries(
  a: TimePoint[] | undefined,
  b: TimePoint[] | undefined,
): TimePoint[] | undefined {
  if (!a) return b;
  if (!b) return a;
  const sum = new Map<number, number>(a.map(([t, v]) => [t, v]));
  for (const [t, v] of b) sum.set(t, (sum.get(t) ?? 0) + v);
  return [...sum.entries()].sort(([x], [y]) => x - y);
}

/** Two reports of different requests by the same reporter: counts add up, the busier one's latency stays. */
function addSlots(a: ReporterSlot, b: ReporterSlot): ReporterSlot {
  return {
    requests: a.requests + b.requests,
    errors: a.errors + b.errors,
    requestsByTransport: addTallies(
      a.requestsByTransport,
      b.requestsByTransport,
    ),
    hasHttp: a.hasHttp || b.hasHttp,
    latency: a.requests >= b.requests ? a.latency : b.latency,
    bytesSent: a.bytesSent + b.bytesSent,
    opened: a.opened + b.opened,
    openedByTransport: addTallies(a.openedByTransport, b.openedByTransport),
    hasTcp: a.hasTcp || b.hasTcp,
    requestsSeries: addSeries(a.requestsSeries, b.requestsSeries),
    errorsSeries: addSeries(a.errorsSeries, b.errorsSeries),
  };
}

/**
 * One edge per real flow. A caller's proxy reports `destination_cluster="unknown"` when it
 * could not learn the callee's cluster (no metadata exchange, e.g. through an east-west
 * gateway); the callee reports the same requests under its real cluster. Such a source-only
 * edge is folded into the one edge of the same caller and callee that a receiving proxy
 * reported with a known cluster; when there are several, their own reports already count
 * those requests (they name their cluster), so the unknown one is dropped. With none, nothing
 * else saw the traffic (e.g. a callee outside the mesh) and the edge stays as reported.
 */
function foldUnknownClusters(
  direction: TrafficDirection,
  edges: SlotsByEdge,
): void {
  // Inbound, the callee's cluster is `thisCluster`; outbound it is the peer's.
  const calleeCluster = (id: EdgeIdentity) =>
    direction === 'inbound' ? id.thisClusterId : id.peerClusterId;
  const callerCluster = (id: EdgeIdentity) =>
    direction === 'inbound' ? id.peerClusterId : id.thisClusterId;
  for (const [key, edge] of [...edges]) {
    const onlySource =
      edge.reporters.size === 1 && edge.reporters.has('source');
    if (!onlySource || calleeCluster(edge.id) !== UNKNOWN) continue;
    const candidates = [...edges.values()].filter(
      other =>
        other !== edge &&
        other.id.peerNamespace === edge.id.peerNamespace &&
        other.id.peerService === edge.id.peerService &&
        callerCluster(other.id) === callerCluster(edge.id) &&
        calleeCluster(other.id) !== UNKNOWN &&
        ISTIO_RECEIVING_REPORTERS.some(r => other.reporters.has(r)),
    );
    if (candidates.length === 0) continue;
    edges.delete(key);
    if (candidates.length > 1) continue;
    const into = candidates[0].reporters;
    const source = edge.reporters.get('source')!;
    const already = into.get('source');
    into.set('source', already ? addSlots(already, source) : source);
  }
}

function pick(
  reporters: Map<string, ReporterSlot>,
  order: string[],
  usable: (s: ReporterSlot) => boolean,
): [string, ReporterSlot] | undefined {
  const ranked = [
    ...order.filter(r => reporters.has(r)),
    ...[...reporters.keys()].filter(r => !order.includes(r)).sort(),
  ];
  for (const r of ranked) {
    const slot = reporters.get(r)!;
    if (usable(slot)) return [r, slot];
  }
  return undefined;
}

/** Only the receiving side's reports, in preference order, are asked for a transport. */
function receiving(
  reporters: Map<string, ReporterSlot>,
  usable: (s: ReporterSlot) => boolean,
): [string, ReporterSlot] | undefined {
  const ranked = ISTIO_RECEIVING_REPORTERS.filter(r => reporters.has(r));
  const hit = ranked.find(r => usable(reporters.get(r)!));
  return hit ? [hit, reporters.get(hit)!] : undefined;
}

const unitOf = { requests: 'requests', connections: 'connections' } as const;

function unclassifiedByReporter(
  basis: keyof typeof unitOf,
  reporter: string,
  tally: MtlsTally,
): string[] {
  return tally.unclassifiedPerSecond > 0
    ? [
        `${round(tally.unclassifiedPerSecond)} ${
          unitOf[basis]
        }/s reported by the ${reporter} proxy with a connection_security_policy that is neither mutual_tls, none nor unknown`,
      ]
    : [];
}

/**
 * mTLS of one edge from its receiving side's reports, requests and connections apart. Traffic
 * only the caller reported (a callee outside the mesh, an ambient callee without a waypoint
 * for HTTP) cannot be classified and is shown as such — unless the callee classified the
 * other basis of the same edge, e.g. ztunnel's connections carrying a gateway's requests.
 */
function observedMtls(reporters: Map<string, ReporterSlot>): ObservedMtls {
  const http = receiving(reporters, s => s.hasHttp && s.requests > 0);
  const tcp = receiving(reporters, s => s.hasTcp && s.opened > 0);
  const unclassified: string[] = [];
  let requests = http ? { ...http[1].requestsByTransport } : undefined;
  let connections = tcp ? { ...tcp[1].openedByTransport } : undefined;
  if (http) {
    unclassified.push(
      ...unclassifiedByReporter('requests', http[0], requests!),
    );
  }
  if (tcp) {
    unclassified.push(
      ...unclassifiedByReporter('connections', tcp[0], connections!),
    );
  }
  if (!http && !tcp) {
    const sentHttp = pick(reporters, [], s => s.hasHttp && s.requests > 0);
    const sentTcp = pick(reporters, [], s => s.hasTcp && s.opened > 0);
    if (sentHttp) {
      requests = {
        ...emptyTally(),
        unclassifiedPerSecond: sentHttp[1].requests,
      };
    }
    if (sentTcp) {
      connections = {
        ...emptyTally(),
        unclassifiedPerSecond: sentTcp[1].opened,
      };
    }
    if (sentHttp || sentTcp) {
      unclassified.push(
        `only the caller's proxy reported this traffic; the callee's side did not, so how it was accepted (mutual TLS or plaintext) is unknown`,
      );
    }
  }
  return {
    share: lowestShare([requests, connections]),
    ...(requests ? { requests: roundTally(requests) } : {}),
    ...(connections ? { connections: roundTally(connections) } : {}),
    unclassified,
  };
}

/** Errors over requests per point; points without requests have no ratio and are left out. */
export function errorRatioSeries(
  requests: TimePoint[] | undefined,
  errors: TimePoint[] | undefined,
): TimePoint[] {
  const errorsAt = new Map((errors ?? []).map(([t, v]) => [t, v]));
  return (requests ?? [])
    .filter(([, v]) => v > 0 && Number.isFinite(v))
    .map(([t, v]) => [t, round((errorsAt.get(t) ?? 0) / v)]);
}

/** Builds the edges of one direction from the answers of every Prometheus asked. */
export function assembleEdges(
  direction: TrafficDirection,
  answers: DirectionAnswers[],
  clusters: ClusterIdResolver,
): TrafficEdge[] {
  const merged = merge(answers.map(a => collect(direction, a)));
  foldUnknownClusters(direction, merged);
  const order = REPORTER_PREFERENCE[direction];
  const edges: TrafficEdge[] = [];
  for (const { id, reporters } of merged.values()) {
    const http =
      pick(reporters, order, s => s.hasHttp && s.requests > 0) ??
      pick(reporters, order, s => s.hasHttp);
    const tcp = pick(
      reporters,
      order,
      s => s.hasTcp && (s.opened > 0 || s.bytesSent > 0),
    );
    const busy = (http && http[1].requests > 0) || tcp;
    if (!busy) {
      // Series that exist but carried nothing in the window: not an edge worth showing.
      continue;
    }
    const h = http?.[1];
    edges.push({
      direction,
      peer: { namespace: id.peerNamespace, name: id.peerService },
      peerCluster: clusters.resolve(id.peerClusterId),
      thisCluster: clusters.resolve(id.thisClusterId),
      mesh: 'istio',
      reporter: (http ?? tcp)![0],
      http: h
        ? {
            requestsPerSecond: round(h.requests),
            errorRatio: h.requests > 0 ? round(h.errors / h.requests) : null,
            latencyMs: h.latency,
          }
        : undefined,
      tcp: tcp
        ? {
            connectionsOpenedPerSecond: round(tcp[1].opened),
            bytesSentPerSecond: round(tcp[1].bytesSent),
          }
        : undefined,
      mtls: observedMtls(reporters),
      series: {
        // Non-finite points (a counter reset mid-step) would serialise as null: leave them out.
        requestsPerSecond: (h?.requestsSeries ?? [])
          .filter(([, v]) => Number.isFinite(v))
          .map(([t, v]) => [t, round(v)]),
        errorRatio: errorRatioSeries(h?.requestsSeries, h?.errorsSeries),
      },
    });
  }
  return edges.sort(compareEdges);
}

/** Busiest first, then by names, so answers are stable. */
export function compareEdges(a: TrafficEdge, b: TrafficEdge): number {
  const rate = (e: TrafficEdge) => e.http?.requestsPerSecond ?? 0;
  return (
    rate(b) - rate(a) ||
    `${a.peer.namespace}/${a.peer.name}/${a.peerCluster.name}/${a.thisCluster.name}`.localeCompare(
      `${b.peer.namespace}/${b.peer.name}/${b.peerCluster.name}/${b.thisCluster.name}`,
    )
  );
}
