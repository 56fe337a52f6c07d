import { resolve } from 'node:path';
import {
  type ClusterMetricsStatus,
  type ServiceDependencies,
  type ServiceDependency,
  type ServiceRef,
  type ServiceTraffic,
  type TimePoint,
  type TrafficDirection,
  type TrafficEdge,
} from '@meshport/backstage-plugin-mesh-common';
import {
  ClusterIdResolver,
  MIN_STEP_SECONDS,
  assembleEdges,
  compareEdges,
  round,
  seriesGrid,
} from '@meshport/backstage-plugin-mesh-node';
import type {
  MeshFleetReader,
  MeshTrafficSource,
} from '@meshport/backstage-plugin-mesh-node';
import { LRUCache } from 'lru-cache';
import {
  SnapshotEdge,
  TrafficSnapshot,
  readSnapshotFile,
} from './snapshotFile';
import { snapshotReports } from './snapshotReports';

/** A stable number in [0, 1) per edge, so each edge's curve has its own phase. */
function phaseOf(key: string): number {
  let h = 0;
  for (const ch of key) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return (h % 1000) / 1000;
}

/**
 * Gentle, deterministic waves around the snapshot's figures (±8 % over 15 minutes) so the
 * demo's charts look like traffic, yet the same time always draws the same chart.
 */
function wave(
  base: number,
  t: number,
  phase: number,
  amplitude: number,
): number {
  return base * (1 + amplitude * Math.sin(2 * Math.PI * (t / 900 + phase)));
}

/** Traffic from the demo's snapshot file: the same answer shape as Prometheus, no Prometheus needed. */
export class SnapshotTrafficSource implements MeshTrafficSource {
  private readonly file: string;
  private readonly cache?: LRUCache<string, Promise<TrafficSnapshot>>;

  constructor(
    private readonly options: {
      file: string;
      fleet: MeshFleetReader;
      /** How long a read of the file is reused; 0 reads it on every request. */
      cacheTtlMs: number;
      now?: () => number;
    },
  ) {
    this.file = resolve(options.file);
    // Re-read now and then, so editing the demo file needs no restart. lru-cache reads a
    // ttl of 0 as "never expires", so 0 means no cache at all.
    if (options.cacheTtlMs > 0) {
      this.cache = new LRUCache({ max: 1, ttl: options.cacheTtlMs });
    }
  }

  private load(): Promise<TrafficSnapshot> {
    const cached = this.cache?.get(this.file);
    if (cached) return cached;
    const pending = readSnapshotFile(this.file);
    if (this.cache) {
      const cache = this.cache;
      cache.set(this.file, pending);
      pending.catch(() => cache.delete(this.file));
    }
    return pending;
  }

  async getTraffic(
    service: ServiceRef,
    window: { text: string; seconds: number },
  ): Promise<ServiceTraffic> {
    const fleet = await this.options.fleet.getFleet();
    const resolver = new ClusterIdResolver(fleet);
    const nowSeconds = (this.options.now ?? Date.now)() / 1000;
    const end = Math.floor(nowSeconds / MIN_STEP_SECONDS) * MIN_STEP_SECONDS;
    const grid = seriesGrid(window.seconds, end);

    let snapshot: TrafficSnapshot | undefined;
    let failure: string | undefined;
    try {
      snapshot = await this.load();
    } catch (error) {
      failure = (error as Error).message;
    }

    const toEdge = (
      e: SnapshotEdge,
      direction: TrafficDirection,
    ): TrafficEdge | undefined => {
      const [edge] = assembleEdges(direction, [snapshotReports(e)], resolver);
      if (!edge) return undefined;
      const phase = phaseOf(
        `${e.source.namespace}/${e.source.service}/${e.source.clusterId}>${e.destination.namespace}/${e.destination.service}/${e.destination.clusterId}`,
      );
      const points: number[] = [];
      for (let t = grid.start; t <= grid.end; t += grid.stepSeconds)
        points.push(t);
      return {
        ...edge,
        http: edge.http && {
          ...edge.http,
          latencyMs: e.latencyMs ?? { p50: null, p95: null, p99: null },
        },
        series: edge.http
          ? {
              requestsPerSecond: points.map(
                (t): TimePoint => [
                  t,
                  round(wave(e.requestsPerSecond, t, phase, 0.08)),
                ],
              ),
              errorRatio: points.map(
                (t): TimePoint => [
                  t,
                  round(wave(e.errorRatio, t, phase + 0.5, 0.3)),
                ],
              ),
            }
          : { requestsPerSecond: [], errorRatio: [] },
      };
    };
    const edgesOf = (list: SnapshotEdge[], direction: TrafficDirection) =>
      list
        .map(e => toEdge(e, direction))
        .filter((e): e is TrafficEdge => e !== undefined)
        .sort(compareEdges);

    const is = (p: { namespace: string; service: string }) =>
      p.namespace === service.namespace && p.service === service.name;
    const edges = snapshot?.edges ?? [];
    const clusterNames = new Set(fleet.clusters.map(c => c.name));
    for (const e of edges) {
      clusterNames.add(resolver.resolve(e.source.clusterId).name);
      clusterNames.add(resolver.resolve(e.destination.clusterId).name);
    }
    if (failure && clusterNames.size === 0) clusterNames.add('*');
    const clusters: ClusterMetricsStatus[] = [...clusterNames]
      .sort()
      .map(cluster =>
        failure
          ? {
              cluster,
              state: 'unavailable',
              source: 'snapshot',
              reason: failure,
            }
          : { cluster, state: 'ok', source: 'snapshot' },
      );

    return {
      service,
      window: window.text,
      windowSeconds: window.seconds,
      evaluatedAt: new Date(end * 1000).toISOString(),
      seriesStepSeconds: grid.stepSeconds,
      source: 'snapshot',
      inbound: edgesOf(
        edges.filter(e => is(e.destination)),
        'inbound',
      ),
      outbound: edgesOf(
        edges.filter(e => is(e.source)),
        'outbound',
      ),
      clusters,
      partial: failure !== undefined,
    };
  }

