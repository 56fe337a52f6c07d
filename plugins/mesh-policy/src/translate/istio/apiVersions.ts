/** The Istio API versions we emit: v1, served by Istio 1.22 and later. */
export const NETWORKING = 'networking.istio.io/v1';
export const SECURITY = 'security.istio.io/v1';
