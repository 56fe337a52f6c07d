import {
  AuthService,
  DiscoveryService,
  LoggerService,
  SchedulerService,
  SchedulerServiceTaskRunner,
} from '@backstage/backend-plugin-api';
import { ANNOTATION_ORIGIN_LOCATION, Entity } from '@backstage/catalog-model';
import { isError } from '@backstage/errors';
import { Config } from '@backstage/config';
import {
  CatalogService,
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import type { ServiceDependencies } from '@meshport/backstage-plugin-mesh-common';
import {
  MeshApiClient,
  type MeshFleetReader,
} from '@meshport/backstage-plugin-mesh-node';
import { MESH_SERVICE_ANNOTATION } from '../entities/annotations';
import { buildEntities } from '../entities/buildEntities';
import { claimingEntities, providerLocationRef } from '../entities/claims';
import {
  nextDependencies,
  presentDependencies,
} from '../entities/trafficDependencies';
import { fleetToView } from '../entities/fleetView';
import { lastKnownFromEntities, retainLastKnown } from '../entities/lastKnown';
import { PoliciesAnswer, policiesToView } from '../entities/policiesView';
import { MeshProviderConfig, readProviderConfigs } from './readProviderConfigs';

export interface MeshEntityProviderDeps {
  logger: LoggerService;
  scheduler: SchedulerService;
  discovery: DiscoveryService;
  auth: AuthService;
  catalog: CatalogService;
  /** Replaces the mesh API client, e.g. in tests. Resolves to the whole fleet or rejects. */
  fleetClient?: MeshReader;
}

/** What the provider reads from the mesh backend: the fleet, who calls whom, the policies. */
export type MeshReader = MeshFleetReader &
  Partial<Pick<MeshApiClient, 'getDependencies' | 'getPolicies'>>;

/**
 * Publishes the mesh fleet as catalog entities: a `kubernetes-cluster`
 * Resource per cluster, a `service-mesh` Resource per mesh, a `service`
 * Component per logical mesh service that no hand-written entity claims, and a
 * `mesh-policy` Resource per policy on a policy repository's branch or in an
 * open pull request.
 *
 * Every refresh emits the complete set (a `full` mutation). What is "complete"
 * is decided with care: a cluster that is down keeps its services, taken from
 * the fleet's last-known-good data or, failing that, from what this provider
 * published before. Any failure throws before the mutation, so a bad run
 * leaves the catalog as it was.
 */
export class MeshEntityProvider implements EntityProvider {
  static fromConfig(
    config: Config,
    deps: MeshEntityProviderDeps,
  ): MeshEntityProvider[] {
    const fleetClient =
      deps.fleetClient ??
      new MeshApiClient({
        discovery: deps.discovery,
        auth: deps.auth,
        // A part left out would be an entity deleted: refuse the fleet, keep the catalog as it is.
        malformedParts: 'refuse',
      });
    const appBaseUrl = config.getOptionalString('app.baseUrl');
    return readProviderConfigs(config).map(
      providerConfig =>
        new MeshEntityProvider({
          config: providerConfig,
          appBaseUrl,
          logger: deps.logger,
          taskRunner: deps.scheduler.createScheduledTaskRunner(
            providerConfig.schedule,
          ),
          fleetClient,
          catalog: deps.catalog,
          auth: deps.auth,
        }),
    );
  }

  readonly #config: MeshProviderConfig;
  readonly #appBaseUrl?: string;
  readonly #logger: LoggerService;
  readonly #taskRunner: SchedulerServiceTaskRunner;
  readonly #fleetClient: MeshReader;
  readonly #catalog: CatalogService;
  readonly #auth: AuthService;
  #connection?: EntityProviderConnection;

  constructor(options: {
    config: MeshProviderConfig;
    appBaseUrl?: string;
    logger: LoggerService;
    taskRunner: SchedulerServiceTaskRunner;
    fleetClient: MeshReader;
    catalog: CatalogService;
    auth: AuthService;
  }) {
    this.#config = options.config;
    this.#appBaseUrl = options.appBaseUrl;
    this.#logger = options.logger.child({ target: this.getProviderName() });
    this.#taskRunner = options.taskRunner;
    this.#fleetClient = options.fleetClient;
    this.#catalog = options.catalog;
    this.#auth = options.auth;
  }

  getProviderName(): string {
    return `MeshEntityProvider:${this.#config.id}`;
  }

  /** The id of the scheduled refresh task. */
  get taskId(): string {
    return `${this.getProviderName()}:refresh`;
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.#connection = connection;
    await this.#taskRunner.run({
      id: this.taskId,
      fn: async () => {
        try {
          await this.refresh();
        } catch (error) {
          // The catalog keeps the previous entities; the next run retries.
          this.#logger.error(
            `Mesh catalog refresh failed, keeping the entities of the last successful run`,
            error as Error,
          );
        }
      },
    });
  }

  /** Fetches the fleet and applies it to the catalog. Throws before any change on failure. */
  async refresh(): Promise<void> {
    const connection = this.#connection;
    if (!connection) {
      throw new Error(`${this.getProviderName()} is not connected yet`);
    }
    const locationRef = providerLocationRef(this.#config.id);

    const fleet = await this.#fleetClient.getFleet();
    const { published, claims } = await this.#readCatalog(locationRef);

    if (fleet.clusters.length === 0 && published.length > 0) {
      // An empty fleet is far more likely a misconfigured or half-started mesh
      // backend than a decommissioned fleet; removing clusters from config
      // drops them one by one instead.
      throw new Error(
        `The mesh backend reports no clusters while ${published.length} mesh entities exist; refusing to remove them. Check kubernetes.clusterLocatorMethods.`,
      );
    }

    const view = retainLastKnown(
      fleetToView(fleet),
      lastKnownFromEntities(published),
    );
    const ownership = new Map(fleet.services.map(s => [s.id, s.ownership]));
    const claimRefs = claimingEntities(claims, id => ownership.get(id));
    const entities = buildEntities(view, {
      ...this.#config,
      locationRef,
      appBaseUrl: this.#appBaseUrl,
      claimedServices: new Set(claimRefs.keys()),
      claimRefs,
      dependencies: await this.#dependencies(published, claimRefs),
      policies: policiesToView(await this.#policies(), published),
    });

    await connection.applyMutation({
      type: 'full',
      entities: entities.map(entity => ({ entity, locationKey: locationRef })),
    });
    this.#logger.info(
      `Published ${entities.length} mesh entities from ${fleet.clusters.length} clusters`,
    );
  }

  /**
   * Caller → callee pairs to publish: the traffic source's answer applied to what the catalog
   * holds. A failed read keeps what is there: an outage of metrics is not an outage of calls.
   */
  async #dependencies(
    published: Entity[],
    claimRefs: ReadonlyMap<string, string>,
  ) {
    const options = this.#config.dependencies;
    if (!options || !this.#fleetClient.getDependencies) return undefined;
    const present = presentDependencies(published, claimRefs);
    let answer: ServiceDependencies | undefined;
    try {
      answer = await this.#fleetClient.getDependencies(options.window);
    } catch (error) {
      this.#logger.warn(
        `Could not read service dependencies from the mesh backend; keeping the ${
          present.size
        } relations the catalog has: ${(error as Error).message}`,
      );
    }
    return nextDependencies(present, answer, options);
  }

  /**
   * The policies and their states. An outage keeps the policy entities the catalog has (see
   * `policiesToView`); a mesh backend without the route has no policies to publish, and the
   * rest of the fleet is published as before.
   */
  async #policies(): Promise<PoliciesAnswer> {
    if (!this.#config.policies || !this.#fleetClient.getPolicies) {
      return { status: 'none' };
    }
    try {
      return {
        status: 'ok',
        response: await this.#fleetClient.getPolicies(),
      };
    } catch (error) {
      if (isError(error) && error.name === 'NotFoundError') {
        this.#logger.info(
          `Publishing no policy entities: ${error.message}. Set policies.enabled to false in this provider's options (catalog.providers.meshport) to stop asking`,
        );
        return { status: 'none' };
      }
      this.#logger.warn(
        `Could not read the policies from the mesh backend; keeping the policy entities the catalog has: ${
          isError(error) ? error.message : String(error)
        }`,
      );
      return { status: 'unavailable' };
    }
  }

  async #readCatalog(locationRef: string) {
    const credentials = await this.#auth.getOwnServiceCredentials();
    const published = await collect(
      this.#catalog.streamEntities(
        {
          filter: {
            [`metadata.annotations.${ANNOTATION_ORIGIN_LOCATION}`]: locationRef,
          },
          // A policy entity kept through an outage is published again from these fields.
          fields: [
            'apiVersion',
            'kind',
            'metadata',
            'spec.type',
            'spec.owner',
            'spec.dependsOn',
            'spec.dependencyOf',
          ],
        },
        { credentials },
      ),
    );
    const claims = await collect(
      this.#catalog.streamEntities(
        {
          query: {
            [`metadata.annotations.${MESH_SERVICE_ANNOTATION}`]: {
              $exists: true,
            },
          },
          fields: [
            'kind',
            'metadata.name',
            'metadata.namespace',
            'metadata.annotations',
            'spec.owner',
          ],
        },
        { credentials },
      ),
    );
    return { published, claims };
  }
}

async function collect(pages: AsyncIterable<Entity[]>): Promise<Entity[]> {
  const all: Entity[] = [];
  for await (const page of pages) {
    all.push(...page);
  }
  return all;
}
