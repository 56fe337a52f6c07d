/** The Linkerd policy API versions we emit: those of Linkerd 2.16 and later. */
export const LINKERD_POLICY_V1ALPHA1 = 'policy.linkerd.io/v1alpha1';
export const LINKERD_SERVER = 'policy.linkerd.io/v1beta3';
export const GATEWAY_API = 'gateway.networking.k8s.io/v1';
