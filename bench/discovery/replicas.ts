import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { databaseServiceFactory } from '@backstage/backend-defaults/database';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { startPostgres } from '../../plugins/mesh-backend/src/__testUtils__/postgresHarness';
import { answer, childArgs } from '../lib/child';
import { farmClusterLocator } from '../lib/apiServerFarm';

export interface ReplicasArgs {
  port: number;
  clusters: number;
  pageSize: number;
  leaseMs: number;
}

export interface ReplicasResult {
  /** From both replicas started to every cluster watched by its lease holder alone. */
  splitMs: number;
  /** Clusters each replica listed (watches started) once the split settled. */
  clustersPerReplica: number[];
  /**
   * From a clean stop to the other replica listing the first, and the last, of its
   * clusters (they start `concurrency` at a time, the next when one has synced).
   */
  cleanTakeoverMs: Takeover;
  /** The same from a replica cut off the database (no shutdown hook). */
  crashTakeoverMs: Takeover;
}

/**
 * When the first and the last of the clusters were listed by their new holder; `missing`
 * names those it had not listed when the bench stopped waiting (a loaded machine), the
 * times then being over the others.
 */
export interface Takeover {
  first: number;
  last: number;
  missing?: string[];
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/**
 * A loopback proxy in front of the farm for one replica: it tells which replica read which
 * cluster, as the farm serves them all alike. A cluster's sync (and a watch's start) begins
 * with its namespace list; the time of each is recorded.
 */
async function countingProxy(farmPort: number) {
  const lists: Array<{ cluster: string; at: number }> = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://proxy');
    const cluster = /^\/clusters\/([^/]+)\/api\/v1\/namespaces$/.exec(
      url.pathname,
    )?.[1];
    if (cluster && !url.searchParams.has('watch'))
      lists.push({ cluster, at: performance.now() });
    const upstream = http.request(
      {
        host: '127.0.0.1',
        port: farmPort,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      answerFromFarm => {
        res.writeHead(answerFromFarm.statusCode ?? 502, answerFromFarm.headers);
        answerFromFarm.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    lists,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

/**
 * Two (then three) mesh backends on one real PostgreSQL (Debian's server, started on
 * loopback as the integration tests do), Backstage's real database and scheduler services,
 * watching the farm's clusters. Each replica reaches the farm through a proxy of its own
 * and connects to PostgreSQL as a role of its own, so a crash can be played by cutting its
 * role off the database: its heartbeat stops as a dead process's would.
 */
async function main() {
  const args = childArgs<ReplicasArgs>();
  const postgres = await startPostgres();
  const admin = await postgres.createDatabase('bench_admin').getClient();
  const base = postgres.backendDatabaseConfig();
  const replicas = new Map<
    string,
    {
      backend: Awaited<ReturnType<typeof startTestBackend>>;
      proxy: Awaited<ReturnType<typeof countingProxy>>;
    }
  >();
  const start = async (name: string) => {
    await admin.raw(
      `CREATE ROLE replica_${name} LOGIN SUPERUSER PASSWORD 'bench-${name}'`,
    );
    const proxy = await countingProxy(args.port);
    const backend = await startTestBackend({
      features: [
        import('@meshport/backstage-plugin-mesh-backend'),
        databaseServiceFactory,
        schedulerServiceFactory,
        catalogServiceMock.factory({ entities: [] }),
        mockServices.rootConfig.factory({
          data: {
            backend: {
              database: {
                ...base,
                connection: {
                  ...base.connection,
                  user: `replica_${name}`,
                  password: `bench-${name}`,
                },
              },
            },
            kubernetes: farmClusterLocator(args.clusters, proxy.port),
            mesh: {
              discovery: {
                mode: 'watch',
                frequency: { minutes: 1 },
                timeout: { minutes: 5 },
                pageSize: args.pageSize,
                leaseDuration: { milliseconds: args.leaseMs },
              },
            },
          },
        }),
      ],
    });
    replicas.set(name, { backend, proxy });
  };
  const listed = (name: string, since: number) =>
    new Set(
      replicas
        .get(name)!
        .proxy.lists.filter(l => l.at >= since)
        .map(l => l.cluster),
    );
  /**
   * Waits until `name` has listed each of `clusters` since `since`: when the first and the
   * last were. Past the wait, what it had not listed is reported, not thrown: one slow
   * takeover on a loaded machine must not cost the run every other figure.
   */
  const readAll = async (
    name: string,
    clusters: string[],
    since: number,
  ): Promise<Takeover> => {
    for (;;) {
      const lists = replicas.get(name)!.proxy.lists;
      const firsts = clusters.map(c =>
        lists.find(l => l.cluster === c && l.at >= since),
      );
      const waited = performance.now() - since;
      const done = firsts.every(Boolean);
      if (done || waited > 10 * args.leaseMs + 120_000) {
        const times = firsts.flatMap(f => (f ? [f.at - since] : []));
        const missing = clusters.filter((_, i) => !firsts[i]);
        if (!done)
          console.error(
            `replica ${name} had not listed ${missing.join(', ')} of the ${
              clusters.length
            } cluster(s) it was to take over ${Math.round(waited)} ms after`,
          );
        return {
          first: times.length ? Math.min(...times) : NaN,
          last: times.length ? Math.max(...times) : NaN,
          ...(done ? {} : { missing }),
        };
      }
      await sleep(20);
    }
  };
  /** Each cluster's last lister among `names`: its holder, since a claim starts with a list. */
  const lastListers = (...names: string[]) => {
    const by = new Map<string, { name: string; at: number }>();
    for (const name of names)
      for (const l of replicas.get(name)!.proxy.lists)
        if ((by.get(l.cluster)?.at ?? -1) < l.at)
          by.set(l.cluster, { name, at: l.at });
    return (name: string) =>
      [...by].filter(([, v]) => v.name === name).map(([cluster]) => cluster);
  };
  const stable = args.leaseMs; // a split unchanged this long has settled

  try {
    const t0 = performance.now();
    await Promise.all([start('a'), start('b')]);
    // settled: every cluster listed, and no new list for a lease duration
    let lastChange = performance.now();
    let seen = 0;
    for (;;) {
      const count =
        replicas.get('a')!.proxy.lists.length +
        replicas.get('b')!.proxy.lists.length;
      if (count !== seen) {
        seen = count;
        lastChange = performance.now();
      }
      const all = new Set([...listed('a', 0), ...listed('b', 0)]);
      if (all.size === args.clusters && performance.now() - lastChange > stable)
        break;
      await sleep(50);
    }
    const splitMs = lastChange - t0;
    const heldBy = lastListers('a', 'b');
    const [ofA, ofB] = [heldBy('a'), heldBy('b')];
    const clustersPerReplica = [ofA.length, ofB.length];

    // clean stop of b
    const stopAt = performance.now();
    const b = replicas.get('b')!;
    await b.backend.stop();
    b.proxy.close();
    const cleanTakeoverMs = await readAll('a', ofB, stopAt);

    // a new replica c gets its share, then is cut off the database
    const cStart = performance.now();
    await start('c');
    let ofC: string[] = [];
    for (;;) {
      ofC = [...listed('c', cStart)];
      if (ofC.length >= Math.floor(args.clusters / 2)) break;
      if (performance.now() - cStart > 10 * args.leaseMs + 60_000) {
        // on a loaded machine its first syncs may lag: the takeover below is then measured
        // over the clusters it did read, and the warning says so
        console.error(
          `replica c listed ${ofC.length} of its ${Math.floor(
            args.clusters / 2,
          )} clusters in ${Math.round(
            performance.now() - cStart,
          )} ms; measuring the crash takeover over those`,
        );
        break;
      }
      await sleep(50);
    }
    await sleep(stable);
    // what c holds at the cut: listed by it after a last did (a cluster it claimed and
    // handed back while the split settled is a's again, and a will not list it anew)
    ofC = lastListers('a', 'c')('c');
    const cutAt = performance.now();
    await admin.raw('ALTER ROLE replica_c NOLOGIN');
    await admin.raw(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'replica_c'",
    );
    const crashTakeoverMs = await readAll('a', ofC, cutAt);
    const result: ReplicasResult = {
      splitMs,
      clustersPerReplica,
      cleanTakeoverMs,
      crashTakeoverMs,
    };
    await answer(result);
  } finally {
    for (const { backend, proxy } of replicas.values()) {
      await backend.stop().catch(() => {});
      proxy.close();
    }
    await postgres.stop();
  }
}

main().then(
  () => process.exit(0),
  error => {
    console.error(error);
    process.exit(1);
  },
);
