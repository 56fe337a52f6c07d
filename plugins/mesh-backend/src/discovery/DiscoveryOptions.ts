import {
  makeValidator,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds, HumanDuration } from '@backstage/types';
import {
  DEFAULT_EXCLUDED_NAMESPACES,
  DEFAULT_OWNER_LABEL,
  isDnsLabel,
} from '@meshport/backstage-plugin-mesh-common';
import type { AggregationOptions } from '../aggregation/inventory';

export interface DiscoveryOptions {
  frequency: HumanDuration;
  /** Per-cluster limit for one sync, in milliseconds. */
  timeoutMs: number;
  concurrency: number;
  pageSize: number;
  maxObjectsPerKind: number;
  /** Worker threads that parse and map list pages; 0 keeps them on the event loop. */
  projectionThreads: number;
  /** Watch API-server clusters (list once, then follow changes), or read them every `frequency`. */
  mode: 'watch' | 'poll';
  /** In watch mode, the full list each kind gets anyway, in milliseconds. */
  relistIntervalMs: number;
  /**
   * How long a replica's lease on a cluster lasts without renewal, in milliseconds: a
   * crashed replica's clusters are taken over this long after its last check.
   */
  leaseDurationMs: number;
  aggregation: AggregationOptions;
}

function positiveInt(config: Config, key: string, fallback: number): number {
  const value = config.getOptionalNumber(key) ?? fallback;
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`${key} must be a positive integer, got ${value}`);
  }
  return value;
}

function readProjectionThreads(config: Config): number {
  const key = 'mesh.discovery.projectionThreads';
  const value = config.getOptionalNumber(key) ?? 1;
  if (!Number.isInteger(value) || value < 0 || value > 16) {
    throw new Error(
      `${key} must be a whole number from 0 to 16 (0 reads and parses list pages on the event loop), got ${value}`,
    );
  }
  return value;
}

/** Reads `mesh.*`: only what Backstage's own Kubernetes config does not already say. */
export function readDiscoveryOptions(config: Config): DiscoveryOptions {
  const discovery = config.getOptionalConfig('mesh.discovery');
  const duration = (key: string, fallback: HumanDuration) =>
    discovery?.has(key) ? readDurationFromConfig(discovery, { key }) : fallback;
  const timeoutMs = durationToMilliseconds(
    duration('timeout', { seconds: 30 }),
  );
  if (timeoutMs <= 0) {
    throw new Error('mesh.discovery.timeout must be longer than zero');
  }
  const mode = discovery?.getOptionalString('mode') ?? 'watch';
  if (mode !== 'watch' && mode !== 'poll') {
    throw new Error(`mesh.discovery.mode must be watch or poll, got "${mode}"`);
  }
  const relistIntervalMs = durationToMilliseconds(
    duration('relistInterval', { minutes: 30 }),
  );
  if (relistIntervalMs < 1000) {
    throw new Error(
      'mesh.discovery.relistInterval must be at least 1 second, e.g. { minutes: 30 }',
    );
  }
  const leaseDurationMs = durationToMilliseconds(
    duration('leaseDuration', { seconds: 30 }),
  );
  if (leaseDurationMs < 300) {
    throw new Error(
      'mesh.discovery.leaseDuration must be at least 300 milliseconds (a third of it is the check interval), e.g. { seconds: 30 }',
    );
  }
  return {
    frequency: duration('frequency', { minutes: 1 }),
    mode,
    relistIntervalMs,
    leaseDurationMs,
    timeoutMs,
    concurrency: positiveInt(config, 'mesh.discovery.concurrency', 5),
    pageSize: positiveInt(config, 'mesh.discovery.pageSize', 500),
    maxObjectsPerKind: positiveInt(
      config,
      'mesh.discovery.maxObjectsPerKind',
      50_000,
    ),
    projectionThreads: readProjectionThreads(config),
    aggregation: {
      excludeNamespaces:
        config.getOptionalStringArray('mesh.discovery.excludeNamespaces') ??
        DEFAULT_EXCLUDED_NAMESPACES,
      subsetLabels: config.getOptionalStringArray(
        'mesh.discovery.subsetLabels',
      ) ?? ['version'],
      ownerLabel:
        config.getOptionalString('mesh.ownerLabel') ?? DEFAULT_OWNER_LABEL,
      owners: readConfiguredOwners(config),
    },
  };
}

/**
 * `mesh.ownership.owners`: the platform team's word on who owns one service (`namespace` +
 * `service`) or every service of a namespace (`namespace` alone). A bare owner name is a Group
 * in `default`, as an owner label is. Keyed `<namespace>/<name>` or `<namespace>`.
 */
function readConfiguredOwners(config: Config): Record<string, string> {
  const owners: Record<string, string> = {};
  const entries = config.getOptionalConfigArray('mesh.ownership.owners') ?? [];
  entries.forEach((entry, i) => {
    const where = `mesh.ownership.owners[${i}]`;
    const namespace = entry.getString('namespace');
    const service = entry.getOptionalString('service');
    const value = entry.getString('owner');
    if (
      !isDnsLabel(namespace) ||
      (service !== undefined && !isDnsLabel(service))
    ) {
      throw new Error(
        `${where}: namespace and service must be Kubernetes names, e.g. namespace: bookinfo, service: reviews`,
      );
    }
    const ref = ownerEntityRef(value);
    if (!ref) {
      throw new Error(
        `${where}.owner must be an entity ref like "bookinfo-team" or "group:default/bookinfo-team", got "${value}"`,
      );
    }
    const key = service ? `${namespace}/${service}` : namespace;
    if (owners[key]) {
      throw new Error(`${where} names ${key} a second time; keep one entry`);
    }
    owners[key] = ref;
  });
  return owners;
}

function ownerEntityRef(value: string): string | undefined {
  const validator = makeValidator();
  try {
    const ref = parseEntityRef(value.trim(), {
      defaultKind: 'group',
      defaultNamespace: 'default',
    });
    return validator.isValidKind(ref.kind) &&
      validator.isValidNamespace(ref.namespace) &&
      validator.isValidEntityName(ref.name)
      ? stringifyEntityRef(ref)
      : undefined;
  } catch {
    return undefined;
  }
}
