import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import knexFactory from 'knex';
import { writeClusterSnapshot } from '@meshport/fleet-generator';
import { clusterFiles, clusterName, DEFAULT_SHAPE } from './lib/fleetObjects';
import { SnapshotReader } from '../plugins/mesh-backend/src/readers/SnapshotReader';
import { readClusterInventory } from '../plugins/mesh-backend/src/discovery/readClusterInventory';
import { DatabaseClusterStateRepository } from '../plugins/mesh-backend/src/store/DatabaseClusterStateRepository';
import { LiveFleetStore } from '../plugins/mesh-backend/src/store/LiveFleetStore';
import { deriveCluster } from '../plugins/mesh-backend/src/aggregation/FleetMemo';
import { inventoryDigest } from '../plugins/mesh-backend/src/store/inventoryDigest';
import { DEFAULT_EXCLUDED_NAMESPACES } from '@meshport/backstage-plugin-mesh-common';

async function main() {
  const clusters = Number(process.argv[2] ?? 20),
    per = Number(process.argv[3] ?? 5000);
  const shape = {
    ...DEFAULT_SHAPE,
    clusters,
    servicesPerCluster: per,
    podsPerService: 3,
    sharedBy: 2,
  };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshport-reload-'));
  for (let c = 0; c < clusters; c++)
    writeClusterSnapshot(
      path.join(dir, clusterName(c)),
      clusterFiles(c, shape as any),
    );
  const dbfile = path.join(dir, 'db.sqlite');
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: dbfile },
    useNullAsDefault: true,
  });
  const database: any = { getClient: async () => knex, migrations: {} };
  const repo = await DatabaseClusterStateRepository.create(database);
  const aggregation = {
    excludeNamespaces: DEFAULT_EXCLUDED_NAMESPACES,
    subsetLabels: ['version'],
    ownerLabel: 'meshport.dev/owner',
  };
  let deriveMs = 0,
    derivStringifyMs = 0,
    derivParseMs = 0,
    invParseMs = 0,
    derivBytes = 0,
    invBytes = 0;
  for (let c = 0; c < clusters; c++) {
    const name = clusterName(c);
    const inv = await readClusterInventory(
      new SnapshotReader({
        type: 'snapshot',
        name,
        directory: path.join(dir, name),
      }),
      {
        signal: new AbortController().signal,
        excludeNamespaces: DEFAULT_EXCLUDED_NAMESPACES,
      },
    );
    await repo.saveSuccess(name, inv, {
      state: 'ok',
      lastSuccessAt: 'x',
      lastAttemptAt: 'x',
    });
    const json = JSON.stringify(inv);
    invBytes += json.length;
    let t = performance.now();
    const parsed = JSON.parse(json);
    invParseMs += performance.now() - t;
    t = performance.now();
    const d = deriveCluster(
      {
        name,
        source: 'kubernetes',
        sync: { state: 'ok' },
        inventory: parsed,
        inventoryDigest: inventoryDigest(json),
      } as any,
      aggregation as any,
    );
    deriveMs += performance.now() - t;
    t = performance.now();
    const ds = JSON.stringify(d);
    derivStringifyMs += performance.now() - t;
    derivBytes += ds.length;
    t = performance.now();
    JSON.parse(ds);
    derivParseMs += performance.now() - t;
  }
  const logger: any = {
    info() {},
    warn: console.error,
    error: console.error,
    debug() {},
    child() {
      return logger;
    },
  };
  const t0 = performance.now();
  const store = new LiveFleetStore({
    clusters: [],
    repository: repo,
    aggregation: aggregation as any,
    logger,
  });
  await store.load();
  const loaded = performance.now();
  const view = await store.getFleetView();
  const served = performance.now();
  console.log(
    JSON.stringify({
      clusters,
      per,
      services: view.fleet.services.length,
      loadMs: Math.round(loaded - t0),
      buildFirstViewMs: Math.round(served - loaded),
      loadToFirstReadMs: Math.round(served - t0),
      inventoryParseMs: Math.round(invParseMs),
      deriveMs: Math.round(deriveMs),
      derivationStringifyMs: Math.round(derivStringifyMs),
      derivationParseMs: Math.round(derivParseMs),
      inventoryMB: Math.round(invBytes / 1e6),
      derivationMB: Math.round(derivBytes / 1e6),
      rssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    }),
  );
  await knex.destroy();
  fs.rmSync(dir, { recursive: true, force: true });
}
main().then(
  () => process.exit(0),
  e => {
    console.error(e);
    process.exit(1);
  },
);
