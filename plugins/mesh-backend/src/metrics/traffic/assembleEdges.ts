/**
 * Turns query answers into edges. Pure: answers in, edges out, so the reporter choice, the
 * ratios and the cross-Prometheus merge are tested without a Prometheus.
 */
import {
  EDGE_LABELS,
  MTLS_REPORTERS,
  REPORTER_PREFERENCE,
  isErrorResponseCode,
} from '../promql/istio';
import type {
  InstantSample,
  RangeSeries,
} from '../prometheus/PrometheusClient';
import type {
  LatencyQuantiles,
  ObservedMtls,
  TimePoint,
  TrafficDirection,
  TrafficEdge,
} from '@meshport/backstage-plugin-mesh-common';
import type { ClusterIdResolver } from './clusterIds';

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
  mutualRequests: number;
  requestsWithPolicy: number;
  hasHttp: boolean;
  latency: LatencyQuantiles;
  bytesSent: number;
  opened: number;
  mutualOpened: number;
  openedWithPolicy: number;
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

function emptySlot(): ReporterSlot {
  return {
    requests: 0,
    errors: 0,
    mutualRequests: 0,
    requestsWithPolicy: 0,
    hasHttp: false,
    latency: { p50: null, p95: null, p99: null },
    bytesSent: 0,
    opened: 0,
    mutualOpened: 0,
    openedWithPolicy: 0,
    hasTcp: false,
  };
}

/** Rounds away float noise (6 decimals) so JSON answers stay readable and stable. */
export function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
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
    peerNamespace: labels[l.peerNamespace] ?? 'unknown',
    peerService: labels[l.peerService] ?? 'unknown',
    peerClusterId: labels[l.peerCluster] ?? 'unknown',
    thisClusterId: labels[l.thisCluster] ?? 'unknown',
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
  const reporter = labels.reporter ?? 'unknown';
  let slot = edge.reporters.get(reporter);
  if (!slot) {
    slot = emptySlot();
    edge.reporters.set(reporter, slot);
  }
  return slot;
}

const hasPolicy = (labels: Record<string, string>) =>
  MTLS_REPORTERS.includes(labels.reporter ?? '') &&
  (labels.connection_security_policy === 'mutual_tls' ||
    labels.connection_security_policy === 'none');

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
    if (isErrorResponseCode(s.labels.response_code)) slot.errors += s.value;
    if (hasPolicy(s.labels)) {
      slot.requestsWithPolicy += s.value;
      if (s.labels.connection_security_policy === 'mutual_tls') {
        slot.mutualRequests += s.value;
      }
    }
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
    if (hasPolicy(s.labels)) {
      slot.openedWithPolicy += s.value;
      if (s.labels.connection_security_policy === 'mutual_tls') {
        slot.mutualOpened += s.value;
      }
    }
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

function observedMtls(reporters: Map<string, ReporterSlot>): ObservedMtls {
  const http = pick(reporters, MTLS_REPORTERS, s => s.requestsWithPolicy > 0);
  if (http) {
    const s = http[1];
    return {
      share: round(s.mutualRequests / s.requestsWithPolicy),
      basis: 'requests',
      observedPerSecond: round(s.requestsWithPolicy),
      mutualPerSecond: round(s.mutualRequests),
    };
  }
  const tcp = pick(reporters, MTLS_REPORTERS, s => s.openedWithPolicy > 0);
  if (tcp) {
    const s = tcp[1];
    return {
      share: round(s.mutualOpened / s.openedWithPolicy),
      basis: 'connections',
      observedPerSecond: round(s.openedWithPolicy),
      mutualPerSecond: round(s.mutualOpened),
    };
  }
  return {
    share: null,
    basis: 'requests',
    observedPerSecond: 0,
    mutualPerSecond: 0,
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
