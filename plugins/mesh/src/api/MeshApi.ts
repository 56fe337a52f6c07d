import { createApiRef } from '@backstage/core-plugin-api';
import type {
  ClusterListResponse,
  Fleet,
  FindingSeverity,
  FindingsResponse,
  MeshListResponse,
  MeshService,
  PoliciesResponse,
  PolicyLifecycle,
  PolicyState,
  ServiceListResponse,
} from '@meshport/backstage-plugin-mesh-common';
import type { Trace } from '@meshport/backstage-plugin-mesh-policy';
import type {
  ServiceDependencies,
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

/** Filters and paging of `GET /findings`; every filter is optional. */
export interface FindingsQuery {
  /** `<namespace>/<name>` of a mesh service. */
  service?: string;
  cluster?: string;
  /** Only these severities; all when empty. */
  severity?: FindingSeverity[];
  /** A catalog owner's entity ref, e.g. `group:default/team-books`. */
  owner?: string;
  limit?: number;
  offset?: number;
}

/** Filters of `GET /policies`; every filter is optional. */
export interface PoliciesQuery {
  /** Only policies in this overall state. */
  state?: PolicyState;
  /** `<namespace>/<name>` of a mesh service the policies are about. */
  service?: string;
  /** The requesting team's entity ref, e.g. `group:default/bookinfo-team`. */
  team?: string;
  /** Only policies the branch renders for this cluster. */
  cluster?: string;
  limit?: number;
}

/** The caller of `GET /trace`: one workload in one cluster. */
export interface TraceCaller {
  cluster: string;
  namespace: string;
  serviceAccount?: string;
  /** The workload's pod labels; they decide which sidecar-scoped config applies. */
  labels?: Record<string, string>;
}

/** `GET /trace`: where a request from `from` to a service goes. */
export interface TraceQuery {
  from: TraceCaller;
  /** The destination service. */
  to: ServiceRef;
  port?: number;
  path?: string;
  method?: string;
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
  /** Who calls whom fleet-wide, with each pair's figures: one read for every service. */
  getDependencies(query?: MetricsQuery): Promise<ServiceDependencies>;
  /** Findings of the mesh analysis the user may read, worst first. */
  getFindings(query?: FindingsQuery): Promise<FindingsResponse>;
  /**
   * Every policy of the configured policy repositories the user may read, with its state per
   * cluster, the repositories' sync status and the orphaned objects.
   */
  getPolicies(query?: PoliciesQuery): Promise<PoliciesResponse>;
  /** One policy's life, e.g. `getPolicy('TrafficPolicy', 'bookinfo', 'reviews-shift')`. */
  getPolicy(
    kind: PolicyLifecycle['kind'],
    namespace: string,
    name: string,
  ): Promise<PolicyLifecycle>;
  /** The verifier's answer to "where does this request go?". */
  traceRequest(query: TraceQuery): Promise<Trace>;
}

export const meshApiRef = createApiRef<MeshApi>({ id: 'plugin.mesh.api' });
