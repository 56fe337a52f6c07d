import type { LoggerService } from '@backstage/backend-plugin-api';
import type { KubernetesClusterSource } from '../clusters/ClusterSource';
import type {
  ObjectMapper,
  ResourceType,
  WatchingReader,
} from '../readers/ClusterReader';
import { MESH_CONFIG_RESOURCES, RESOURCES } from '../readers/resources';
import type { ClusterOutcomeSink } from './FleetDiscovery';
import { KindWatch, WatchTiming } from './KindWatch';
import { assembleInventory } from './projectInventory';
import { clusterProjections, ControlPlaneMark, marking } from './projections';
import {
  controlPlaneNamespaces,
  REMOTE_SECRET_SELECTOR,
} from './readClusterInventory';

export interface ClusterWatchOptions {
  source: KubernetesClusterSource;
  /** A fresh reader: asked again once the current one is `readerLifetimeMs` old. */
  createReader: () => WatchingReader;
  sink: ClusterOutcomeSink;
  logger: LoggerService;
  excludeNamespaces: string[];
  timing: WatchTiming;
  /** Changes closer together than this are projected once. */
  debounceMs: number;
  /**
   * How long one reader (and the credential it asked for once) serves new requests: a
   * watch outlives a sync by far, and tokens expire.
   */
  readerLifetimeMs: number;
}

type Mappers = ReturnType<typeof clusterProjections>;

/**
 * One cluster kept up to date by watching every kind discovery reads (`KindWatch`), and
 * projected into its inventory a moment (`debounceMs`) after any of them changes — the
 * same projection as a full read (`readClusterInventory`), from the same mappers. Config
 * maps and remote secrets are watched only in the control-plane namespaces, as they are
 * read; when those namespaces change, their watches follow.
 *
 * Outcomes go to the sink as a polling pass's do: an inventory once every kind is synced,
 * a failure (the cluster keeps its last-known-good inventory, marked stale) while any kind
 * fails, a fresh inventory when all are whole again.
 */
export class ClusterWatch {
  private readonly controller = new AbortController();
  private readonly mappers: Mappers;
  private readonly kinds: Array<KindWatch<unknown>> = [];
  private controlPlane?: {
    key: string;
    controller: AbortController;
    configMaps: Array<KindWatch<unknown>>;
    remoteSecrets: Array<KindWatch<unknown>>;
  };
  private reader?: { reader: WatchingReader; since: number };
  private readonly retired = new Set<NodeJS.Timeout>();
  private flushTimer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();
  private lastReported?: string;
  private firstOutcome?: () => void;
  /** Whether an outcome was recorded: until then, nothing waits for more changes. */
  private recorded = false;
  /** Resolves once the cluster's first outcome (an inventory or a failure) is recorded, or it stopped. */
  readonly firstOutcomeRecorded: Promise<void>;

  private readonly namespaces: KindWatch<{
    record: unknown;
    mark: ControlPlaneMark;
  }>;
  private readonly deployments: KindWatch<{
    record: unknown;
    mark: ControlPlaneMark;
  }>;
  private readonly round1: Record<
    'nodes' | 'services' | 'endpointSlices' | 'pods' | 'statefulSets',
    KindWatch<unknown>
  >;
  private readonly meshConfig: Array<KindWatch<unknown>>;

  constructor(private readonly options: ClusterWatchOptions) {
    this.firstOutcomeRecorded = new Promise(resolve => {
      this.firstOutcome = resolve;
    });
    const map = (this.mappers = clusterProjections(options.excludeNamespaces));
    this.namespaces = this.kind(
      RESOURCES.namespaces,
      marking(map.namespaces, 'namespace'),
    );
    this.deployments = this.kind(
      RESOURCES.deployments,
      marking(map.deployments, 'deployment'),
    );
    this.round1 = {
      nodes: this.kind(RESOURCES.nodes, map.nodes),
      services: this.kind(RESOURCES.services, map.services),
      endpointSlices: this.kind(RESOURCES.endpointSlices, map.endpointSlices),
      pods: this.kind(RESOURCES.pods, map.pods),
      statefulSets: this.kind(RESOURCES.statefulSets, map.statefulSets),
    };
    this.meshConfig = MESH_CONFIG_RESOURCES.map(r =>
      this.kind(r, map.meshConfig),
    );
  }

