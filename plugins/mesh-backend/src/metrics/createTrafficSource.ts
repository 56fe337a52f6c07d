import type { LoggerService } from '@backstage/backend-plugin-api';
import type { FleetSource } from './fleetSource';
import type { MetricsConfig } from './config/readMetricsConfig';
import { SnapshotTrafficSource } from './snapshot/SnapshotTrafficSource';
import { PrometheusTrafficSource } from './traffic/PrometheusTrafficSource';
import { PrometheusTargets } from './traffic/prometheusTargets';
import type { TrafficSource } from './traffic/TrafficSource';

/**
 * Picks the traffic source from config: the snapshot file when one is set (the demo), else
 * Prometheus. With no Prometheus configured either, every cluster answers `unavailable`
 * with the key to set.
 */
export function createTrafficSource(options: {
  config: MetricsConfig;
  fleetStore: FleetSource;
  logger: LoggerService;
  now?: () => number;
  fetchFn?: typeof fetch;
}): TrafficSource {
  const { config, fleetStore, logger, now } = options;
  if (config.snapshotFile) {
    logger.info(
      `Traffic comes from the snapshot ${config.snapshotFile}, not from Prometheus`,
    );
    return new SnapshotTrafficSource({
      file: config.snapshotFile,
      fleetStore,
      cacheTtlMs: config.cacheTtlMs,
      now,
    });
  }
  return new PrometheusTrafficSource({
    fleetStore,
    targets: new PrometheusTargets(config, options.fetchFn),
    logger,
    now,
  });
}
