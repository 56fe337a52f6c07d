import type {
  ServiceRef,
  TrafficEdge,
} from '@meshport/backstage-plugin-mesh-common';
import {
  formatBytesRate,
  formatMs,
  formatPercent,
  formatRate,
} from '../../lib/format';

/**
 * Lays out the traffic picture: callers on the left, this service once per cluster in the
 * middle, callees on the right. Pure, so the geometry and the figures are tested without
 * rendering SVG.
 */

export type Column = 'caller' | 'self' | 'callee';

export interface GraphNode {
  id: string;
  column: Column;
  service: string;
  cluster: string;
  /** The cluster id in metrics maps to no cluster of the fleet. */
  unknownCluster: boolean;
  x: number;
  y: number;
}

export interface GraphEdge {
  id: string;
  from: GraphNode;
  to: GraphNode;
  crossCluster: boolean;
  /** `7.50 rps · 2.00% err · p95 45 ms` */
  label: string;
  /** Sentence for screen readers and the tooltip. */
  description: string;
  /** Stroke width, 1.5 to 7, by share of the busiest edge. */
  weight: number;
  severity: 'ok' | 'warning' | 'error';
}

export interface TrafficGraphLayout {
  width: number;
  height: number;
  nodeWidth: number;
  nodeHeight: number;
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export const NODE_WIDTH = 210;
export const NODE_HEIGHT = 44;
const ROW_GAP = 84;
const COLUMN_X: Record<Column, number> = { caller: 0, self: 390, callee: 780 };
const PADDING = 12;

function serviceName(ref: ServiceRef): string {
  return `${ref.namespace}/${ref.name}`;
}

function edgeRate(edge: TrafficEdge): number {
  return (
    edge.http?.requestsPerSecond ?? edge.tcp?.connectionsOpenedPerSecond ?? 0
  );
}

export function edgeFigures(edge: TrafficEdge): string {
  if (edge.http) {
    const parts = [
      formatRate(edge.http.requestsPerSecond),
      `${formatPercent(edge.http.errorRatio)} err`,
    ];
    if (edge.http.latencyMs.p95 !== null) {
      parts.push(`p95 ${formatMs(edge.http.latencyMs.p95)}`);
    }
    return parts.join(' · ');
  }
  if (edge.tcp) {
    return `${edge.tcp.connectionsOpenedPerSecond.toFixed(
      2,
    )} conn/s · ${formatBytesRate(edge.tcp.bytesSentPerSecond)}`;
  }
  return 'no figures';
}

function severityOf(edge: TrafficEdge): GraphEdge['severity'] {
  const ratio = edge.http?.errorRatio ?? 0;
  if (ratio >= 0.05) return 'error';
  if (ratio >= 0.01) return 'warning';
  return 'ok';
}

export function layoutTrafficGraph(input: {
  service: ServiceRef;
  inbound: TrafficEdge[];
  outbound: TrafficEdge[];
  /** Clusters the service runs in: shown even when no traffic reached them. */
  clusters?: string[];
}): TrafficGraphLayout {
  const self = serviceName(input.service);
  const nodes = new Map<string, GraphNode>();
  const order: Record<Column, string[]> = { caller: [], self: [], callee: [] };

  const node = (
    column: Column,
    service: string,
    cluster: string,
    unknownCluster = false,
  ): GraphNode => {
    const id = `${column}:${service}@${cluster}`;
    let found = nodes.get(id);
    if (!found) {
      found = { id, column, service, cluster, unknownCluster, x: 0, y: 0 };
      nodes.set(id, found);
      order[column].push(id);
    }
    return found;
  };

  for (const cluster of [...(input.clusters ?? [])].sort()) {
    node('self', self, cluster);
  }
  const all = [...input.inbound, ...input.outbound];
  const busiest = Math.max(0, ...all.map(edgeRate));
  const edges: GraphEdge[] = all.map((edge, index) => {
    const peer = node(
      edge.direction === 'inbound' ? 'caller' : 'callee',
      serviceName(edge.peer),
      edge.peerCluster.name,
      !edge.peerCluster.known,
    );
    const here = node(
      'self',
      self,
      edge.thisCluster.name,
      !edge.thisCluster.known,
    );
    const [from, to] =
      edge.direction === 'inbound' ? [peer, here] : [here, peer];
    const label = edgeFigures(edge);
    return {
      id: `edge-${index}`,
      from,
      to,
      crossCluster: edge.peerCluster.name !== edge.thisCluster.name,
      label,
      description: `${from.service} in ${from.cluster} → ${to.service} in ${to.cluster}: ${label}`,
      weight: busiest > 0 ? 1.5 + (5.5 * edgeRate(edge)) / busiest : 1.5,
      severity: severityOf(edge),
    };
  });

  // Callers and callees sorted by name then cluster, so the picture is stable between loads.
  const rows = Math.max(1, ...Object.values(order).map(ids => ids.length));
  const height = PADDING * 2 + (rows - 1) * ROW_GAP + NODE_HEIGHT;
  for (const column of Object.keys(order) as Column[]) {
    const ids = [...order[column]].sort();
    const offset = ((rows - ids.length) * ROW_GAP) / 2;
    ids.forEach((id, row) => {
      const n = nodes.get(id)!;
      n.x = PADDING + COLUMN_X[column];
      n.y = PADDING + offset + row * ROW_GAP;
    });
  }
  return {
    width: PADDING * 2 + COLUMN_X.callee + NODE_WIDTH,
    height,
    nodeWidth: NODE_WIDTH,
    nodeHeight: NODE_HEIGHT,
    nodes: [...nodes.values()],
    edges,
  };
}
