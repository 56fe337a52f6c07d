import {
  coreServices,
  createBackendPlugin,
  LifecycleService,
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { durationToMilliseconds } from '@backstage/types';
import { meshPermissions } from '@meshport/backstage-plugin-mesh-common';
import {
  meshClusterSupplierExtensionPoint,
  meshTrafficSourceExtensionPoint,
  readPolicyRepositories,
} from '@meshport/backstage-plugin-mesh-node';
import type { ClusterAuthenticator } from './clusters/auth/ClusterAuthenticator';
import {
  clusterDiscovery,
  ClusterExtensions,
} from './clusters/clusterDiscovery';
import type { ClusterSource } from './clusters/ClusterSource';
import type { ClusterSources } from './clusters/ClusterSources';
import { createReader, createWatchingReader } from './readers/createReader';
import {
  DiscoveryOptions,
  readDiscoveryOptions,
} from './discovery/DiscoveryOptions';
import {
  FleetDiscovery,
  type ClusterOutcomeSink,
} from './discovery/FleetDiscovery';
import { DatabaseLeaseRepository } from './discovery/leases/DatabaseLeaseRepository';
import { DiscoveryLeases } from './discovery/leases/DiscoveryLeases';
import { replicaId } from './discovery/leases/replicaId';
import { FleetWatch } from './discovery/FleetWatch';
import { ProjectionThreads } from './discovery/projectionThreads/ProjectionThreads';
import { orderForDiscovery } from './discovery/orderClusters';
import { DatabaseClusterStateRepository } from './store/DatabaseClusterStateRepository';
import { LiveFleetStore } from './store/LiveFleetStore';
import { runScopedSink } from './store/runScopedSink';
import { serializeStartup } from './store/serializeStartup';
import { createRouter } from './service/router';
import { CatalogServiceAccess } from './service/ServiceEntityAccess';
import { createMetricsRouter, TrafficSourceSlot } from './metrics';
import { FleetAnalysis, type Check } from './analysis/FleetAnalysis';
import { analysisCadence } from './analysis/analysisCadence';
import { createAnalysisRouter } from './analysis/router';
import { PolicyLifecycleStore } from './policies/PolicyLifecycleStore';
import { PolicyLifecycleSync } from './policies/PolicyLifecycleSync';
import { readPolicyLifecycleOptions } from './policies/PolicyLifecycleOptions';
import { createPoliciesRouter } from './policies/router';
import { catalogCodeOwners } from './policies/catalogCodeOwners';
import { lifecycleFindingsFor } from './policies/lifecycleFindingsFor';
import { policyStatesComputation } from './policies/policyStatesComputation';
import { schedulePolicySync } from './policies/schedulePolicySync';
import {
  createPolicyRepositoryScm,
  type PolicyRepositoryScm,
} from './policies/scm';

/**
 * Builds the fleet and its service index now rather than on the next read: after a discovery
 * run and at startup, so the first request after a change does not wait for aggregation.
 */
async function prepareReads(
  store: LiveFleetStore,
  analysis: FleetAnalysis,
  logger: LoggerService,
  policies?: PolicyLifecycleSync,
  options: { analyse: boolean } = { analyse: true },
) {
  try {
    const { fleet } = await store.getFleetView();
    // not awaited either: the policies' states for this fleet, without asking the SCM
    policies?.prepare();
    if (!options.analyse) return;
    // not awaited: the analysis yields between its checks, and requests find it ready
    analysis
      .prepare(fleet)
      .catch(error =>
        logger.warn(
          `Could not analyse the mesh fleet: ${(error as Error).message}`,
        ),
      );
  } catch (error) {
    // a read will try again and report it; this is only a head start
    logger.warn(
      `Could not prepare the mesh fleet: ${(error as Error).message}`,
    );
  }
}

/** The least time between two preparations of reads in watch mode. */
const PREPARE_EVERY_MS = 1000;

/**
 * The watched clusters of watch mode, whose recorded outcomes prepare the reads again: at
 * most one preparation at a time and one a second, since each rebuilds the whole fleet's
 * index; a read in between builds the fleet it needs itself. The analysis of the whole
 * fleet (seconds at 50,000 services) runs at most once per `frequency`, the discovery
 * run's included (`analysisDue`, see `analysisCadence`), so findings trail
 * the fleet by as much as they do when polling, and a stream of pod changes does not keep
 * a core busy re-analysing.
 */
function watchFleet(options: {
  authenticator: ClusterAuthenticator;
  projector: ProjectionThreads;
  discovery: DiscoveryOptions;
  store: LiveFleetStore;
  analysis: FleetAnalysis;
  logger: LoggerService;
  policies: PolicyLifecycleSync;
  /** Shared with the discovery run: see `analysisCadence`. */
  analysisDue: () => boolean;
}): FleetWatch {
  const {
    authenticator,
    projector,
    discovery,
    store,
    analysis,
    logger,
    policies,
    analysisDue,
  } = options;
  let preparing: Promise<void> | undefined;
  let again = false;
  const prepare = () => {
    if (preparing) {
      again = true;
      return;
    }
    const started = Date.now();
    const analyse = analysisDue();
    preparing = prepareReads(store, analysis, logger, policies, { analyse })
      .then(
        () =>
          new Promise<void>(resolve =>
            setTimeout(
              resolve,
              Math.max(0, started + PREPARE_EVERY_MS - Date.now()),
            ).unref(),
          ),
      )
      .finally(() => {
        preparing = undefined;
        if (again) {
          again = false;
          prepare();
        }
      });
  };
  // during first syncs, the discovery run prepares once they are done, as a poll does
  // set just below: the sink it is built with calls back into it
  let fleetWatch: FleetWatch | undefined = undefined;
  const changed = () => {
    if (fleetWatch?.syncing === 0) prepare();
  };
  fleetWatch = new FleetWatch({
    createReader: source =>
      createWatchingReader(source, { ...discovery, authenticator, projector }),
    sink: {
      // a watch's inventory shares its unchanged objects with the one before
      recordSuccess: async (cluster, inventory, at) => {
        await store.recordChange(cluster, inventory, at);
        changed();
      },
      recordFailure: async (cluster, error, at) => {
        await store.recordFailure(cluster, error, at);
        changed();
      },
    },
    logger,
    excludeNamespaces: discovery.aggregation.excludeNamespaces,
    timing: {
      timeoutMs: discovery.timeoutMs,
      // client-go's reflector asks for 5 to 10 minutes (minWatchTimeout, with jitter)
      watchTimeoutSeconds: 300,
      relistIntervalMs: discovery.relistIntervalMs,
      // client-go's reflector backs off from 800 ms to 30 s
      backoffInitialMs: 800,
      backoffMaxMs: 30_000,
      random: Math.random,
    },
    debounceMs: 200,
    concurrency: discovery.concurrency,
    // tokens of cloud providers (EKS's) live 15 minutes: a new reader asks for a fresh one
    readerLifetimeMs: 5 * 60_000,
  });
  return fleetWatch;
}

/**
 * Only the outcomes of clusters this replica still holds: a pass that lost a lease midway
 * must not write over what the cluster's new holder reads.
 */
function heldOnly(
  sink: ClusterOutcomeSink,
  leases: DiscoveryLeases,
): ClusterOutcomeSink {
  return {
    recordSuccess: async (cluster, inventory, at) => {
      if (leases.holds(cluster))
        await sink.recordSuccess(cluster, inventory, at);
    },
    recordFailure: async (cluster, error, at) => {
      if (leases.holds(cluster)) await sink.recordFailure(cluster, error, at);
    },
  };
}

/**
 * Schedules discovery on every replica, each reading only the clusters it holds a lease on
 * (see DiscoveryLeases): two local tasks, the discovery run every `frequency` and the lease
 * check every third of `leaseDuration`.
 *
 * The run lists the clusters (a cluster added in the catalog or GKE is leased and read on
 * this one), checks the leases, then reads the held clusters in full (poll mode) or
 * starts watching those newly held and retries failing ones (watch mode). The lease check
 * hands clusters over between runs: in watch mode a lost lease stops the cluster's watch
 * before the lease is released, and a claimed one starts its watch at once.
 *
 * Stopping (SIGTERM in a rolling update) cancels the run in progress and waits for it while
 * the database is still open: results already read are saved, clusters cut short keep
 * their state (see runScopedSink); then the watches stop and the leases are released, so
 * the other replicas take the clusters over at their next check instead of a lease period
 * later.
 */
function scheduleDiscovery(options: {
  sources: ClusterSources;
  startupSources: ClusterSource[];
  authenticator: ClusterAuthenticator;
  /** Parses list pages off the event loop; stopped with discovery. */
  projector: ProjectionThreads;
  discovery: DiscoveryOptions;
  store: LiveFleetStore;
  leases: DiscoveryLeases;
  watched?: FleetWatch;
  analysis: FleetAnalysis;
  policies: PolicyLifecycleSync;
  scheduler: SchedulerService;
  lifecycle: LifecycleService;
  logger: LoggerService;
  /** In watch mode, shared with the watched changes (see `analysisCadence`); else every run. */
  analysisDue?: () => boolean;
}) {
  const {
    sources,
    authenticator,
    projector,
    discovery,
    store,
    leases,
    watched,
    analysis,
    policies,
    scheduler,
    lifecycle,
    logger,
  } = options;
  const stopping = new AbortController();
  let inFlight: Promise<void> | undefined;
  // what the last run listed; the clusters of the config until a run has
  let listed: ClusterSource[] = options.startupSources;
  lifecycle.addShutdownHook(async () => {
    stopping.abort();
    await inFlight;
    await leases.leave();
    await watched?.stop();
    await projector.close();
    // the watched changes not written yet, while the database is still open
    await store.flush();
  });

  const watchedOf = (clusters: ClusterSource[]) =>
    clusters.flatMap(s =>
      s.type === 'kubernetes' && leases.holds(s.name) ? [s] : [],
    );

  const run = async (taskSignal: AbortSignal) => {
    if (stopping.signal.aborted) return;
    const signal = AbortSignal.any([taskSignal, stopping.signal]);
    const clusters = await sources.resolve();
    listed = clusters;
    await store.setClusters(
      clusters.map(s => ({ name: s.name, source: s.type })),
      { forget: sources.complete },
    );
    const held = new Set(
      await leases.check(
        clusters.map(s => s.name),
        { forget: sources.complete },
      ),
    );
    const mine = clusters.filter(s => held.has(s.name));
    // watched clusters are (re)started here; the rest, snapshots, are read in full
    const polled = watched ? mine.filter(s => s.type === 'snapshot') : mine;
    const watching = watched?.reconcile(
      watchedOf(mine),
      // a first sync is two rounds of lists (kinds, then control-plane namespaces)
      2 * discovery.timeoutMs + 1000,
    );
    const pass = new FleetDiscovery({
      sources: orderForDiscovery(polled, name => store.lastFailure(name)),
      createReader: source => {
        // clusters still queued when the run is cancelled are not started
        signal.throwIfAborted();
        return createReader(source, {
          ...discovery,
          authenticator,
          projector,
        });
      },
      sink: heldOnly(runScopedSink(store, signal), leases),
      logger,
      timeoutMs: discovery.timeoutMs,
      concurrency: discovery.concurrency,
      excludeNamespaces: discovery.aggregation.excludeNamespaces,
    });
    const started = Date.now();
    inFlight = Promise.all([pass.runOnce(signal), watching]).then(() => {});
    try {
      await inFlight;
    } finally {
      inFlight = undefined;
    }
    logger.debug(
      `Mesh discovery of ${mine.length} of ${clusters.length} cluster(s) ${
        signal.aborted ? 'cancelled' : 'done'
      } after ${Date.now() - started} ms`,
    );
    if (!signal.aborted)
      await prepareReads(store, analysis, logger, policies, {
        analyse: options.analysisDue?.() ?? true,
      });
  };

  const check = async () => {
    if (stopping.signal.aborted) return;
    await leases.check(listed.map(s => s.name));
    // newly claimed clusters start watching now; failing ones keep their backoff
    if (watched && !stopping.signal.aborted)
      await watched.reconcile(watchedOf(listed), 0, { retry: false });
  };

  // The longest a legitimate run takes: every round of the pool hitting the per-cluster
  // timeout. Sized on the clusters known at startup, at least one round: catalog and GKE
  // clusters are listed only when discovery runs.
  const rounds = Math.max(
    1,
    Math.ceil(options.startupSources.length / discovery.concurrency),
  );
  return Promise.all([
    scheduler.scheduleTask({
      id: 'mesh-fleet-discovery',
      scope: 'local',
      frequency: discovery.frequency,
      timeout: { milliseconds: rounds * discovery.timeoutMs + 60_000 },
      fn: run,
    }),
    scheduler.scheduleTask({
      id: 'mesh-discovery-leases',
      scope: 'local',
      frequency: { milliseconds: leases.checkIntervalMs },
      timeout: { milliseconds: discovery.leaseDurationMs },
      fn: check,
    }),
  ]).then(() =>
    logger.info(
      `Mesh discovery scheduled for ${
        options.startupSources.length
      } cluster(s) known at startup every ${durationToMilliseconds(
        discovery.frequency,
      )} ms, as replica ${leases.replica} holding leases of ${
        discovery.leaseDurationMs
      } ms`,
    ),
  );
}

/** What tests replace in the mesh plugin. */
export interface MeshPluginOptions {
  /** The analysis checks; every check Meshport ships unless given. */
  checks?: readonly Check[];
  /**
   * How the policy repositories are read; GitHub and GitLab through the integrations unless
   * given (tests give one in memory).
   */
  policyRepositoryScm?: PolicyRepositoryScm;
}

/**
 * The mesh plugin with the analysis checks given (tests use their own); `meshPlugin` runs
 * every check Meshport ships.
 */
export function createMeshPlugin(options: MeshPluginOptions = {}) {
  return createBackendPlugin({
    pluginId: 'mesh',
    register(env) {
      // Traffic comes from whichever module sets a source (Prometheus, the demo snapshot…);
      // modules only see the setter, the plugin builds the source once its fleet store exists.
      const trafficSources = new TrafficSourceSlot();
      env.registerExtensionPoint(meshTrafficSourceExtensionPoint, {
        setTrafficSource: factory => trafficSources.setTrafficSource(factory),
      });
      const clusterExtensions = new ClusterExtensions();
      env.registerExtensionPoint(
        meshClusterSupplierExtensionPoint,
        clusterExtensions,
      );
      env.registerInit({
        deps: {
          config: coreServices.rootConfig,
          logger: coreServices.logger,
          database: coreServices.database,
          scheduler: coreServices.scheduler,
          lifecycle: coreServices.lifecycle,
          httpAuth: coreServices.httpAuth,
          auth: coreServices.auth,
          catalog: catalogServiceRef,
          httpRouter: coreServices.httpRouter,
          permissions: coreServices.permissions,
          permissionsRegistry: coreServices.permissionsRegistry,
          urlReader: coreServices.urlReader,
        },
        async init({
          config,
          logger,
          database,
          scheduler,
          lifecycle,
          httpAuth,
          auth,
          catalog,
          httpRouter,
          permissions,
          permissionsRegistry,
          urlReader,
        }) {
          permissionsRegistry.addPermissions(meshPermissions);
          const discovery = readDiscoveryOptions(config);
          const analysis = new FleetAnalysis({
            checks: options.checks,
            // watching, requests share the once-per-frequency analysis (see `answer`)
            answerWithinMs:
              discovery.mode === 'watch'
                ? durationToMilliseconds(discovery.frequency)
                : 0,
          });
          const clusters = clusterDiscovery(config, {
            catalog,
            auth,
            logger,
            extensions: clusterExtensions,
          });
          const sources = await clusters.sources.resolve({ staticOnly: true });
          // read before anything starts: a malformed entry fails the start with how to fix it
          const policyRepositories = readPolicyRepositories(config);
          const lifecycleOptions = readPolicyLifecycleOptions(config);
          const policyScm =
            options.policyRepositoryScm ??
            createPolicyRepositoryScm({ config, reader: urlReader, logger });

          // everything that creates tables on a first start, one replica at a time
          const { store, policies } = await serializeStartup(
            database,
            async () => {
              const repository = await DatabaseClusterStateRepository.create(
                database,
              );
              // set below, once the watches it stops exist
              let watched: FleetWatch | undefined;
              const leases = new DiscoveryLeases({
                repository: new DatabaseLeaseRepository(
                  await database.getClient(),
                ),
                replica: replicaId(),
                leaseDurationMs: discovery.leaseDurationMs,
                stopClusters: async names => {
                  await watched?.release(names);
                },
                logger,
              });
              const fleetStore = new LiveFleetStore({
                clusters: sources.map(s => ({ name: s.name, source: s.type })),
                repository,
                aggregation: discovery.aggregation,
                logger,
                // this replica writes the clusters it holds: the database has nothing newer
                owns: name => leases.holds(name),
              });
              // a restarted replica serves the last-known-good fleet before discovery runs
              await fleetStore.load();
              const policySync = new PolicyLifecycleSync({
                repositories: policyRepositories,
                scm: policyScm,
                store: await PolicyLifecycleStore.create(database),
                fleetStore,
                compute: policyStatesComputation(),
                codeOwners: catalogCodeOwners({
                  catalog,
                  auth,
                  fleet: () => fleetStore.getFleet(),
                  defaultOwners: lifecycleOptions.defaultOwners,
                }),
                logger,
              });
              if (policySync.configured) {
                await schedulePolicySync({
                  sync: policySync,
                  lifecycleOptions,
                  scheduler,
                  lifecycle,
                  logger,
                });
              }
              if (clusters.sources.empty) {
                // no discovery run will ever list them: forget clusters stored by an earlier config
                await fleetStore.setClusters([], { forget: true });
                logger.info(
                  'Mesh discovery has no clusters: configure kubernetes.clusterLocatorMethods or mesh.snapshot.directory',
                );
              } else {
                const projector = new ProjectionThreads({
                  threads: discovery.projectionThreads,
                  logger,
                });
                const analysisDue =
                  discovery.mode === 'watch'
                    ? analysisCadence(
                        durationToMilliseconds(discovery.frequency),
                      )
                    : undefined;
                watched = analysisDue
                  ? watchFleet({
                      authenticator: clusters.authenticator,
                      projector,
                      discovery,
                      store: fleetStore,
                      analysis,
                      logger,
                      policies: policySync,
                      analysisDue,
                    })
                  : undefined;
                await scheduleDiscovery({
                  sources: clusters.sources,
                  startupSources: sources,
                  authenticator: clusters.authenticator,
                  projector,
                  discovery,
                  store: fleetStore,
                  leases,
                  watched,
                  analysis,
                  policies: policySync,
                  scheduler,
                  lifecycle,
                  logger,
                  analysisDue,
                });
              }
              return { store: fleetStore, policies: policySync };
            },
          );
          // outside the startup lock: other replicas need not wait for this one's aggregation
          await prepareReads(store, analysis, logger, policies);

          const serviceAccess = new CatalogServiceAccess({
            catalog,
            auth,
            permissions,
          });
          httpRouter.use(
            await createRouter({
              httpAuth,
              permissions,
              fleetStore: store,
              serviceAccess,
            }),
          );
          if (!trafficSources.installed) {
            logger.info(
              'No traffic-source module set a traffic source: traffic and mTLS cards show every cluster unavailable. Add @meshport/backstage-plugin-mesh-backend-module-prometheus to the backend and set mesh.prometheus.url',
            );
          }
          const trafficSource = await trafficSources.build(store);
          httpRouter.use(
            await createMetricsRouter({
              fleetStore: store,
              trafficSource,
              httpAuth,
              permissions,
              serviceAccess,
            }),
          );
          httpRouter.use(
            await createAnalysisRouter({
              fleetStore: store,
              trafficSource,
              analysis,
              lifecycleFindings: lifecycleFindingsFor({
                policies,
                fleetStore: store,
                serviceAccess,
                logger,
              }),
              httpAuth,
              permissions,
              serviceAccess,
            }),
          );
          httpRouter.use(
            await createPoliciesRouter({
              fleetStore: store,
              policies,
              httpAuth,
              permissions,
              serviceAccess,
            }),
          );
          httpRouter.addAuthPolicy({
            path: '/health',
            allow: 'unauthenticated',
          });
        },
      });
    },
  });
}

/**
 * The mesh backend plugin: discovers the fleet on a schedule, serves it under `/api/mesh`,
 * analyses its mesh config and follows each policy of the policy repositories to the clusters.
 *
 * @public
 */
export const meshPlugin = createMeshPlugin();
