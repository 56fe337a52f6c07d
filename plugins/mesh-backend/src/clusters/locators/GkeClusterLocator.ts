import type { Config } from '@backstage/config';
import { ANNOTATION_KUBERNETES_AUTH_PROVIDER } from '@backstage/plugin-kubernetes-common';
import type { ClusterDetails } from '@backstage/plugin-kubernetes-node';
import type { MeshClusterSupplier } from '@meshport/backstage-plugin-mesh-node';
import { GoogleAuth } from 'google-auth-library';

/** The part of the container API's Cluster resource the locator uses. */
interface GkeCluster {
  name?: string;
  endpoint?: string;
  masterAuth?: { clusterCaCertificate?: string };
  resourceLabels?: Record<string, string>;
  controlPlaneEndpointsConfig?: { dnsEndpointConfig?: { endpoint?: string } };
}

export interface GkeLocatorOptions {
  projectId: string;
  /** A region or zone; `-` lists every location of the project. */
  region: string;
  authProvider: 'google' | 'googleServiceAccount';
  skipTLSVerify: boolean;
  skipMetricsLookup: boolean;
  exposeDashboard: boolean;
  matchingResourceLabels: Array<{ key: string; value: string }>;
  endpointType: 'public' | 'dns';
}

/** Gives the OAuth access token the container API is called with. */
export interface GoogleAccessTokens {
  getAccessToken(): Promise<string | null | undefined>;
}

const CONTAINER_API = 'https://container.googleapis.com/v1';

/**
 * The GKE clusters of a project, read as Backstage's Kubernetes plugin reads them
 * (plugins/kubernetes-backend/src/cluster-locator/GkeClusterLocator.ts): same config keys and
 * defaults, same label filter and endpoint choice. It calls the container API's REST
 * `projects.locations.clusters.list`
 * (https://cloud.google.com/kubernetes-engine/docs/reference/rest/v1/projects.locations.clusters/list)
 * with a token from application default credentials, rather than through the gRPC client,
 * so the call is plain HTTPS. It is asked again at each discovery run: a new cluster is
 * discovered on the next one.
 */
export class GkeClusterLocator implements MeshClusterSupplier {
  constructor(
    readonly options: GkeLocatorOptions,
    private readonly tokens: GoogleAccessTokens = new GoogleAuth({
      scopes: ['https://www.googleapis.com/auth/cloud-platform'],
    }),
  ) {}

  static fromConfig(method: Config): GkeClusterLocator {
    const endpointType = method.getOptionalString('endpointType') ?? 'public';
    if (endpointType !== 'public' && endpointType !== 'dns') {
      throw new Error(
        `Invalid endpointType '${endpointType}' of a gke cluster locator, must be one of: public, dns`,
      );
    }
    return new GkeClusterLocator({
      projectId: method.getString('projectId'),
      region: method.getOptionalString('region') ?? '-',
      authProvider:
        method.getOptionalString('authProvider') === 'googleServiceAccount'
          ? 'googleServiceAccount'
          : 'google',
      skipTLSVerify: method.getOptionalBoolean('skipTLSVerify') ?? false,
      skipMetricsLookup:
        method.getOptionalBoolean('skipMetricsLookup') ?? false,
      exposeDashboard: method.getOptionalBoolean('exposeDashboard') ?? false,
      matchingResourceLabels: (
        method.getOptionalConfigArray('matchingResourceLabels') ?? []
      ).map(label => ({
        key: label.getString('key'),
        value: label.getString('value'),
      })),
      endpointType,
    });
  }

  async getClusters(): Promise<ClusterDetails[]> {
    const { projectId, region } = this.options;
    const where = `GKE clusters of project ${projectId} in ${region}`;
    const token = await this.tokens.getAccessToken().catch(error => {
      throw new Error(
        `Could not list ${where}: no Google access token (${
          (error as Error).message
        }); set up application default credentials (GOOGLE_APPLICATION_CREDENTIALS or workload identity)`,
      );
    });
    if (!token) {
      throw new Error(
        `Could not list ${where}: application default credentials gave no access token`,
      );
    }
    const response = await fetch(
      `${CONTAINER_API}/projects/${encodeURIComponent(
        projectId,
      )}/locations/${encodeURIComponent(region)}/clusters`,
      { headers: { authorization: `Bearer ${token}` } },
    );
    if (!response.ok) {
      const body = (await response.json().catch(() => undefined)) as
        | { error?: { message?: string } }
        | undefined;
      throw new Error(
        `Could not list ${where}: the container API answered HTTP ${
          response.status
        }${body?.error?.message ? `: ${body.error.message}` : ''}`,
      );
    }
    const body = (await response.json()) as { clusters?: GkeCluster[] };
    return (body.clusters ?? [])
      .filter(cluster => this.matches(cluster))
      .flatMap(cluster => this.toCluster(cluster));
  }

  private matches(cluster: GkeCluster): boolean {
    return this.options.matchingResourceLabels.every(
      ({ key, value }) => cluster.resourceLabels?.[key] === value,
    );
  }

  /** The cluster, or nothing for one still being created (no name or endpoint yet). */
  private toCluster(cluster: GkeCluster): ClusterDetails[] {
    const { name, endpoint } = cluster;
    if (!name || !endpoint) return [];
    const {
      projectId,
      region,
      authProvider,
      skipTLSVerify,
      skipMetricsLookup,
      exposeDashboard,
      endpointType,
    } = this.options;
    const dns =
      cluster.controlPlaneEndpointsConfig?.dnsEndpointConfig?.endpoint;
    return [
      {
        name,
        url: `https://${endpointType === 'dns' && dns ? dns : endpoint}`,
        // the cluster's own CA (base64 PEM, as caData is): Backstage leaves it out, so its
        // GKE clusters verify only with skipTLSVerify
        caData: cluster.masterAuth?.clusterCaCertificate,
        authMetadata: { [ANNOTATION_KUBERNETES_AUTH_PROVIDER]: authProvider },
        skipTLSVerify,
        skipMetricsLookup,
        ...(exposeDashboard
          ? {
              dashboardApp: 'gke',
              dashboardParameters: { projectId, region, clusterName: name },
            }
          : {}),
      },
    ];
  }
}
