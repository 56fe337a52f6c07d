import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import {
  coreServices,
  createBackendModule,
  createServiceFactory,
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import type { JsonObject } from '@backstage/types';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { peakRssMiB } from './child';

/** The id under which the mesh plugin schedules discovery (its public task id). */
const DISCOVERY_TASK = 'mesh-fleet-discovery';

/**
 * The line the plugin logs (debug) when a discovery pass has recorded every cluster and before
 * it prepares the fleet for reads. It is the only public signal that splits the two, so the
 * bench fails loudly rather than guess if the wording changes.
 */
const PASS_DONE =
  /^Mesh discovery of (?:\d+ of )?\d+ cluster\(s\) (done|cancelled) after/;

export interface DiscoveryPass {
  /** From triggering the task to the plugin's "done" line: read, project, record every cluster. */
  passMs: number;
  /** From that line to the task's end: the plugin building the fleet and its query index. */
  prepareMs: number;
  /** The process's peak RSS at the "done" line, i.e. during the pass. */
  passPeakRssMiB: number;
  /** The longest the event loop was held while the task ran (requests wait that long). */
  longestStallMs: number;
}

export interface MeshBackend {
  port: number;
  /** GET under `/api/mesh` as a mock user; throws unless the answer is 200. */
  get<T>(path: string): Promise<T>;
  /** The mock user's headers, for requests from another thread or process. */
  headers: Record<string, string>;
  /** Triggers the plugin's discovery task and waits for it, as the scheduler would run it. */
  runDiscovery(): Promise<DiscoveryPass>;
  stop(): Promise<void>;
}

/**
 * The mesh backend plugin as a Backstage backend runs it (`startTestBackend` with the plugin's
 * default export), configured by `config`. Discovery runs only when `runDiscovery` is called:
 * the mock scheduler does not run tasks at startup, and is reached through a module of the
 * mesh plugin, as any module would reach it. Catalog and permissions are Backstage's mocks
 * (an empty catalog, ALLOW-all), HttpAuth the test backend's mock.
 */
export async function startMeshBackend(
  config: JsonObject,
): Promise<MeshBackend> {
  let passDoneAt: number | undefined;
  let passDoneRssMiB = 0;
  const logger = benchLogger((message: string) => {
    if (PASS_DONE.test(message)) {
      passDoneAt = performance.now();
      passDoneRssMiB = peakRssMiB();
    }
  });
  let scheduler: SchedulerService | undefined;
  const reachScheduler = createBackendModule({
    pluginId: 'mesh',
    moduleId: 'bench-scheduler',
    register(env) {
      env.registerInit({
        deps: { scheduler: coreServices.scheduler },
        async init(deps) {
          scheduler = deps.scheduler;
        },
      });
    },
  });
  const backend = await startTestBackend({
    features: [
      import('@meshport/backstage-plugin-mesh-backend'),
      reachScheduler,
      mockServices.scheduler.factory({ skipTaskRunOnStartup: true }),
      mockServices.rootConfig.factory({ data: config }),
      mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
      catalogServiceMock.factory({ entities: [] }),
      createServiceFactory({
        service: coreServices.rootLogger,
        deps: {},
        factory: () => logger,
      }),
    ],
  });
  const port = (backend.server.address() as AddressInfo).port;
  const authorization = mockCredentials.user.header();

  return {
    port,
    headers: { authorization },
    get: path =>
      new Promise((resolve, reject) => {
        http
          .get(
            {
              host: '127.0.0.1',
              port,
              path: `/api/mesh${path}`,
              headers: { authorization },
            },
            res => {
              const chunks: Buffer[] = [];
              res.on('data', c => chunks.push(c));
              res.on('end', () => {
                const text = Buffer.concat(chunks).toString('utf8');
                if (res.statusCode !== 200)
                  reject(
                    new Error(
                      `GET /api/mesh${path}: ${res.statusCode} ${text}`,
                    ),
                  );
                else resolve(JSON.parse(text));
              });
              res.on('error', reject);
            },
          )
          .on('error', reject);
      }),
    async runDiscovery() {
      if (!scheduler)
        throw new Error('the mesh plugin started without a scheduler');
      passDoneAt = undefined;
      const stalls = monitorEventLoopDelay({ resolution: 10 });
      stalls.enable();
      const start = performance.now();
      await scheduler.triggerTask(DISCOVERY_TASK);
      const end = performance.now();
      stalls.disable();
      if (passDoneAt === undefined)
        throw new Error(
          `the ${DISCOVERY_TASK} task ended without the plugin logging "Mesh discovery of N of M cluster(s) done after …"; update PASS_DONE in bench/lib/meshBackend.ts to the plugin's current wording`,
        );
      return {
        passMs: passDoneAt - start,
        prepareMs: end - passDoneAt,
        passPeakRssMiB: passDoneRssMiB,
        longestStallMs: stalls.max / 1e6,
      };
    },
    stop: () => backend.stop(),
  };
}

/** Prints warnings and errors, drops the rest, and shows every message to `watch`. */
function benchLogger(
  watch: (message: string) => void,
  fields: Record<string, unknown> = {},
): LoggerService {
  const labels = Object.entries(fields)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  const print = (message: string) =>
    console.error(labels ? `${labels} ${message}` : message);
  return {
    error: message => print(message),
    warn: message => print(message),
    info: message => watch(message),
    debug: message => watch(message),
    child: meta => benchLogger(watch, { ...fields, ...meta }),
  };
}
