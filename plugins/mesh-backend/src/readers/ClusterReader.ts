/** A Kubernetes object as the API server serves it; readers do not interpret it. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    creationTimestamp?: string;
    ownerReferences?: Array<{
      kind: string;
      name: string;
      controller?: boolean;
    }>;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

/** A kind discovery lists, by group (empty for the core group) and plural. */
export interface ResourceType {
  group: string;
  /** The version to use when the reader cannot ask the server for its preferred one. */
  version: string;
  plural: string;
  kind: string;
  /** A custom resource: a missing API group means "not installed", not an error. */
  optional?: boolean;
  /** Ask only for metadata (remote secrets: the kubeconfig inside is never read). */
  metadataOnly?: boolean;
}

export interface ListOptions {
  /** Limit to one namespace; cluster-wide when absent. */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  signal: AbortSignal;
}

/**
 * Reads one cluster. `list` returns every item across pages, or `undefined` when an
 * optional resource's API is not served (its CRD is not installed). Failures throw
 * `ClusterReadError` so discovery can record why.
 */
export interface ClusterReader {
  list(
    resource: ResourceType,
    options: ListOptions,
  ): Promise<KubeObject[] | undefined>;
  /** Releases what the reader holds open (kept-alive connections) once the sync is over. */
  close?(): void;
}
