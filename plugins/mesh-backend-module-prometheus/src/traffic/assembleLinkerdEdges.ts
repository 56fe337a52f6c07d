/**
 * Turns Linkerd query answers into edges. Pure: answers in, edges out, so the cluster rule,
 * the peer mapping and the ratios are tested without a Prometheus.
 *
 * Which cluster a series is from: Linkerd sets no cluster label. A cluster's own Prometheus
 * holds only that cluster's series, so its answers are that cluster's. A shared (global)
 * Prometheus's answers are placed by their `cluster` label when they carry one (an external
 * label or relabel rule), else the cluster is unknown.
 */
import { LINKERD_CLUSTER_LABEL, LINKERD_EDGE_LABELS } from '../promql/linkerd';
import {
  type ClusterRef,
  type LatencyQuantiles,
  type MtlsTally,
  type ObservedMtls,
  type TimePoint,
  type TrafficDirection,
  type TrafficEdge,
} from '@meshport/backstage-plugin-mesh-common';
import {
  addSeries,
  addTallies,
  addToTally,
  classifyLinkerdTls,
  compareEdges,
  emptyTally,
  errorRatioSeries,
  finiteOrNull,
  isLinkerdProbe,
  lowestShare,
  round,
  roundTally,
  type InstantSample,
  type RangeSeries,
} from '@meshport/backstage-plugin-mesh-node';
import type { LinkerdPeers, Peer } from './linkerdFleet';

/** What one Prometheus answered for one direction; a missing field is a query that failed. */
export interface LinkerdDirectionAnswers {
  responses?: InstantSample[];
  p50?: InstantSample[];
  p95?: InstantSample[];
  p99?: InstantSample[];
  requestsSeries?: RangeSeries[];
  errorsSeries?: RangeSeries[];
}

export interface LinkerdTargetAnswers {
  /** Set for a cluster's own Prometheus: every series it holds is that cluster's. */
  ownCluster?: string;
  /**
   * The clusters this Prometheus was asked for. A shared one may also hold series of a
   * cluster that has its own Prometheus; those are left to that one, as it answers first.
   */
  clusters: string[];
  answers: LinkerdDirectionAnswers;
}

/** One label set of the edge labels (peer labels and cluster), before peer mapping. */
interface RawSlot {
  labels: Record<string, string>;
  requests: number;
  failures: number;
  /** Requests by the transport the inbound proxy reported; probes apart. */
  transport: MtlsTally;
  probes: number;
  latency: LatencyQuantiles;
  requestsSeries?: TimePoint[];
  errorsSeries?: TimePoint[];
}

interface EdgeSlot extends Peer {
  thisCluster: ClusterRef;
  requests: number;
  failures: number;
  transport: MtlsTally;
  probes: number;
  latency: LatencyQuantiles;
  /** Requests of the raw slot the latency came from: quantiles cannot be added up. */
  latencyWeight: number;
  requestsSeries?: TimePoint[];
  errorsSeries?: TimePoint[];
}

function rawKey(edgeLabels: string[], labels: Record<string, string>): string {
  return JSON.stringify(edgeLabels.map(l => labels[l] ?? ''));
}

function collectRaw(
  direction: TrafficDirection,
  answers: LinkerdDirectionAnswers,
): Map<string, RawSlot> {
  const edgeLabels = LINKERD_EDGE_LABELS[direction];
  const slots = new Map<string, RawSlot>();
  const slotFor = (labels: Record<string, string>) => {
    const key = rawKey(edgeLabels, labels);
    let slot = slots.get(key);
    if (!slot) {
      slot = {
        labels: Object.fromEntries(
          edgeLabels
            .filter(l => labels[l] !== undefined)
            .map(l => [l, labels[l]]),
        ),
        requests: 0,
        failures: 0,
        transport: emptyTally(),
        probes: 0,
        latency: { p50: null, p95: null, p99: null },
      };
      slots.set(key, slot);
    }
    return slot;
  };
  for (const s of answers.responses ?? []) {
    if (!Number.isFinite(s.value)) continue;
    const slot = slotFor(s.labels);
    slot.requests += s.value;
    // `classification` is the proxy's verdict: 5xx, no response, and gRPC statuses other
    // than OK are failures (linkerd2-proxy `linkerd/app/core/src/classify.rs`).
    if (s.labels.classification === 'failure') slot.failures += s.value;
    const transport = classifyLinkerdTls(s.labels.tls, s.labels.client_id);
    if (transport !== 'mutual' && isLinkerdProbe(s.labels)) {
      slot.probes += s.value;
    } else {
      addToTally(slot.transport, transport, s.value);
    }
  }
  for (const q of ['p50', 'p95', 'p99'] as const) {
    for (const s of answers[q] ?? []) {
      slotFor(s.labels).latency[q] = finiteOrNull(s.value);
    }
  }
  for (const s of answers.requestsSeries ?? []) {
    slotFor(s.labels).requestsSeries = s.points;
  }
  for (const s of answers.errorsSeries ?? []) {
    slotFor(s.labels).errorsSeries = s.points;
  }
  return slots;
}

