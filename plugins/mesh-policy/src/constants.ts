/** The API group and version of every Meshport policy. */
export const POLICY_API_VERSION = 'meshport.dev/v1alpha1';

/*
 * Names the compiler shares with the rest of Meshport are mesh-common's: the label on every
 * rendered object naming the policy it came from (`<kind>.<namespace>.<name>`), the network
 * label istiod stamps on every endpoint, and the east-west gateways' mTLS passthrough port.
 */
export {
  EAST_WEST_PORT,
  ISTIO_NETWORK_LABEL,
  MESHPORT_POLICY_LABEL as POLICY_LABEL,
} from '@meshport/backstage-plugin-mesh-common';

/**
 * Annotation listing every policy that contributed to an object. A label holds one value,
 * and a VirtualService merged from several policies still needs to name them all.
 */
export const POLICIES_ANNOTATION = 'meshport.dev/policies';

export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY_VALUE = 'meshport';

/** Istio labels every endpoint with the `CLUSTER_ID` of the cluster it runs in. */
export const ISTIO_CLUSTER_LABEL = 'topology.istio.io/cluster';

/** Annotation saying how a rendered host is resolved, when it needs more than cluster DNS. */
export const RESOLUTION_ANNOTATION = 'meshport.dev/resolution';
