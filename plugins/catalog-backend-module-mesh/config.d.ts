import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

/** Options of one Meshport entity provider. */
interface MeshportProviderOptions {
  /**
   * How often the fleet is read into the catalog. Default: every 5 minutes,
   * 3 minutes timeout, first run 15 seconds after startup.
   */
  schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
  /**
   * Owner of clusters and meshes, and of services the mesh backend resolves no
   * owner for (see `mesh.ownership.owners` for per-namespace owners). An entity ref; a bare name is a group in the default
   * namespace. Default: `group:default/platform-team`.
   */
  defaultOwner?: string;
  /**
   * Kubernetes namespaces whose services get no Component. Replaces the
   * default (mesh-common's, the mesh backend's too): kube-system, kube-public,
   * kube-node-lease, istio-system, linkerd, linkerd-multicluster, linkerd-viz.
   */
  excludeNamespaces?: string[];
  /**
   * Publish a Component per mesh service. When false only the cluster and
   * mesh Resources are published. Default: true.
   */
  components?: boolean;
  /** Backstage namespace of every published entity. Default: `default`. */
  namespace?: string;
  /**
   * `dependsOn` relations between mesh service Components from observed traffic (the mesh
   * backend's `GET /api/mesh/dependencies`), so the Catalog Graph draws who calls whom.
   */
  dependencies?: {
    /** Default: true (relations appear once a traffic-source module is installed). */
    enabled?: boolean;
    /** How far back a call counts, e.g. `15m`, `1h` (1m to 24h). Default: `1h`. */
    window?: string;
    /**
     * Requests plus connections per second over the window at which a pair becomes a
     * relation; it stays while any of its traffic is seen. Default: 0.01.
     */
    minRequestsPerSecond?: number;
  };
  /**
   * A `mesh-policy` Resource per policy on a policy repository's branch or in an open pull
   * request (the mesh backend's `GET /api/mesh/policies`, see `mesh.policyRepositories`):
   * owned by the requesting team, depending on its destinations' Components, its state per
   * cluster in annotations.
   */
  policies?: {
    /** Default: true (no entities while no policy repository is configured). */
    enabled?: boolean;
  };
}

export interface Config {
  catalog?: {
    providers?: {
      /**
       * Meshport: mesh services, clusters and meshes as catalog entities.
       * Either one provider's options, or a map from provider id to options.
       */
      meshport?:
        | MeshportProviderOptions
        | { [providerId: string]: MeshportProviderOptions };
    };
  };
}
