import { PrometheusClient } from '../prometheus/PrometheusClient';
import { createAnswerCache } from '../prometheus/answerCache';
import type { PrometheusConfig } from '../config/readPrometheusConfig';

/** A Prometheus and the clusters whose series it is asked for. */
export interface PrometheusTarget {
  /** `prometheus:<cluster>` or `prometheus:global`, as shown in ClusterMetricsStatus.source. */
  source: string;
  client: PrometheusClient;
  clusters: string[];
  /**
   * Set for a cluster's own Prometheus: it scrapes only that cluster, so a series without any
   * cluster label (Linkerd's) is that cluster's. Unset for the global one.
   */
  ownCluster?: string;
}

export interface TargetPlan {
  targets: PrometheusTarget[];
  /** Clusters no configured Prometheus covers. */
  uncovered: string[];
}

/**
 * Builds one client per configured URL, once: only URLs from config are ever fetched.
 */
export class PrometheusTargets {
  private readonly perCluster = new Map<string, PrometheusClient>();
  private readonly global?: PrometheusClient;

  constructor(config: PrometheusConfig, fetchFn?: typeof fetch) {
    const cache = createAnswerCache(config.cacheTtlMs);
    for (const [cluster, url] of config.clusterPrometheusUrls) {
      this.perCluster.set(
        cluster,
        new PrometheusClient({
          name: cluster,
          baseUrl: url,
          timeoutMs: config.timeoutMs,
          cache,
          fetchFn,
        }),
      );
    }
    if (config.globalPrometheusUrl) {
      this.global = new PrometheusClient({
        name: 'global',
        baseUrl: config.globalPrometheusUrl,
        timeoutMs: config.timeoutMs,
        cache,
        fetchFn,
      });
    }
  }

  /** Clusters that have a Prometheus of their own, whether or not discovery knows them yet. */
  configuredClusters(): string[] {
    return [...this.perCluster.keys()];
  }

  /**
   * Groups clusters by the Prometheus to ask. A cluster's own Prometheus wins; the global
   * one covers the rest.
   */
  plan(clusters: string[]): TargetPlan {
    const targets: PrometheusTarget[] = [];
    const globalClusters: string[] = [];
    const uncovered: string[] = [];
    for (const cluster of clusters) {
      const own = this.perCluster.get(cluster);
      if (own) {
        targets.push({
          source: `prometheus:${cluster}`,
          client: own,
          clusters: [cluster],
          ownCluster: cluster,
        });
      } else if (this.global) {
        globalClusters.push(cluster);
      } else {
        uncovered.push(cluster);
      }
    }
    if (this.global && (globalClusters.length > 0 || clusters.length === 0)) {
      targets.push({
        source: 'prometheus:global',
        client: this.global,
        clusters: globalClusters,
      });
    }
    return { targets, uncovered };
  }
}
