import { ANNOTATION_KUBERNETES_AUTH_PROVIDER } from '@backstage/plugin-kubernetes-common';
import {
  AksStrategy,
  GoogleStrategy,
  OidcStrategy,
} from '@backstage/plugin-kubernetes-backend';
import type {
  ClusterDetails,
  KubernetesCredential,
} from '@backstage/plugin-kubernetes-node';
import type { MeshAuthStrategy } from '@meshport/backstage-plugin-mesh-node';
import { ClusterReadError } from '../../readers/ClusterReadError';

/**
 * Providers whose strategy signs in as the Backstage user looking at the page: the
 * Kubernetes plugin's frontend sends that user's token in the request body and the
 * strategy's `getCredential` reads it from there (plugins/kubernetes-backend/src/auth/
 * GoogleStrategy.ts, OidcStrategy.ts, AksStrategy.ts). Discovery runs on a schedule with no
 * user, so such a cluster cannot be read with them; the advice says what reads it instead.
 * Matched by class, so a module that registers its own strategy under `google` is used.
 */
const NEEDS_SIGNED_IN_USER: Array<{
  strategy: new () => MeshAuthStrategy;
  instead: string;
}> = [
  {
    strategy: GoogleStrategy,
    instead:
      "authProvider 'googleServiceAccount' (kubernetes.googleServiceAccountCredentials or application default credentials)",
  },
  {
    strategy: AksStrategy,
    instead:
      "authProvider 'azure' (a service principal or managed identity through the Azure SDK's environment)",
  },
  {
    strategy: OidcStrategy,
    instead:
      "a provider with a backend identity: 'serviceAccount', 'aws', 'azure' or 'googleServiceAccount'",
  },
];

/**
 * Asks a cluster's auth strategy for the credential of one sync. Strategies are looked up by
 * the cluster's `kubernetes.io/auth-provider`, as the Kubernetes plugin's DispatchStrategy
 * does; what cannot work without a signed-in user, an unknown provider and auth metadata the
 * strategy rejects all fail with reason `auth-config` and what to configure, so the cluster
 * shows in the fleet with that error instead of being dropped.
 */
export class ClusterAuthenticator {
  constructor(private readonly strategies: Map<string, MeshAuthStrategy>) {}

  async credentialFor(cluster: ClusterDetails): Promise<KubernetesCredential> {
    const provider = cluster.authMetadata[ANNOTATION_KUBERNETES_AUTH_PROVIDER];
    const refuse = (why: string) =>
      new ClusterReadError('auth-config', `cluster ${cluster.name}: ${why}`);
    if (!provider) {
      throw refuse(
        `no auth provider is configured; set authProvider (or authMetadata.${ANNOTATION_KUBERNETES_AUTH_PROVIDER}) to one of ${this.known()}`,
      );
    }
    const strategy = this.strategies.get(provider);
    if (!strategy) {
      throw refuse(
        `authProvider '${provider}' has no auth strategy; use one of ${this.known()}, or add a strategy for it with a backend module (meshClusterSupplierExtensionPoint.addAuthStrategy)`,
      );
    }
    const userOnly = this.needsUser(strategy);
    if (userOnly) {
      throw refuse(
        `authProvider '${provider}' uses the token of the Backstage user viewing the page, and discovery runs in the background with no user; read this cluster with ${userOnly.instead}`,
      );
    }
    const invalid = strategy.validateCluster(cluster.authMetadata);
    if (invalid.length > 0) {
      throw refuse(
        `authProvider '${provider}' rejects its auth metadata: ${invalid
          .map(e => e.message)
          .join(', ')}`,
      );
    }
    try {
      // no request auth: nothing here comes from a user's request
      return await strategy.getCredential(cluster, {});
    } catch (error) {
      throw new ClusterReadError(
        'unauthorized',
        `cluster ${
          cluster.name
        }: authProvider '${provider}' gave no credential: ${
          (error as Error).message
        }`,
      );
    }
  }

  private needsUser(strategy: MeshAuthStrategy) {
    return NEEDS_SIGNED_IN_USER.find(
      entry => strategy instanceof entry.strategy,
    );
  }

  /** The providers discovery can read with. */
  private known(): string {
    return [...this.strategies]
      .filter(([, strategy]) => !this.needsUser(strategy))
      .map(([key]) => key)
      .sort()
      .map(key => `'${key}'`)
      .join(', ');
  }
}