  /**
   * Every pair of services the snapshot has calling, summed over their cluster pairs. The
   * snapshot has no time, so the window only labels the answer.
   */
  async getDependencies(window: {
    text: string;
    seconds: number;
  }): Promise<ServiceDependencies> {
    const fleet = await this.options.fleet.getFleet();
    const resolver = new ClusterIdResolver(fleet);
    const nowSeconds = (this.options.now ?? Date.now)() / 1000;
    const end = Math.floor(nowSeconds / MIN_STEP_SECONDS) * MIN_STEP_SECONDS;
    let snapshot: TrafficSnapshot | undefined;
    let failure: string | undefined;
    try {
      snapshot = await this.load();
    } catch (error) {
      failure = (error as Error).message;
    }
    const pairs = new Map<string, Required<ServiceDependency>>();
    for (const e of snapshot?.edges ?? []) {
      const from = { namespace: e.source.namespace, name: e.source.service };
      const to = {
        namespace: e.destination.namespace,
        name: e.destination.service,
      };
      const key = `${from.namespace}/${from.name}\u0000${to.namespace}/${to.name}`;
      const pair: Required<ServiceDependency> = pairs.get(key) ?? {
        from,
        to,
        requestsPerSecond: 0,
        connectionsPerSecond: 0,
        errorsPerSecond: 0,
        mtlsRequestsPerSecond: 0,
        plaintextRequestsPerSecond: 0,
        mtlsConnectionsPerSecond: 0,
        plaintextConnectionsPerSecond: 0,
        clusterPairs: [],
      };
      const add = (
        field: keyof Omit<ServiceDependency, 'from' | 'to' | 'clusterPairs'>,
        value: number,
      ) => {
        pair[field] = round(pair[field] + value);
      };
      const connections = e.tcp?.connectionsOpenedPerSecond ?? 0;
      add('requestsPerSecond', e.requestsPerSecond);
      add('errorsPerSecond', e.requestsPerSecond * e.errorRatio);
      add('connectionsPerSecond', connections);
      // The transport is what the receiving proxy reports, as with real metrics: a sidecar
      // or waypoint classifies requests and connections, ztunnel only connections, and a
      // callee outside the mesh nothing (see `receiver` in snapshotFile.ts).
      if (e.receiver === 'sidecar' || e.receiver === 'waypoint') {
        add('mtlsRequestsPerSecond', e.requestsPerSecond * e.mtlsShare);
        add(
          'plaintextRequestsPerSecond',
          e.requestsPerSecond * (1 - e.mtlsShare),
        );
      }
      if (e.receiver !== 'none') {
        add('mtlsConnectionsPerSecond', connections * e.mtlsShare);
        add('plaintextConnectionsPerSecond', connections * (1 - e.mtlsShare));
      }
      const clusters = {
        from: resolver.resolve(e.source.clusterId).name,
        to: resolver.resolve(e.destination.clusterId).name,
      };
      if (
        !pair.clusterPairs.some(
          p => p.from === clusters.from && p.to === clusters.to,
        )
      )
        pair.clusterPairs.push(clusters);
      pairs.set(key, pair);
    }
    const dependencies = [...pairs.values()].sort(
      (a, b) => compareRefs(a.from, b.from) || compareRefs(a.to, b.to),
    );
    for (const d of dependencies)
      d.clusterPairs.sort(
        (a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to),
      );
    return {
      window: window.text,
      windowSeconds: window.seconds,
      evaluatedAt: new Date(end * 1000).toISOString(),
      source: 'snapshot',
      dependencies,
      clusters: fleet.clusters
        .map(c => c.name)
        .sort()
        .map(cluster =>
          failure
            ? {
                cluster,
                state: 'unavailable' as const,
                source: 'snapshot',
                reason: failure,
              }
            : { cluster, state: 'ok' as const, source: 'snapshot' },
        ),
      partial: failure !== undefined,
    };
  }
}

function compareRefs(a: ServiceRef, b: ServiceRef): number {
  return a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name);
}
