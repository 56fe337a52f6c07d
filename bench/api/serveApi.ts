import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import express from 'express';
import { mockServices } from '@backstage/backend-test-utils';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { ClusterInventory } from '../../plugins/mesh-backend/src/aggregation/inventory';
import { projectInventory } from '../../plugins/mesh-backend/src/discovery/projectInventory';
import { DEFAULT_EXCLUDED_NAMESPACES } from '@meshport/backstage-plugin-mesh-common';
import { createRouter } from '../../plugins/mesh-backend/src/service/router';
import { queryServices } from '../../plugins/mesh-backend/src/service/queryServices';
import { CatalogServiceAccess } from '../../plugins/mesh-backend/src/service/ServiceEntityAccess';
import { LiveFleetStore } from '../../plugins/mesh-backend/src/store/LiveFleetStore';
import { memoryRepository } from '../../plugins/mesh-backend/src/__testUtils__/memoryRepository';
import { answer, childArgs, peakRssMiB } from '../lib/child';
import {
  clusterName,
  DEFAULT_SHAPE,
  FleetShape,
  generateCluster,
} from '../lib/fleetObjects';

export interface ServeApiArgs {
  clusters: number;
  servicesPerCluster: number;
  podsPerService: number;
  sharedBy: number;
}

export interface ServeApiReady {
  port: number;
  services: number;
  generateMs: number;
  buildFleetMs: number;
  firstBuildLongestStallMs: number;
  /** The first text search on a fleet builds its search index: what that one request pays. */
  searchIndexMs: number;
  /** A round of syncs that read the same content again: recording it, then the rebuild. */
  syncRoundMs: number;
  rebuildUnchangedMs: number;
  /** The same, with one pod of one cluster changed: only that cluster is recomputed. */
  rebuildOneChangedMs: number;
  rssMiB: number;
}

const logger: LoggerService = {
  info() {},
  debug() {},
  warn: m => console.error(m),
  error: m => console.error(m),
  child: () => logger,
};

/**
 * The mesh REST router standalone, as the backend mounts it, over the production fleet store
 * (in-memory repository) filled with generated inventories. Auth is Backstage's mock HttpAuth
 * (a mock user token is parsed per request) and an ALLOW-all permissions service.
 */
async function main() {
  const args = childArgs<ServeApiArgs>();
  const shape: FleetShape = { ...DEFAULT_SHAPE, ...args };
  const names = Array.from({ length: args.clusters }, (_, i) => clusterName(i));
  const store = new LiveFleetStore({
    clusters: names.map(name => ({ name, source: 'kubernetes' as const })),
    repository: memoryRepository(),
    aggregation: {
      excludeNamespaces: DEFAULT_EXCLUDED_NAMESPACES,
      subsetLabels: ['version'],
      ownerLabel: 'meshport.dev/owner',
    },
    logger,
  });
  await store.load();
  const inventories: ClusterInventory[] = [];
  const t0 = performance.now();
  for (let c = 0; c < args.clusters; c++) {
    const o = generateCluster(c, shape);
    const inventory = projectInventory(
      {
        namespaces: o.namespaces,
        nodes: o.nodes,
        services: o.services,
        endpointSlices: o.endpointslices,
        pods: o.pods,
        deployments: o.deployments,
        statefulSets: o.statefulsets,
        configMaps: o.configmaps,
        remoteSecrets: o.secrets,
        meshConfig: [
          ...o.virtualservices,
          ...o.destinationrules,
          ...o.gateways,
          ...o.peerauthentications,
          ...o.authorizationpolicies,
        ],
      },
      DEFAULT_EXCLUDED_NAMESPACES,
    );
    inventories.push(inventory);
    await store.recordSuccess(names[c], inventory, new Date());
  }
  const generateMs = performance.now() - t0;
  const stalls = monitorEventLoopDelay({ resolution: 10 });
  stalls.enable();
  const t1 = performance.now();
  const fleet = await store.getFleet();
  const buildFleetMs = performance.now() - t1;
  stalls.disable();
  // the longest the event loop was held during the first build (other requests wait that long)
  const firstBuildLongestStallMs = stalls.max / 1e6;
  const t2 = performance.now();
  queryServices(fleet.services, { q: 'warm', offset: 0, limit: 1 });
  const searchIndexMs = performance.now() - t2;

  // the next discovery round: every cluster answers again, as new objects
  const reread = inventories.map(
    i => JSON.parse(JSON.stringify(i)) as ClusterInventory,
  );
  const t3 = performance.now();
  for (let c = 0; c < args.clusters; c++)
    await store.recordSuccess(names[c], reread[c], new Date());
  const syncRoundMs = performance.now() - t3;
  const t4 = performance.now();
  await store.getFleet();
  const rebuildUnchangedMs = performance.now() - t4;
  const changed = JSON.parse(
    JSON.stringify(inventories[0]),
  ) as ClusterInventory;
  changed.pods[0].ready = !changed.pods[0].ready;
  await store.recordSuccess(names[0], changed, new Date());
  const t5 = performance.now();
  await store.getFleet();
  const rebuildOneChangedMs = performance.now() - t5;

  const permissions = mockServices.permissions({
    result: AuthorizeResult.ALLOW,
  });
  const app = express();
  app.use(
    '/api/mesh',
    await createRouter({
      httpAuth: mockServices.httpAuth(),
      permissions,
      fleetStore: store,
      // the real check, over an in-memory catalog: its lookup is part of every detail request
      serviceAccess: new CatalogServiceAccess({
        catalog: catalogServiceMock({ entities: [] }),
        auth: mockServices.auth(),
        permissions,
      }),
    }),
  );
  app.use(
    (
      error: Error,
      _req: express.Request,
      res: express.Response,
      _next: express.NextFunction,
    ) => {
      const status =
        error.name === 'NotFoundError'
          ? 404
          : error.name === 'InputError'
          ? 400
          : 500;
      res
        .status(status)
        .json({ error: { name: error.name, message: error.message } });
    },
  );
  const server = http.createServer(app);
  server.keepAliveTimeout = 60_000;
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  process.on('message', async (m: { type: string }) => {
    if (m.type === 'stats') await answer({ peakRssMiB: peakRssMiB() });
    if (m.type === 'stop') {
      server.closeAllConnections();
      server.close(() => process.exit(0));
    }
  });
  const ready: ServeApiReady = {
    port: (server.address() as AddressInfo).port,
    services: fleet.services.length,
    generateMs,
    buildFleetMs,
    firstBuildLongestStallMs,
    searchIndexMs,
    syncRoundMs,
    rebuildUnchangedMs,
    rebuildOneChangedMs,
    rssMiB: process.memoryUsage().rss / 2 ** 20,
  };
  await answer(ready);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
