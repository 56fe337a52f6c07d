import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  ISTIO_REQUESTS,
  ISTIO_TCP_OPENED,
  ISTIO_TCP_SENT_BYTES,
  dependencyQuery,
  errorsSeriesQuery,
  httpRequestsQuery,
  latencyQuantileQuery,
  requestsSeriesQuery,
  tcpQuery,
} from '../promql/istio';
import {
  LinkerdScope,
  linkerdErrorsSeriesQuery,
  linkerdLatencyQuantileQuery,
  linkerdRequestsSeriesQuery,
  linkerdResponsesQuery,
} from '../promql/linkerd';
import {
  type ClusterMetricsStatus,
  type ServiceDependencies,
  type ServiceRef,
  type ServiceTraffic,
  type TrafficDirection,
  type TrafficEdge,
} from '@meshport/backstage-plugin-mesh-common';
import {
  ClusterIdResolver,
  DirectionAnswers,
  type InstantSample,
  MIN_STEP_SECONDS,
  SeriesGrid,
  assembleEdges,
  compareEdges,
  seriesGrid,
} from '@meshport/backstage-plugin-mesh-node';
import type {
  MeshFleetReader,
  MeshTrafficSource,
} from '@meshport/backstage-plugin-mesh-node';
import {
  LinkerdDirectionAnswers,
  assembleLinkerdEdges,
} from './assembleLinkerdEdges';
import { assembleDependencies } from './assembleDependencies';
import { LinkerdPeers, linkerdScopeOf } from './linkerdFleet';
import type { PrometheusTarget, PrometheusTargets } from './prometheusTargets';

interface TargetOutcome {
  target: PrometheusTarget;
  answers: Record<TrafficDirection, DirectionAnswers>;
  /** Absent when none of the target's clusters runs the service with a Linkerd data plane. */
  linkerd?: Record<TrafficDirection, LinkerdDirectionAnswers>;
  failures: string[];
  queries: number;
}

const DIRECTIONS: TrafficDirection[] = ['inbound', 'outbound'];

/** The answers of one direction read with an instant query, and with a range query. */
type InstantField = 'http' | 'p50' | 'p95' | 'p99' | 'tcpBytes' | 'tcpOpened';
type RangeField = 'requestsSeries' | 'errorsSeries';
/** Traffic figures from Prometheus: per cluster, or one global, or both. */
export class PrometheusTrafficSource implements MeshTrafficSource {
  constructor(
    private readonly options: {
      fleet: MeshFleetReader;
      targets: PrometheusTargets;
      logger: LoggerService;
      /** Milliseconds since the epoch; injected so tests can look at backfilled data. */
      now?: () => number;
    },
  ) {}

  async getTraffic(
    service: ServiceRef,
    window: { text: string; seconds: number },
  ): Promise<ServiceTraffic> {
    const { targets } = this.options;
    const fleet = await this.options.fleet.getFleet();
    const resolver = new ClusterIdResolver(fleet);
    const clusterNames = [
      ...new Set([
        ...fleet.clusters.map(c => c.name),
        ...targets.configuredClusters(),
      ]),
    ].sort();
    const plan = targets.plan(clusterNames);

    // Aligned to the scrape interval: figures cannot change in between, and page loads
    // within the same 15 s ask identical queries, which the cache then answers.
    const nowSeconds = (this.options.now ?? Date.now)() / 1000;
    const end = Math.floor(nowSeconds / MIN_STEP_SECONDS) * MIN_STEP_SECONDS;
    const grid = seriesGrid(window.seconds, end);

    const outcomes = await Promise.all(
      plan.targets.map(t =>
        this.ask(
          t,
          service,
          linkerdScopeOf(fleet, service, t.clusters),
          window.seconds,
          grid,
        ),
      ),
    );

    const statuses = this.statusesOf(outcomes, plan.uncovered);

    const answers = (d: TrafficDirection) => outcomes.map(o => o.answers[d]);
    const peers = new LinkerdPeers(fleet);
    const edges = (d: TrafficDirection): TrafficEdge[] =>
      [
        ...assembleEdges(d, answers(d), resolver),
        ...assembleLinkerdEdges(
          d,
          outcomes.flatMap(o =>
            o.linkerd
              ? [
                  {
                    ownCluster: o.target.ownCluster,
                    clusters: o.target.clusters,
                    answers: o.linkerd[d],
                  },
                ]
              : [],
          ),
          peers,
        ),
      ].sort(compareEdges);
    return {
      service,
      window: window.text,
      windowSeconds: window.seconds,
      evaluatedAt: new Date(end * 1000).toISOString(),
      seriesStepSeconds: grid.stepSeconds,
      source: 'prometheus',
      inbound: edges('inbound'),
      outbound: edges('outbound'),
      clusters: statuses,
      partial: statuses.some(s => s.state !== 'ok'),
    };
  }