const edgeKey = (e: Pick<EdgeSlot, 'peer' | 'peerCluster' | 'thisCluster'>) =>
  JSON.stringify([
    e.peer.namespace,
    e.peer.name,
    e.peerCluster.name,
    e.thisCluster.name,
  ]);

/** One Prometheus's answers, mapped to peers and summed per edge. */
function edgesOfTarget(
  direction: TrafficDirection,
  target: LinkerdTargetAnswers,
  peers: LinkerdPeers,
): Map<string, EdgeSlot> {
  const edges = new Map<string, EdgeSlot>();
  for (const raw of collectRaw(direction, target.answers).values()) {
    const thisCluster = peers.cluster(
      target.ownCluster ?? raw.labels[LINKERD_CLUSTER_LABEL],
    );
    if (
      !target.ownCluster &&
      thisCluster.known &&
      !target.clusters.includes(thisCluster.name)
    ) {
      continue;
    }
    const peer =
      direction === 'inbound'
        ? peers.inboundPeer(raw.labels.client_id, thisCluster)
        : peers.outboundPeer(
            raw.labels.dst_namespace,
            raw.labels.dst_service,
            thisCluster,
            raw.labels.authority,
          );
    const key = edgeKey({ ...peer, thisCluster });
    const into = edges.get(key);
    if (!into) {
      edges.set(key, {
        ...peer,
        thisCluster,
        requests: raw.requests,
        failures: raw.failures,
        transport: { ...raw.transport },
        probes: raw.probes,
        latency: raw.latency,
        latencyWeight: raw.requests,
        requestsSeries: raw.requestsSeries,
        errorsSeries: raw.errorsSeries,
      });
      continue;
    }
    into.requests += raw.requests;
    into.failures += raw.failures;
    into.transport = addTallies(into.transport, raw.transport);
    into.probes += raw.probes;
    if (raw.requests > into.latencyWeight) {
      into.latency = raw.latency;
      into.latencyWeight = raw.requests;
    }
    into.requestsSeries = addSeries(into.requestsSeries, raw.requestsSeries);
    into.errorsSeries = addSeries(into.errorsSeries, raw.errorsSeries);
  }
  return edges;
}

/**
 * mTLS as the receiving proxy saw it. An outbound edge is the caller's report, and only the
 * callee knows whether the connection it accepted was mutual, as for Istio's source reports.
 */
function observedMtls(direction: TrafficDirection, e: EdgeSlot): ObservedMtls {
  if (direction === 'outbound') {
    return {
      share: null,
      requests: { ...emptyTally(), unclassifiedPerSecond: round(e.requests) },
      unclassified: [
        `Linkerd's outbound report is the caller's: only the callee's inbound proxy knows whether it accepted mutual TLS`,
      ],
    };
  }
  const requests = roundTally(e.transport);
  return {
    share: lowestShare([requests]),
    requests,
    unclassified:
      requests.unclassifiedPerSecond > 0
        ? [
            `${requests.unclassifiedPerSecond} requests/s arrived over TLS the Linkerd proxy did not terminate (tls="opaque") or without a client identity: they prove no mesh identity`,
          ]
        : [],
    ...(e.probes > 0 ? { probesPerSecond: round(e.probes) } : {}),
  };
}

/**
 * Builds the Linkerd edges of one direction from the answers of every Prometheus asked. The
 * same edge from two of them (a cluster's own and a global one) keeps the first answer
 * instead of adding both, which would double the figures.
 */
export function assembleLinkerdEdges(
  direction: TrafficDirection,
  targets: LinkerdTargetAnswers[],
  peers: LinkerdPeers,
): TrafficEdge[] {
  const merged = new Map<string, EdgeSlot>();
  for (const target of targets) {
    for (const [key, edge] of edgesOfTarget(direction, target, peers)) {
      if (!merged.has(key)) merged.set(key, edge);
    }
  }
  const edges: TrafficEdge[] = [];
  for (const e of merged.values()) {
    // Series that exist but carried nothing in the window: not an edge worth showing.
    if (!(e.requests > 0)) continue;
    edges.push({
      direction,
      peer: e.peer,
      peerCluster: e.peerCluster,
      thisCluster: e.thisCluster,
      mesh: 'linkerd',
      // Linkerd's `direction` label names the proxy that reported: the callee's inbound side
      // for inbound edges, the caller's outbound side for outbound ones.
      reporter: direction,
      http: {
        requestsPerSecond: round(e.requests),
        errorRatio: round(e.failures / e.requests),
        latencyMs: e.latency,
      },
      mtls: observedMtls(direction, e),
      series: {
        requestsPerSecond: (e.requestsSeries ?? [])
          .filter(([, v]) => Number.isFinite(v))
          .map(([t, v]) => [t, round(v)]),
        errorRatio: errorRatioSeries(e.requestsSeries, e.errorsSeries),
      },
    });
  }
  return edges.sort(compareEdges);
}
