/**
 * Every label and annotation Meshport reads or writes, named once: the backend, the catalog
 * module, the policy compiler and the UI import them from here.
 */

/** Annotation by which a catalog entity claims a mesh service: `<namespace>/<name>`. */
export const MESH_SERVICE_ANNOTATION = 'meshport.dev/service';

/**
 * Label put on every rendered mesh resource, naming the Meshport policy it came from:
 * `<kind>.<namespace>.<name>`. Discovery reads it back to say which policy made an object.
 */
export const MESHPORT_POLICY_LABEL = 'meshport.dev/policy';

/**
 * Annotation on a rendered resource listing every policy that contributed to it. A label holds
 * one value, and a VirtualService merged from several policies still needs to name them all.
 */
export const MESHPORT_POLICIES_ANNOTATION = 'meshport.dev/policies';

/**
 * Annotation on a rendered resource holding the hash of the spec Meshport rendered
 * (`renderedSpecHash`): a live object whose spec no longer hashes to it was edited by hand.
 */
export const MESHPORT_SPEC_HASH_ANNOTATION = 'meshport.dev/spec-hash';

/** Annotation saying how a rendered host is resolved, when it needs more than cluster DNS. */
export const MESHPORT_RESOLUTION_ANNOTATION = 'meshport.dev/resolution';

/**
 * The label on a Service or its namespace naming its owning team, unless `mesh.ownerLabel`
 * names another (see `resolveOwnership`).
 */
export const DEFAULT_OWNER_LABEL = 'meshport.dev/owner';

/*
 * Annotations the catalog module writes on the entities it publishes. It reads them back to
 * keep a stale cluster's services, so the catalog is its memory across restarts and replicas.
 */

/** Comma-separated Backstage cluster names a service runs on, or a mesh spans. */
export const MESH_CLUSTERS_ANNOTATION = 'meshport.dev/clusters';
/** Comma-separated data-plane modes of a service (`sidecar`, `ambient`, `linkerd`, `none`). */
export const MESH_DATA_PLANE_MODE_ANNOTATION = 'meshport.dev/data-plane-mode';
/** The cluster name of a `kubernetes-cluster` Resource. */
export const MESH_CLUSTER_ANNOTATION = 'meshport.dev/cluster';
/** The sync state of a `kubernetes-cluster` Resource: `ok`, `stale` or `never-synced`. */
export const MESH_SYNC_STATE_ANNOTATION = 'meshport.dev/sync-state';
/** ISO time of the last successful sync of a cluster. */
export const MESH_LAST_SYNC_ANNOTATION = 'meshport.dev/last-sync';
/** The fleet id of a `service-mesh` Resource. */
export const MESH_ID_ANNOTATION = 'meshport.dev/mesh';
/** `istio` or `linkerd`, on a `service-mesh` Resource. */
export const MESH_KIND_ANNOTATION = 'meshport.dev/mesh-kind';
/** `"true"` when everything the entity describes comes from unreachable clusters. */
export const MESH_STALE_ANNOTATION = 'meshport.dev/stale';
/** Why the entity is stale, for a human. */
export const MESH_STALE_REASON_ANNOTATION = 'meshport.dev/stale-reason';

/*
 * The Kubernetes plugin's own annotations, which name the same workloads in every cluster.
 * `@backstage/plugin-kubernetes-common` exports the first and the last as
 * `KUBERNETES_ANNOTATION` and `KUBERNETES_LABEL_SELECTOR_QUERY_ANNOTATION`; they are written
 * here so the browser bundle does not pull that package (and its Kubernetes client types) in.
 */

/** The Kubernetes plugin finds the workloads labelled `backstage.io/kubernetes-id: <value>`. */
export const KUBERNETES_ID_ANNOTATION = 'backstage.io/kubernetes-id';
/** The namespace the Kubernetes plugin looks in. */
export const KUBERNETES_NAMESPACE_ANNOTATION =
  'backstage.io/kubernetes-namespace';
/** Read by the Kubernetes plugin instead of kubernetes-id: a label selector. */
export const KUBERNETES_LABEL_SELECTOR_ANNOTATION =
  'backstage.io/kubernetes-label-selector';

/**
 * Istio's network label (`topology.istio.io/network`), on a cluster's istio-system
 * namespace, its east-west gateway and its workloads: which endpoints are reachable directly.
 */
export const ISTIO_NETWORK_LABEL = 'topology.istio.io/network';

/*
 * The catalog module's `mesh-policy` Resources: one per policy on a policy repository's branch
 * or in an open pull request (see policyLifecycle.ts for the states).
 */

/** `spec.type` of the Resource standing for a Meshport policy. */
export const MESH_POLICY_ENTITY_TYPE = 'mesh-policy';
/**
 * The policy a `mesh-policy` Resource stands for: its ref, `<kind>.<namespace>.<name>`, the
 * same value as the `meshport.dev/policy` label on what it renders.
 */
export const MESH_POLICY_ANNOTATION = 'meshport.dev/policy';
/** The policy's overall state (`PolicyState`). */
export const MESH_POLICY_STATE_ANNOTATION = 'meshport.dev/policy-state';
/** Its state per cluster, `<cluster>=<state>` comma-separated, by cluster name. */
export const MESH_POLICY_CLUSTERS_ANNOTATION = 'meshport.dev/policy-clusters';
/** The configured policy repository it lives in (`PolicyRepositoryStatus.url`). */
export const MESH_POLICY_REPOSITORY_ANNOTATION =
  'meshport.dev/policy-repository';
