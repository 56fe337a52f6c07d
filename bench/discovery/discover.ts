import { performance } from 'node:perf_hooks';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { buildFleet } from '../../plugins/mesh-backend/src/aggregation/buildFleet';
import type {
  ClusterInput,
  ClusterInventory,
} from '../../plugins/mesh-backend/src/aggregation/inventory';
import type { KubernetesClusterSource } from '../../plugins/mesh-backend/src/clusters/ClusterSource';
import { DEFAULT_EXCLUDED_NAMESPACES } from '@meshport/backstage-plugin-mesh-common';
import { FleetDiscovery } from '../../plugins/mesh-backend/src/discovery/FleetDiscovery';
import { createReader } from '../../plugins/mesh-backend/src/readers/createReader';
import { answer, childArgs, peakRssMiB } from '../lib/child';
import { clusterName } from '../lib/fleetObjects';

export interface DiscoverArgs {
  port: number;
  clusters: number;
  concurrency: number;
  pageSize: number;
  /** Also build the fleet from the inventories (what the first API read does). */
  aggregate: boolean;
}

export interface DiscoverResult {
  wallMs: number;
  peakRssMiB: number;
  baselineRssMiB: number;
  failures: string[];
  services: number;
  pods: number;
  aggregateMs?: number;
  aggregatePeakRssMiB?: number;
  fleetServices?: number;
}

const quietLogger: LoggerService = {
  info() {},
  debug() {},
  error(message) {
    console.error(message);
  },
  warn(message) {
    console.error(message);
  },
  child() {
    return quietLogger;
  },
};

/** One production discovery pass (readers, pool, timeouts, projection) over the farm. */
async function main() {
  const args = childArgs<DiscoverArgs>();
  const sources: KubernetesClusterSource[] = Array.from(
    { length: args.clusters },
    (_, i) => ({
      type: 'kubernetes',
      name: clusterName(i),
      cluster: {
        name: clusterName(i),
        url: `http://127.0.0.1:${args.port}/clusters/${clusterName(i)}`,
        authMetadata: { 'kubernetes.io/auth-provider': 'serviceAccount' },
        // client-node refuses plain HTTP unless TLS checks are off; the farm is loopback HTTP
        skipTLSVerify: true,
      },
    }),
  );
  const inventories = new Map<string, ClusterInventory>();
  const failures: string[] = [];
  const discovery = new FleetDiscovery({
    sources,
    createReader: source =>
      createReader(source, {
        pageSize: args.pageSize,
        maxObjectsPerKind: 50_000,
        authenticator: {
          credentialFor: async () => ({
            type: 'bearer token',
            token: 'bench-token',
          }),
        },
      }),
    sink: {
      async recordSuccess(cluster, inventory) {
        inventories.set(cluster, inventory);
      },
      async recordFailure(cluster, error) {
        failures.push(`${cluster}: ${error.reason} ${error.message}`);
      },
    },
    logger: quietLogger,
    timeoutMs: 600_000,
    concurrency: args.concurrency,
    excludeNamespaces: DEFAULT_EXCLUDED_NAMESPACES,
  });

  const baselineRssMiB = process.memoryUsage().rss / 2 ** 20;
  const start = performance.now();
  await discovery.runOnce();
  const wallMs = performance.now() - start;
  const result: DiscoverResult = {
    wallMs,
    peakRssMiB: peakRssMiB(),
    baselineRssMiB,
    failures,
    services: [...inventories.values()].reduce(
      (n, i) => n + i.services.length,
      0,
    ),
    pods: [...inventories.values()].reduce((n, i) => n + i.pods.length, 0),
  };

  if (args.aggregate) {
    const clusters: ClusterInput[] = sources.map(s => ({
      name: s.name,
      source: 'kubernetes',
      sync: { state: 'ok', lastSuccessAt: new Date().toISOString() },
      inventory: inventories.get(s.name),
    }));
    const t0 = performance.now();
    const fleet = buildFleet(
      clusters,
      {
        excludeNamespaces: DEFAULT_EXCLUDED_NAMESPACES,
        subsetLabels: ['version'],
        ownerLabel: 'meshport.dev/owner',
      },
      new Date(),
    );
    result.aggregateMs = performance.now() - t0;
    result.aggregatePeakRssMiB = peakRssMiB();
    result.fleetServices = fleet.services.length;
  }
  await answer(result);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
