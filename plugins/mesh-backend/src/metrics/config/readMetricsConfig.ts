import { Config, readDurationFromConfig } from '@backstage/config';

/** Where traffic figures come from, as configured under `mesh`. */
export interface MetricsConfig {
  /** One Prometheus (or Thanos Query…) holding every cluster's series: `mesh.prometheus.url`. */
  globalPrometheusUrl?: string;
  /** A Prometheus per Backstage cluster name: `mesh.clusters[].prometheus.url`. Wins over the global one for that cluster. */
  clusterPrometheusUrls: Map<string, string>;
  /** Per query: `mesh.prometheus.timeout`, default 5 s. */
  timeoutMs: number;
  /** How long an answer is reused: `mesh.prometheus.cacheTtl`, default 30 s; 0 disables the cache. */
  cacheTtlMs: number;
  /** When set, traffic comes from this JSON file instead of Prometheus: `mesh.traffic.snapshot.file`. */
  snapshotFile?: string;
}

export const DEFAULT_TIMEOUT_MS = 5000;
export const DEFAULT_CACHE_TTL_MS = 30_000;

type HumanDuration = ReturnType<typeof readDurationFromConfig>;

const MS_PER_UNIT: Record<keyof HumanDuration, number> = {
  years: 365 * 86_400_000,
  months: 30 * 86_400_000,
  weeks: 7 * 86_400_000,
  days: 86_400_000,
  hours: 3_600_000,
  minutes: 60_000,
  seconds: 1000,
  milliseconds: 1,
};

function toMilliseconds(duration: HumanDuration): number {
  return Object.entries(duration).reduce(
    (sum, [unit, n]) =>
      sum + (n ?? 0) * MS_PER_UNIT[unit as keyof HumanDuration],
    0,
  );
}

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
    ms = toMilliseconds(readDurationFromConfig(config, { key }));
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
 * Reads the metrics settings under `mesh`. Every problem names the key and what was
 * expected, since a wrong value here only shows up later as "no traffic".
 */
export function readMetricsConfig(root: Config): MetricsConfig {
  const mesh = root.getOptionalConfig('mesh');
  const clusterPrometheusUrls = new Map<string, string>();
  if (!mesh) {
    return {
      clusterPrometheusUrls,
      timeoutMs: DEFAULT_TIMEOUT_MS,
      cacheTtlMs: DEFAULT_CACHE_TTL_MS,
    };
  }

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

  return {
    globalPrometheusUrl,
    clusterPrometheusUrls,
    timeoutMs: readDuration(mesh, 'prometheus.timeout', DEFAULT_TIMEOUT_MS, {
      min: 100,
      max: 120_000,
    }),
    cacheTtlMs: readDuration(
      mesh,
      'prometheus.cacheTtl',
      DEFAULT_CACHE_TTL_MS,
      {
        min: 0,
        max: 3_600_000,
      },
    ),
    snapshotFile: mesh.getOptionalString('traffic.snapshot.file'),
  };
}
