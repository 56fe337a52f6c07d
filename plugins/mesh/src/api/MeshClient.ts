import { ResponseError } from '@backstage/errors';
import type { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import type {
  ClusterListResponse,
  Fleet,
  MeshListResponse,
  MeshService,
  ServiceListResponse,
} from '@meshport/backstage-plugin-mesh-common';
import type { MeshApi, MetricsQuery, ServiceQuery } from './MeshApi';
import type {
  ServiceMtlsStatus,
  ServiceRef,
  ServiceTraffic,
} from '@meshport/backstage-plugin-mesh-common';

type QueryValue = string | number | undefined;

/** Calls the mesh backend through Backstage's authenticated fetch. */
export class MeshClient implements MeshApi {
  constructor(
    private readonly deps: { discoveryApi: DiscoveryApi; fetchApi: FetchApi },
  ) {}

  getFleet(): Promise<Fleet> {
    return this.get<Fleet>('/fleet');
  }

  getClusters(): Promise<ClusterListResponse> {
    return this.get<ClusterListResponse>('/clusters');
  }

  getMeshes(): Promise<MeshListResponse> {
    return this.get<MeshListResponse>('/meshes');
  }

  getServices(query: ServiceQuery = {}): Promise<ServiceListResponse> {
    return this.get<ServiceListResponse>('/services', {
      q: query.q || undefined,
      cluster: query.cluster,
      offset: query.offset,
      limit: query.limit,
    });
  }

  getService(service: ServiceRef): Promise<MeshService> {
    return this.get<MeshService>(servicePath(service));
  }

  getServiceTraffic(
    service: ServiceRef,
    query: MetricsQuery = {},
  ): Promise<ServiceTraffic> {
    return this.get<ServiceTraffic>(`${servicePath(service)}/traffic`, {
      window: query.window,
    });
  }

  getServiceMtls(
    service: ServiceRef,
    query: MetricsQuery = {},
  ): Promise<ServiceMtlsStatus> {
    return this.get<ServiceMtlsStatus>(`${servicePath(service)}/mtls`, {
      window: query.window,
    });
  }

  private async get<T>(
    path: string,
    query: Record<string, QueryValue> = {},
  ): Promise<T> {
    const baseUrl = await this.deps.discoveryApi.getBaseUrl('mesh');
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined) {
        params.set(key, String(value));
      }
    }
    const search = params.toString();
    const response = await this.deps.fetchApi.fetch(
      `${baseUrl}${path}${search ? `?${search}` : ''}`,
    );
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}

// Names come from the URL and from entity annotations: encode them so a stray `/` or `?`
// can never address another route.
function servicePath(service: ServiceRef): string {
  return `/services/${encodeURIComponent(
    service.namespace,
  )}/${encodeURIComponent(service.name)}`;
}