  get name() {
    return this.options.source.name;
  }

  start() {
    if (this.controller.signal.aborted) return;
    for (const kind of this.kinds) this.run(kind, this.controller.signal);
  }

  /** Ends a failing kind's backoff now (the scheduled run's nudge). */
  retryNow() {
    for (const kind of this.allKinds()) kind.retryNow();
  }

  /** Whether any kind is failing. */
  get failing(): boolean {
    return this.allKinds().some(k => k.status.state === 'failed');
  }

  async stop() {
    this.controller.abort();
    // a cluster stopped before its first outcome has none coming
    this.firstOutcome?.();
    this.controlPlane?.controller.abort();
    clearTimeout(this.flushTimer);
    await this.flushing;
    for (const timer of this.retired) clearTimeout(timer);
    this.reader?.reader.close?.();
    this.reader = undefined;
  }

  private kind<T>(
    resource: ResourceType,
    mapper: ObjectMapper<T>,
    scope: { namespace?: string; labelSelector?: string } = {},
    forbiddenIsEmpty = false,
    into: Array<KindWatch<unknown>> = this.kinds,
  ): KindWatch<T> {
    const where = scope.namespace ? ` in namespace ${scope.namespace}` : '';
    const watch = new KindWatch<T>(
      () => this.currentReader(),
      resource,
      scope,
      mapper,
      this.options.timing,
      { changed: () => this.scheduleFlush() },
      `cluster ${this.name}: ${resource.plural}${where}`,
      forbiddenIsEmpty,
    );
    into.push(watch as KindWatch<unknown>);
    return watch;
  }

  private run(kind: KindWatch<unknown>, signal: AbortSignal) {
    kind.run(signal).catch(error =>
      // run() handles its failures; this is a bug, and the kind stays as it was
      this.options.logger.error(
        `Mesh watch of ${kind.resource.plural} in cluster ${this.name} stopped: ${error}`,
      ),
    );
  }

  /** The reader for a new request, replaced once it is old; a replaced one is closed later. */
  private currentReader(): WatchingReader {
    const now = Date.now();
    if (
      this.reader &&
      now - this.reader.since >= this.options.readerLifetimeMs
    ) {
      const old = this.reader.reader;
      // its open watches end within their timeoutSeconds; then its sockets can go
      const timer = setTimeout(() => {
        this.retired.delete(timer);
        old.close?.();
      }, this.options.timing.watchTimeoutSeconds * 1000 + this.options.timing.timeoutMs);
      timer.unref();
      this.retired.add(timer);
      this.reader = undefined;
    }
    this.reader ??= { reader: this.options.createReader(), since: now };
    return this.reader.reader;
  }

  private allKinds(): Array<KindWatch<unknown>> {
    return [
      ...this.kinds,
      ...(this.controlPlane?.configMaps ?? []),
      ...(this.controlPlane?.remoteSecrets ?? []),
    ];
  }

  private scheduleFlush() {
    if (this.flushTimer || this.controller.signal.aborted) return;
    this.flushTimer = setTimeout(
      () => {
        this.flushTimer = undefined;
        // one flush at a time: the sink sees this cluster's outcomes in order
        this.flushing = this.flushing.then(() => this.flush());
      },
      // The first sync is flushed as soon as its kinds are listed (a flush before then
      // finds a kind still syncing and stops): waiting to gather changes there held each
      // of the `concurrency` slots of the fleet's first sync for twice the debounce per
      // cluster (once for the kinds, once for the control plane's config maps).
      this.recorded ? this.options.debounceMs : 0,
    );
  }

