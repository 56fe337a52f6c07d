/**
 * Meshport discovers the clusters of the Kubernetes plugin's `kubernetes.clusterLocatorMethods`
 * (every locator type) and reads them with its auth strategies; the `mesh` keys below only
 * add what Backstage does not already know.
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
   * The Kubernetes plugin's clusters, which Meshport discovers. The keys Meshport reads are
   * declared here too (the schemas merge, with the same visibility as the plugin's), so that
   * credentials are marked secret even where the plugin's own schema is not loaded.
   */
  kubernetes?: {
    clusterLocatorMethods?: Array<{
      /** `config`, `catalog`, `gke` or `localKubectlProxy`. */
      type: string;
      /** `config`: the clusters. */
      clusters?: Array<{
        /** The cluster's name in Backstage: in the catalog, the API and metrics mapping. */
        name: string;
        /** API server URL, e.g. `https://cluster-1.example.internal:6443`. */
        url: string;
        /**
         * How discovery authenticates: serviceAccount, aws, azure, googleServiceAccount,
         * localKubectlProxy, or a key a backend module registered. google, oidc and aks need
         * a signed-in user and are reported as not readable by discovery.
         */
        authProvider?: string;
        /**
         * Bearer token of the read-only discovery service account
         * (deploy/kubernetes/meshport-discovery.yaml). Never leaves the backend.
         * @visibility secret
         */
        serviceAccountToken?: string;
        /**
         * Auth metadata for the strategy (`kubernetes.io/auth-provider`,
         * `kubernetes.io/x-k8s-aws-id`…); wins over the flat keys.
         * @visibility secret
         */
        authMetadata?: { [key: string]: string };
        /** `aws`: the role to assume. */
        assumeRole?: string;
        /** `aws`: the external id of that role. */
        externalId?: string;
        /** `oidc`: the auth provider whose token the user signs in with. */
        oidcTokenProvider?: string;
        /**
         * Base64 PEM of the API server's CA.
         * @visibility secret
         */
        caData?: string;
        /**
         * Path of a file holding that CA, instead of caData.
         * @visibility secret
         */
        caFile?: string;
        /** Skip verifying the API server's certificate: for local test clusters only. */
        skipTLSVerify?: boolean;
      }>;
      /** `catalog`: hosts (`*.example.com`) whose API servers may be internal or plain HTTP. */
      dangerouslyAllowClusterUrls?: string[];
      /** `catalog`: honour the `kubernetes.io/skip-tls-verify` annotation. */
      dangerouslyAllowSkipTLSVerify?: boolean;
      /** `gke`: the Google Cloud project whose clusters are listed. */
      projectId?: string;
      /** `gke`: a region or zone; `-` (the default) for all. */
      region?: string;
      /** `gke`: list only clusters carrying every one of these resource labels. */
      matchingResourceLabels?: Array<{ key: string; value: string }>;
      /** `gke`: `public` (default) endpoint IP or `dns` endpoint. */
      endpointType?: string;
    }>;
    /**
     * JSON key of the Google service account the `googleServiceAccount` provider uses;
     * application default credentials when absent.
     * @visibility secret
     */
    googleServiceAccountCredentials?: string;
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
       * Worker threads that read each listed page of an API server's objects, parse it and
       * keep only what discovery reads, so that megabytes of Pods never reach the event loop
       * that serves requests. 0 reads and parses them on the event loop. Default 1; up to 16.
       */
      projectionThreads?: number;
      /**
       * Namespaces whose Services are not mesh services (control planes, system).
       * Replaces the default: kube-system, kube-public, kube-node-lease, istio-system,
       * linkerd, linkerd-multicluster, linkerd-viz.
       */
      excludeNamespaces?: string[];
      /** Pod labels whose values make a service's subsets. Default `[version]`. */
      subsetLabels?: string[];
      /**
       * `watch` (default): each API-server cluster is listed once, then watched, and a change
       * reaches the fleet within seconds; `frequency` then only looks for new or removed
       * clusters and retries failing ones; the fleet's analysis (`/findings`) runs once per
       * `frequency`, so findings may trail the fleet by that. Needs the verb `watch` beside
       * `list` (as deploy/kubernetes grants). `poll`: every cluster is read in full every
       * `frequency`, for an account that may only list. Snapshot clusters are always polled. In both
       * modes, replicas sharing a database split the clusters between them (see
       * `leaseDuration`).
       */
      mode?: 'watch' | 'poll';
      /**
       * In watch mode, how often each kind is listed in full anyway, in case a watch missed
       * a change. Default 30 minutes.
       */
      relistInterval?: Duration;
      /**
       * Replicas on one database split the clusters: each holds a lease on about its share
       * (clusters / live replicas), renewed every third of this. A replica that stops
       * cleanly frees its clusters at once; one that crashes has them taken over once its
       * leases expire, after this long. Default 30 seconds.
       */
      leaseDuration?: Duration;
    };

    /**
     * The policy lifecycle: how the policy repositories (`mesh.policyRepositories`) are read
     * from GitHub or GitLab and compared with the live fleet.
     */
    policyLifecycle?: {
      /** How often each policy repository's branch and pull requests are read. Default 1 minute. */
      frequency?: Duration;
      /** The longest one read of every repository may take before it is cancelled. Default 5 minutes. */
      timeout?: Duration;
      /**
       * Read every policy repository from a directory instead of GitHub or GitLab (the demo and
       * tests without credentials). See examples/demo-scm/README.md for its format.
       */
      snapshot?: {
        /**
         * The directory holding `repositories.json`. Resolved from the backend's working
         * directory. When set, no repository is read from its SCM.
         */
        directory?: string;
        /**
         * The directory a repository's `branchDirectory` must stay inside (a branch directory
         * is resolved from `directory` and may use `..` within this one). Default: `directory`.
         */
        rootDirectory?: string;
      };
      /** Whether each policy repository's CODEOWNERS matches the catalog's owners. */
      codeOwners?: {
        /**
         * Who owns CODEOWNERS itself and every folder no service rule covers, or whose owner
         * the catalog knows no SCM identity of: the platform team, as CODEOWNERS names it
         * (`@org/team` or `@user` on GitHub, `@group/subgroup` or `@user` on GitLab), e.g.
         * `['@acme/platform']`. Unset, the repositories' CODEOWNERS are not compared.
         */
        defaultOwners?: string[];
      };
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
