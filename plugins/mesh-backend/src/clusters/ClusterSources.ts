import type { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import type { ClusterDetails } from '@backstage/plugin-kubernetes-node';
import type {
  ClusterSource,
  KubernetesClusterSource,
  SnapshotClusterSource,
} from './ClusterSource';
import { clusterNameProblem } from './clusterNameProblem';
import type { NamedSupplier } from './locators/clusterLocators';

/**
 * The clusters to discover, asked of every supplier (the Kubernetes plugin's locators, then
 * modules' suppliers) at each discovery run, so a cluster added in the catalog or GKE is
 * read on the next run. A supplier that fails keeps the list it gave last time and the
 * failure is logged: a catalog restart or a GKE outage never empties the fleet.
 */
export class ClusterSources {
  private readonly last = new Map<NamedSupplier, ClusterDetails[]>();

  /**
   * Whether every supplier has answered since startup, so that a cluster missing from the
   * list is really gone, not just unlisted because its locator has been failing.
   */
  get complete(): boolean {
    return this.options.suppliers.every(s => this.last.has(s));
  }

  constructor(
    private readonly options: {
      suppliers: NamedSupplier[];
      snapshots: SnapshotClusterSource[];
      auth: AuthService;
      logger: LoggerService;
    },
  ) {}

  /** Whether there is anything to discover at all. */
  get empty(): boolean {
    return (
      this.options.suppliers.length === 0 && this.options.snapshots.length === 0
    );
  }

  /**
   * The clusters of every supplier, or with `staticOnly` only of those whose list never
   * changes: what the backend knows at startup without calling the catalog or GKE.
   */
  async resolve(
    options: { staticOnly?: boolean } = {},
  ): Promise<ClusterSource[]> {
    const { snapshots, auth, logger } = this.options;
    const suppliers = this.options.suppliers.filter(
      s => !(options.staticOnly && s.dynamic),
    );
    const credentials = await auth.getOwnServiceCredentials();
    const listed = await Promise.all(
      suppliers.map(async named => {
        try {
          const clusters = await named.supplier.getClusters({ credentials });
          this.last.set(named, clusters);
          return { named, clusters };
        } catch (error) {
          const kept = this.last.get(named) ?? [];
          logger.warn(
            `Mesh discovery could not list the clusters of ${
              named.id
            }, keeping the ${kept.length} it listed before: ${
              (error as Error).message
            }`,
          );
          return { named, clusters: kept };
        }
      }),
    );
    const sources: ClusterSource[] = [];
    const seen = new Map<string, string>();
    const add = (source: ClusterSource, from: string) => {
      const first = seen.get(source.name);
      if (first) {
        logger.error(
          `Mesh discovery skips cluster ${source.name} of ${from}: ${first} already has a cluster of that name; names must be unique`,
        );
        return;
      }
      seen.set(source.name, from);
      sources.push(source);
    };
    for (const { named, clusters } of listed) {
      for (const cluster of clusters) {
        const problem = clusterNameProblem(cluster.name, named.id);
        if (problem) {
          logger.error(problem);
          continue;
        }
        const source: KubernetesClusterSource = {
          type: 'kubernetes',
          name: cluster.name,
          cluster,
        };
        add(source, named.id);
      }
    }
    for (const snapshot of snapshots) add(snapshot, 'mesh.snapshot.directory');
    return sources;
  }
}
