import { ServiceAccountStrategy } from '@backstage/plugin-kubernetes-backend';
import type { KubernetesClusterSource } from '../clusters/ClusterSource';
import { ClusterAuthenticator } from '../clusters/auth/ClusterAuthenticator';

/** A cluster read with a service-account token, as a `config` locator lists it. */
export function kubernetesSource(
  name: string,
  url: string,
  options: { token?: string; skipTLSVerify?: boolean } = {},
): KubernetesClusterSource {
  return {
    type: 'kubernetes',
    name,
    cluster: {
      name,
      url,
      skipTLSVerify: options.skipTLSVerify ?? false,
      authMetadata: {
        'kubernetes.io/auth-provider': 'serviceAccount',
        ...(options.token ? { serviceAccountToken: options.token } : {}),
      },
    },
  };
}

/** Reads with the Kubernetes plugin's ServiceAccountStrategy, as discovery does. */
export const serviceAccountAuth = new ClusterAuthenticator(
  new Map([['serviceAccount', new ServiceAccountStrategy()]]),
);
