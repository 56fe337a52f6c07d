import type { Config } from '@backstage/config';
import {
  ANNOTATION_KUBERNETES_AUTH_PROVIDER,
  ANNOTATION_KUBERNETES_AWS_ASSUME_ROLE,
  ANNOTATION_KUBERNETES_AWS_EXTERNAL_ID,
  ANNOTATION_KUBERNETES_OIDC_TOKEN_PROVIDER,
} from '@backstage/plugin-kubernetes-common';
import type {
  AuthMetadata,
  ClusterDetails,
} from '@backstage/plugin-kubernetes-node';
import type { MeshClusterSupplier } from '@meshport/backstage-plugin-mesh-node';

/**
 * The clusters a `type: config` locator lists, read as Backstage's Kubernetes plugin reads
 * them (plugins/kubernetes-backend/src/cluster-locator/ConfigClusterLocator.ts): the
 * `authMetadata` block wins over the flat `authProvider`, `serviceAccountToken`,
 * `assumeRole`, `externalId` and `oidcTokenProvider` keys, which become auth metadata.
 *
 * Unlike Backstage it does not refuse to start on a cluster without an auth provider or
 * whose auth metadata its strategy rejects: discovery reports such a cluster in the fleet
 * with why (see ClusterAuthenticator), so one mistake does not hide the other clusters.
 */
export class ConfigClusterLocator implements MeshClusterSupplier {
  private constructor(private readonly clusters: ClusterDetails[]) {}

  static fromConfig(method: Config): ConfigClusterLocator {
    return new ConfigClusterLocator(
      (method.getOptionalConfigArray('clusters') ?? []).map(readCluster),
    );
  }

  async getClusters(): Promise<ClusterDetails[]> {
    return this.clusters;
  }
}

function readCluster(cluster: Config): ClusterDetails {
  // the metadata keys hold dots and a slash, so the block is read as an object, not by path
  const block = cluster.getOptional<AuthMetadata>('authMetadata') ?? {};
  const authProvider =
    block[ANNOTATION_KUBERNETES_AUTH_PROVIDER] ??
    cluster.getOptionalString('authProvider');
  const flat: AuthMetadata = {};
  const copy = (key: string, into: string) => {
    const value = cluster.getOptionalString(key);
    if (value) flat[into] = value;
  };
  copy('serviceAccountToken', 'serviceAccountToken');
  copy('assumeRole', ANNOTATION_KUBERNETES_AWS_ASSUME_ROLE);
  copy('externalId', ANNOTATION_KUBERNETES_AWS_EXTERNAL_ID);
  copy('oidcTokenProvider', ANNOTATION_KUBERNETES_OIDC_TOKEN_PROVIDER);
  const title = cluster.getOptionalString('title');
  return {
    name: cluster.getString('name'),
    ...(title ? { title } : {}),
    url: cluster.getString('url'),
    skipTLSVerify: cluster.getOptionalBoolean('skipTLSVerify') ?? false,
    skipMetricsLookup: cluster.getOptionalBoolean('skipMetricsLookup') ?? false,
    caData: cluster.getOptionalString('caData'),
    caFile: cluster.getOptionalString('caFile'),
    authMetadata: {
      ...(authProvider
        ? { [ANNOTATION_KUBERNETES_AUTH_PROVIDER]: authProvider }
        : {}),
      ...flat,
      ...block,
    },
  };
}
