import { Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';

/** The Prometheus (or Thanos Query) to read traffic from, as configured under `mesh`. */
export interface PrometheusConfig {
  /** One Prometheus (or Thanos Query…) holding every cluster's series: `mesh.prometheus.url`. */
  globalPrometheusUrl?: string;
  /** A Prometheus per Backstage cluster name: `mesh.clusters[].prometheus.url`. Wins over the global one for that cluster. */
  clusterPrometheusUrls: Map<string, string>;
  /** Per query: `mesh.prometheus.timeout`, default 5 s. */
  timeoutMs: number;
  /** How long an answer is reused: `mesh.prometheus.cacheTtl`, default 30 s; 0 disables the cache. */
  cacheTtlMs: number;
}

export const DEFAULT_TIMEOUT_MS = 5000;
export const DEFAULT_CACHE_TTL_MS = 30_000;

function readDuration(
  config: Config,
  key: string,
  fallbackMs: number,
  bounds: { min: number; max: number },
): number {
  if (!config.has(key)) {
    return fallbackMs;
  }
  let ms: number;
  try {
    ms = durationToMilliseconds(readDurationFromConfig(config, { key }));
  } catch (error) {
    throw new Error(
      `mesh.${key} must be a duration such as '5s' or { seconds: 5 }: ${
        (error as Error).message
      }`,
    );
  }
  if (ms < bounds.min || ms > bounds.max) {
    throw new Error(
      `mesh.${key} is ${ms} ms; it must be between ${bounds.min} ms and ${bounds.max} ms`,
    );
  }
  return ms;
}

function readUrl(config: Config, key: string, where: string): string {
  const value = config.getString(key);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(
      `${where} '${value}' is not a URL; expected e.g. http://prometheus.istio-system:9090`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(
      `${where} must be an http or https URL, got '${url.protocol}'`,
    );
  }
  return value;
}

/**
 * Reads the Prometheus settings under `mesh`, or `undefined` when no Prometheus URL is set at
 * all (this module then provides no traffic source). Every problem names the key and what
 * was expected, since a wrong value here only shows up later as "no traffic".
 */
export function readPrometheusConfig(
  root: Config,
): PrometheusConfig | undefined {
  const mesh = root.getOptionalConfig('mesh');
  if (!mesh) {
    return undefined;
  }
  const clusterPrometheusUrls = new Map<string, string>();
  const globalPrometheusUrl = mesh.has('prometheus.url')
    ? readUrl(mesh, 'prometheus.url', 'mesh.prometheus.url')
    : undefined;

  // Other keys of mesh.clusters[] belong to discovery; only name and prometheus are read here.
  (mesh.getOptionalConfigArray('clusters') ?? []).forEach((cluster, i) => {
    if (!cluster.has('prometheus')) {
      return;
    }
    const name = cluster.getOptionalString('name');
    if (!name) {
      throw new Error(
        `mesh.clusters[${i}] has a prometheus but no name; set name to the cluster's name in Backstage`,
      );
    }
    if (clusterPrometheusUrls.has(name)) {
      throw new Error(`mesh.clusters has two Prometheus for cluster '${name}'`);
    }
    clusterPrometheusUrls.set(
      name,
      readUrl(cluster, 'prometheus.url', `mesh.clusters[${i}].prometheus.url`),
    );
  });

  // Timeouts and cache are checked even without a URL: a typo there should not wait for the
  // day a URL is added.
  const timeoutMs = readDuration(
    mesh,
    'prometheus.timeout',
    DEFAULT_TIMEOUT_MS,
    { min: 100, max: 120_000 },
  );
  const cacheTtlMs = readDuration(
    mesh,
    'prometheus.cacheTtl',
    DEFAULT_CACHE_TTL_MS,
    { min: 0, max: 3_600_000 },
  );
  if (!globalPrometheusUrl && clusterPrometheusUrls.size === 0) {
    return undefined;
  }
  return { globalPrometheusUrl, clusterPrometheusUrls, timeoutMs, cacheTtlMs };
}