  /**
   * Who calls whom, fleet-wide: two queries per Prometheus (requests and connections opened)
   * instead of a dozen per service. Istio's metrics only: Linkerd's proxies label calls by
   * authority, not by the callee's service and cluster, so Linkerd pairs are not listed.
   */
  async getDependencies(window: {
    text: string;
    seconds: number;
  }): Promise<ServiceDependencies> {
    const { targets } = this.options;
    const fleet = await this.options.fleet.getFleet();
    const resolver = new ClusterIdResolver(fleet);
    const plan = targets.plan(
      [
        ...new Set([
          ...fleet.clusters.map(c => c.name),
          ...targets.configuredClusters(),
        ]),
      ].sort(),
    );
    const nowSeconds = (this.options.now ?? Date.now)() / 1000;
    const end = Math.floor(nowSeconds / MIN_STEP_SECONDS) * MIN_STEP_SECONDS;
    const outcomes = await Promise.all(
      plan.targets.map(async target => {
        const failures: string[] = [];
        const ask = (query: string) =>
          target.client.instant(query, end).catch((error: Error) => {
            failures.push(error.message);
            return undefined;
          });
        const [requests, connections]: Array<InstantSample[] | undefined> =
          await Promise.all([
            ask(dependencyQuery(ISTIO_REQUESTS, window.seconds)),
            ask(dependencyQuery(ISTIO_TCP_OPENED, window.seconds)),
          ]);
        if (failures.length > 0)
          this.options.logger.warn(
            `${failures.length} of 2 dependency queries to ${target.source} failed: ${failures[0]}`,
          );
        return { target, failures, queries: 2, requests, connections };
      }),
    );
    const clusters = this.statusesOf(outcomes, plan.uncovered);
    return {
      window: window.text,
      windowSeconds: window.seconds,
      evaluatedAt: new Date(end * 1000).toISOString(),
      source: 'prometheus',
      dependencies: assembleDependencies(outcomes, resolver),
      clusters,
      partial: clusters.some(c => c.state !== 'ok'),
    };
  }

  /** Each cluster's status from its Prometheus' outcome; clusters no Prometheus covers are unavailable. */
  private statusesOf(
    outcomes: Array<Pick<TargetOutcome, 'target' | 'failures' | 'queries'>>,
    uncovered: string[],
  ): ClusterMetricsStatus[] {
    const statuses: ClusterMetricsStatus[] = [];
    for (const outcome of outcomes) {
      statuses.push(...this.statusOf(outcome));
    }
    for (const cluster of uncovered) {
      statuses.push({
        cluster,
        state: 'unavailable',
        source: 'none',
        reason: `no Prometheus configured for ${cluster} — set mesh.clusters[].prometheus.url for it, or mesh.prometheus.url for all clusters`,
      });
    }
    return statuses.sort((a, b) => a.cluster.localeCompare(b.cluster));
  }

