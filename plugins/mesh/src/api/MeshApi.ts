import { createApiRef } from '@backstage/core-plugin-api';
import type {
  ClusterListResponse,
  Fleet,
  MeshListResponse,
  MeshService,
  ServiceListResponse,
} from '@meshport/backstage-plugin-mesh-common';
import type {
  ServiceMtlsStatus,
  ServiceRef,
  ServiceTraffic,
} from '@meshport/backstage-plugin-mesh-common';

/** Filters and paging of `GET /services`. */
export interface ServiceQuery {
  /** Free text matched against namespace and name. */
  q?: string;
  /** Only services with an instance in this cluster. */
  cluster?: string;
  offset?: number;
  limit?: number;
}

/** The time window of traffic figures, e.g. `5m`, `1h` (1m to 24h). */
export interface MetricsQuery {
  window?: string;
}

/** The browser's view of the mesh backend (`/api/mesh`). */
export interface MeshApi {
  getFleet(): Promise<Fleet>;
  getClusters(): Promise<ClusterListResponse>;
  getMeshes(): Promise<MeshListResponse>;
  getServices(query?: ServiceQuery): Promise<ServiceListResponse>;
  getService(service: ServiceRef): Promise<MeshService>;
  getServiceTraffic(
    service: ServiceRef,
    query?: MetricsQuery,
  ): Promise<ServiceTraffic>;
  getServiceMtls(
    service: ServiceRef,
    query?: MetricsQuery,
  ): Promise<ServiceMtlsStatus>;
}

export const meshApiRef = createApiRef<MeshApi>({ id: 'plugin.mesh.api' });
