import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

/** Options of one Meshport entity provider. */
interface MeshportProviderOptions {
  /**
   * How often the fleet is read into the catalog. Default: every 5 minutes,
   * 3 minutes timeout, first run 15 seconds after startup.
   */
  schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
  /**
   * Owner of clusters, meshes and of services with no owner label and no
   * namespace mapping. An entity ref; a bare name is a group in the default
   * namespace. Default: `group:default/platform-team`.
   */
  defaultOwner?: string;
  /**
   * Kubernetes namespace → owner entity ref, for services whose Service and
   * namespace carry no owner label.
   */
  owners?: { [namespace: string]: string };
  /**
   * Kubernetes namespaces whose services get no Component. Replaces the
   * default: kube-system, kube-public, kube-node-lease, istio-system, linkerd,
   * linkerd-multicluster.
   */
  excludeNamespaces?: string[];
  /**
   * Publish a Component per mesh service. When false only the cluster and
   * mesh Resources are published. Default: true.
   */
  components?: boolean;
  /** Backstage namespace of every published entity. Default: `default`. */
  namespace?: string;
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