  /** Runs every query against one Prometheus; a failed query leaves its answer out. */
  private async ask(
    target: PrometheusTarget,
    service: ServiceRef,
    linkerdScope: LinkerdScope | undefined,
    windowSeconds: number,
    grid: SeriesGrid,
  ): Promise<TargetOutcome> {
    const { client } = target;
    const failures: string[] = [];
    const answers: Record<TrafficDirection, DirectionAnswers> = {
      inbound: {},
      outbound: {},
    };
    const jobs: Promise<void>[] = [];
    const run = <T>(promise: Promise<T>, store: (value: T) => void) =>
      jobs.push(
        promise.then(store, (error: Error) => {
          failures.push(error.message);
        }),
      );
    const at = grid.end;

    for (const d of DIRECTIONS) {
      const a = answers[d];
      // One instant query per figure of the window, one range query per series.
      const instants: Array<[InstantField, string]> = [
        ['http', httpRequestsQuery(d, service, windowSeconds)],
        ['p50', latencyQuantileQuery(d, service, windowSeconds, 0.5)],
        ['p95', latencyQuantileQuery(d, service, windowSeconds, 0.95)],
        ['p99', latencyQuantileQuery(d, service, windowSeconds, 0.99)],
        ['tcpBytes', tcpQuery(ISTIO_TCP_SENT_BYTES, d, service, windowSeconds)],
        ['tcpOpened', tcpQuery(ISTIO_TCP_OPENED, d, service, windowSeconds)],
      ];
      for (const [field, query] of instants)
        run(client.instant(query, at), v => {
          a[field] = v;
        });
      const series: Array<[RangeField, string]> = [
        ['requestsSeries', requestsSeriesQuery(d, service, grid.rateSeconds)],
        ['errorsSeries', errorsSeriesQuery(d, service, grid.rateSeconds)],
      ];
      for (const [field, query] of series)
        run(client.range(query, grid.start, grid.end, grid.stepSeconds), v => {
          a[field] = v;
        });
    }
    const linkerd = linkerdScope
      ? this.askLinkerd(run, target, linkerdScope, windowSeconds, grid)
      : undefined;
    await Promise.all(jobs);
    if (failures.length > 0) {
      this.options.logger.warn(
        `${failures.length} of ${jobs.length} traffic queries to ${target.source} failed for ${service.namespace}/${service.name}: ${failures[0]}`,
      );
    }
    return { target, answers, linkerd, failures, queries: jobs.length };
  }

  /** Queues the Linkerd queries of one Prometheus on `run`; answers land in the returned record. */
  private askLinkerd(
    run: <T>(promise: Promise<T>, store: (value: T) => void) => void,
    target: PrometheusTarget,
    scope: LinkerdScope,
    windowSeconds: number,
    grid: SeriesGrid,
  ): Record<TrafficDirection, LinkerdDirectionAnswers> {
    const { client } = target;
    const answers: Record<TrafficDirection, LinkerdDirectionAnswers> = {
      inbound: {},
      outbound: {},
    };
    const at = grid.end;
    for (const d of DIRECTIONS) {
      const a = answers[d];
      run(
        client.instant(linkerdResponsesQuery(d, scope, windowSeconds), at),
        v => {
          a.responses = v;
        },
      );
      for (const [q, quantile] of [
        ['p50', 0.5],
        ['p95', 0.95],
        ['p99', 0.99],
      ] as const) {
        run(
          client.instant(
            linkerdLatencyQuantileQuery(d, scope, windowSeconds, quantile),
            at,
          ),
          v => {
            a[q] = v;
          },
        );
      }
      run(
        client.range(
          linkerdRequestsSeriesQuery(d, scope, grid.rateSeconds),
          grid.start,
          grid.end,
          grid.stepSeconds,
        ),
        v => {
          a.requestsSeries = v;
        },
      );
      run(
        client.range(
          linkerdErrorsSeriesQuery(d, scope, grid.rateSeconds),
          grid.start,
          grid.end,
          grid.stepSeconds,
        ),
        v => {
          a.errorsSeries = v;
        },
      );
    }
    return answers;
  }

  private statusOf(
    outcome: Pick<TargetOutcome, 'target' | 'failures' | 'queries'>,
  ): ClusterMetricsStatus[] {
    const { target, failures, queries } = outcome;
    const distinct = [...new Set(failures)];
    let status: Omit<ClusterMetricsStatus, 'cluster'>;
    if (failures.length === 0) {
      status = { state: 'ok', source: target.source };
    } else if (failures.length === queries) {
      status = {
        state: 'unavailable',
        source: target.source,
        reason: distinct.join('; '),
      };
    } else {
      status = {
        state: 'partial',
        source: target.source,
        reason: `${
          failures.length
        } of ${queries} queries failed: ${distinct.join('; ')}`,
      };
    }
    // A global Prometheus asked before discovery knows any cluster still reports its state, under `*`.
    const clusters = target.clusters.length > 0 ? target.clusters : ['*'];
    return clusters.map(cluster => ({ cluster, ...status }));
  }
}
