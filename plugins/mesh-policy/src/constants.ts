/** The API group and version of every Meshport policy. */
export const POLICY_API_VERSION = 'meshport.dev/v1alpha1';

/*
 * Every Meshport label and annotation is mesh-common's, as are the names the compiler shares
 * with discovery: the network label istiod stamps on every endpoint, and the east-west
 * gateways' mTLS passthrough port.
 */
export {
  EAST_WEST_PORT,
  ISTIO_NETWORK_LABEL,
  MESHPORT_POLICIES_ANNOTATION as POLICIES_ANNOTATION,
  MESHPORT_POLICY_LABEL as POLICY_LABEL,
  MESHPORT_RESOLUTION_ANNOTATION as RESOLUTION_ANNOTATION,
  MESHPORT_SPEC_HASH_ANNOTATION as SPEC_HASH_ANNOTATION,
} from '@meshport/backstage-plugin-mesh-common';

export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY_VALUE = 'meshport';

/** Istio labels every endpoint with the `CLUSTER_ID` of the cluster it runs in. */
export const ISTIO_CLUSTER_LABEL = 'topology.istio.io/cluster';
