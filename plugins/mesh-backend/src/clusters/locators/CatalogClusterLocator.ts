import type {
  AuthService,
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import type { Entity } from '@backstage/catalog-model';
import type { Config } from '@backstage/config';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ANNOTATION_KUBERNETES_API_SERVER,
  ANNOTATION_KUBERNETES_API_SERVER_CA,
  ANNOTATION_KUBERNETES_AUTH_PROVIDER,
  ANNOTATION_KUBERNETES_SKIP_METRICS_LOOKUP,
  ANNOTATION_KUBERNETES_SKIP_TLS_VERIFY,
} from '@backstage/plugin-kubernetes-common';
import type {
  AuthMetadata,
  ClusterDetails,
} from '@backstage/plugin-kubernetes-node';
import type { MeshClusterSupplier } from '@meshport/backstage-plugin-mesh-node';
import {
  ClusterUrlRules,
  clusterUrlProblem,
  LookupAll,
} from './validateClusterUrl';

/**
 * The clusters registered in the catalog, found as Backstage's Kubernetes plugin finds them
 * (plugins/kubernetes-backend/src/cluster-locator/CatalogClusterLocator.ts): `Resource`
 * entities of `spec.type: kubernetes-cluster` carrying the API server, its CA and the auth
 * provider as `kubernetes.io/*` annotations, which become the auth metadata.
 *
 * Catalog annotations are readable by every user, so, as in Backstage, a cluster whose auth
 * provider is `serviceAccount` (its token would sit in an annotation) is ignored, a
 * `serviceAccountToken` annotation never becomes auth metadata, the API server URL must pass
 * `clusterUrlProblem`, and `kubernetes.io/skip-tls-verify` counts only when the locator sets
 * `dangerouslyAllowSkipTLSVerify`.
 */
export class CatalogClusterLocator implements MeshClusterSupplier {
  constructor(
    private readonly options: {
      catalog: CatalogService;
      auth: AuthService;
      logger: LoggerService;
      rules: ClusterUrlRules & { dangerouslyAllowSkipTLSVerify?: boolean };
      lookup?: LookupAll;
    },
  ) {}

  static fromConfig(
    method: Config,
    deps: {
      catalog: CatalogService;
      auth: AuthService;
      logger: LoggerService;
      /** Resolves API server host names; DNS by default. */
      lookup?: LookupAll;
    },
  ): CatalogClusterLocator {
    return new CatalogClusterLocator({
      ...deps,
      rules: {
        dangerouslyAllowClusterUrls: method.getOptionalStringArray(
          'dangerouslyAllowClusterUrls',
        ),
        dangerouslyAllowSkipTLSVerify: method.getOptionalBoolean(
          'dangerouslyAllowSkipTLSVerify',
        ),
      },
    });
  }

  async getClusters(options?: {
    credentials: BackstageCredentials;
  }): Promise<ClusterDetails[]> {
    const { catalog, auth } = this.options;
    const annotation = (key: string) => `metadata.annotations.${key}`;
    const { items } = await catalog.getEntities(
      {
        filter: [
          {
            kind: 'Resource',
            'spec.type': 'kubernetes-cluster',
            [annotation(ANNOTATION_KUBERNETES_API_SERVER)]:
              CATALOG_FILTER_EXISTS,
            [annotation(ANNOTATION_KUBERNETES_API_SERVER_CA)]:
              CATALOG_FILTER_EXISTS,
            [annotation(ANNOTATION_KUBERNETES_AUTH_PROVIDER)]:
              CATALOG_FILTER_EXISTS,
          },
        ],
      },
      {
        credentials:
          options?.credentials ?? (await auth.getOwnServiceCredentials()),
      },
    );
    const clusters: ClusterDetails[] = [];
    for (const entity of items) {
      const cluster = await this.toCluster(entity);
      if (cluster) clusters.push(cluster);
    }
    return clusters;
  }

  private async toCluster(entity: Entity): Promise<ClusterDetails | undefined> {
    const { logger, rules, lookup } = this.options;
    const name = entity.metadata.name;
    const annotations = entity.metadata.annotations ?? {};
    const ignore = (why: string) => {
      logger.warn(
        `Mesh discovery ignores kubernetes-cluster Resource ${JSON.stringify(
          name,
        )}: ${why}`,
      );
      return undefined;
    };
    if (annotations[ANNOTATION_KUBERNETES_AUTH_PROVIDER] === 'serviceAccount') {
      return ignore(
        'the catalog locator does not accept the serviceAccount auth provider (its token would be readable in the catalog); list the cluster in a config locator instead',
      );
    }
    const url = annotations[ANNOTATION_KUBERNETES_API_SERVER];
    const problem = await clusterUrlProblem(url, rules, lookup);
    if (problem) return ignore(problem);
    const authMetadata: AuthMetadata = {};
    for (const [key, value] of Object.entries(annotations)) {
      if (key.startsWith('kubernetes.io/')) authMetadata[key] = value;
    }
    return {
      name,
      ...(entity.metadata.title ? { title: entity.metadata.title } : {}),
      url,
      caData: annotations[ANNOTATION_KUBERNETES_API_SERVER_CA],
      skipTLSVerify:
        (rules.dangerouslyAllowSkipTLSVerify ?? false) &&
        annotations[ANNOTATION_KUBERNETES_SKIP_TLS_VERIFY] === 'true',
      skipMetricsLookup:
        annotations[ANNOTATION_KUBERNETES_SKIP_METRICS_LOOKUP] === 'true',
      authMetadata,
    };
  }
}
