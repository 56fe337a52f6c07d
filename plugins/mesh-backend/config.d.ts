/**
 * Meshport reads clusters and their credentials from the Kubernetes plugin's
 * `kubernetes.clusterLocatorMethods` (type `config`, authProvider `serviceAccount`); the keys
 * below only add what Backstage does not already know.
 */
/** A duration as an object (`{ minutes: 1 }`) or an ISO 8601 / ms-style string (`PT1M`, `1m`). */
type Duration =
  | {
      days?: number;
      hours?: number;
      minutes?: number;
      seconds?: number;
      milliseconds?: number;
    }
  | string;

export interface Config {
  /**
   * The Kubernetes plugin's cluster list, which Meshport discovers. Declared here too (the
   * schemas merge) so that the token is marked secret even in a backend without the
   * Kubernetes plugin.
   */
  kubernetes?: {
    clusterLocatorMethods?: Array<{
      /** Meshport reads `config` locators; others are left to the Kubernetes plugin. */
      type: string;
      clusters?: Array<{
        /** The cluster's name in Backstage: in the catalog, the API and metrics mapping. */
        name: string;
        /** API server URL, e.g. `https://cluster-1.example.internal:6443`. */
        url: string;
        /** Meshport supports `serviceAccount`. */
        authProvider?: string;
        /**
         * Bearer token of the read-only discovery service account
         * (deploy/kubernetes/meshport-discovery.yaml). Never leaves the backend.
         * @visibility secret
         */
        serviceAccountToken?: string;
        /** Base64 PEM of the API server's CA. */
        caData?: string;
        /** Path of a file holding that CA, instead of caData. */
        caFile?: string;
        /** Skip verifying the API server's certificate: for local test clusters only. */
        skipTLSVerify?: boolean;
      }>;
    }>;
  };

  mesh?: {
    /**
     * Label on a Service, or else on its namespace, that names the Group owning the service:
     * `meshport.dev/owner: bookinfo-team` makes `group:default/bookinfo-team` the owner
     * (label values cannot hold a full entity ref). Default `meshport.dev/owner`.
     */
    ownerLabel?: string;

    ownership?: {
      /**
       * The platform team's word on who owns a service, deciding over the owner labels (the
       * one way to settle labels that disagree across clusters). An entry with `service`
       * names one service; without it, every service of the namespace. `owner` is an entity
       * ref; a bare name is a Group in `default`.
       */
      owners?: Array<{ namespace: string; service?: string; owner: string }>;
    };

    discovery?: {
      /** How often the fleet is discovered. Default 1 minute. */
      frequency?: Duration;
      /** Limit for reading one cluster; past it the cluster is marked stale (`timeout`). Default 30 seconds. */
      timeout?: Duration;
      /** Clusters read at the same time. Default 5. */
      concurrency?: number;
      /** `limit` of each paginated list call. Default 500. */
      pageSize?: number;
      /** A list returning more objects than this fails the cluster instead of exhausting memory. Default 50000. */
      maxObjectsPerKind?: number;
      /**
       * Namespaces whose Services are not mesh services (control planes, system).
       * Replaces the default: kube-system, kube-public, kube-node-lease, istio-system,
       * linkerd, linkerd-multicluster, linkerd-viz.
       */
      excludeNamespaces?: string[];
      /** Pod labels whose values make a service's subsets. Default `[version]`. */
      subsetLabels?: string[];
    };

    snapshot?: {
      /**
       * A directory with one sub-directory per cluster (named after the cluster) holding
       * Kubernetes List documents as `kubectl get … -o json|yaml` prints them. Resolved from
       * the backend's working directory. Used by the demo app and the end-to-end tests.
       */
      directory?: string;
    };
  };
}