  private async flush() {
    if (this.controller.signal.aborted) return;
    const at = new Date();
    const failed = this.allKinds().find(k => k.status.state === 'failed');
    try {
      if (failed && failed.status.state === 'failed') {
        const { reason, message } = failed.status.error;
        const report = `${reason} ${message}`;
        if (report === this.lastReported) return;
        this.lastReported = report;
        this.options.logger.warn(
          `Mesh watch of cluster ${this.name} failed (${reason}): ${message}`,
        );
        await this.options.sink.recordFailure(
          this.name,
          { reason, message },
          at,
        );
        this.recorded = true;
        this.firstOutcome?.();
        return;
      }
      if (this.kinds.some(k => k.status.state !== 'synced')) return;
      const { istio, linkerd } = controlPlaneNamespaces([
        ...this.deployments.items().map(d => d.mark),
        ...this.namespaces.items().map(ns => ns.mark),
      ]);
      if (this.followControlPlane(istio, linkerd)) return;
      const plane = this.controlPlane!;
      if (
        [...plane.configMaps, ...plane.remoteSecrets].some(
          k => k.status.state !== 'synced',
        )
      )
        return;
      const inventory = assembleInventory(
        {
          namespaces: this.namespaces.items().map(ns => ns.record),
          nodes: this.round1.nodes.items(),
          services: this.round1.services.items(),
          endpointSlices: this.round1.endpointSlices.items(),
          pods: this.round1.pods.items(),
          deployments: this.deployments.items().map(d => d.record),
          statefulSets: this.round1.statefulSets.items(),
          configMaps: plane.configMaps.flatMap(k => k.items()),
          remoteSecrets: plane.remoteSecrets.flatMap(k => k.items()),
          meshConfig: this.meshConfig.flatMap(k => k.items()),
        } as Parameters<typeof assembleInventory>[0],
        plane.remoteSecrets
          .filter(
            k => k.status.state === 'synced' && k.status.forbidden === true,
          )
          .map(k => k.namespace!)
          .sort(),
      );
      this.lastReported = undefined;
      await this.options.sink.recordSuccess(this.name, inventory, at);
      this.recorded = true;
      this.firstOutcome?.();
    } catch (error) {
      this.options.logger.error(
        `Could not record the mesh inventory of cluster ${this.name}: ${error}`,
      );
    }
  }

  /**
   * Starts the config-map and remote-secret watches of the control-plane namespaces, or
   * moves them when those namespaces changed. True when they were (re)started: the flush
   * waits for them to sync.
   */
  private followControlPlane(istio: string[], linkerd: string[]): boolean {
    const key = JSON.stringify([istio, linkerd]);
    if (this.controlPlane?.key === key) return false;
    this.controlPlane?.controller.abort();
    const controller = new AbortController();
    const signal = AbortSignal.any([this.controller.signal, controller.signal]);
    const configMaps: Array<KindWatch<unknown>> = [];
    const remoteSecrets: Array<KindWatch<unknown>> = [];
    for (const namespace of [...new Set([...istio, ...linkerd])].sort())
      this.kind(
        RESOURCES.configMaps,
        this.mappers.configMaps,
        { namespace },
        false,
        configMaps,
      );
    // Istio's namespaces only, as a full read does (see readClusterInventory)
    for (const namespace of istio)
      this.kind(
        RESOURCES.secrets,
        this.mappers.remoteSecrets,
        { namespace, labelSelector: REMOTE_SECRET_SELECTOR },
        true,
        remoteSecrets,
      );
    this.controlPlane = { key, controller, configMaps, remoteSecrets };
    for (const kind of [...configMaps, ...remoteSecrets])
      this.run(kind, signal);
    // no namespace to watch: nothing to wait for
    return configMaps.length + remoteSecrets.length > 0;
  }
}
