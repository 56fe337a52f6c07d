import { CustomErrorBase, ResponseError } from '@backstage/errors';
import type { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import {
  type ClusterListResponse,
  describeFleetProblems,
  type Fleet,
  type FindingsResponse,
  type MeshListResponse,
  type MeshService,
  parseFleet,
  type PoliciesResponse,
  type PolicyLifecycle,
  type ServiceListResponse,
} from '@meshport/backstage-plugin-mesh-common';
import type { Trace } from '@meshport/backstage-plugin-mesh-policy';
import type {
  FindingsQuery,
  MeshApi,
  MetricsQuery,
  PoliciesQuery,
  ServiceQuery,
  TraceQuery,
} from './MeshApi';
import type {
  ServiceDependencies,
  ServiceMtlsStatus,
  ServiceRef,
  ServiceTraffic,
} from '@meshport/backstage-plugin-mesh-common';

type QueryValue = string | number | undefined;

/**
 * The mesh backend answered, but not with a fleet this plugin can read: most likely the two
 * are of different versions. `explainError` tells the user so.
 */
export class MalformedFleetError extends CustomErrorBase {
  // set by hand: a minified build renames the class
  name = 'MalformedFleetError' as const;
}

/** Calls the mesh backend through Backstage's authenticated fetch. */
export class MeshClient implements MeshApi {
  constructor(
    private readonly deps: { discoveryApi: DiscoveryApi; fetchApi: FetchApi },
  ) {}

  /**
   * Checked against mesh-common's fleet contract, so a malformed answer is one clear error
   * rather than a crash deep in a table. Parts that break the contract (one service, one
   * cluster) are left out and the rest shown, as the backend clients do.
   */
  async getFleet(): Promise<Fleet> {
    const parsed = parseFleet(await this.get<unknown>('/fleet'));
    if (!parsed.ok) {
      throw new MalformedFleetError(
        `The mesh backend's answer to /fleet is not a fleet: ${describeFleetProblems(
          parsed.errors,
        )}`,
      );
    }
    return parsed.fleet;
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

  getDependencies(query: MetricsQuery = {}): Promise<ServiceDependencies> {
    return this.get<ServiceDependencies>('/dependencies', {
      window: query.window,
    });
  }

  getFindings(query: FindingsQuery = {}): Promise<FindingsResponse> {
    return this.get<FindingsResponse>('/findings', {
      service: query.service,
      cluster: query.cluster,
      severity: query.severity?.length ? query.severity.join(',') : undefined,
      owner: query.owner,
      limit: query.limit,
      offset: query.offset,
    });
  }

  getPolicies(query: PoliciesQuery = {}): Promise<PoliciesResponse> {
    return this.get<PoliciesResponse>('/policies', {
      state: query.state,
      service: query.service || undefined,
      team: query.team || undefined,
      cluster: query.cluster || undefined,
      limit: query.limit,
    });
  }

  /**
   * The kind goes lower-case, as in the policy's ref (`trafficpolicy.bookinfo.reviews-shift`),
   * and every segment is encoded like a service's.
   */
  getPolicy(
    kind: PolicyLifecycle['kind'],
    namespace: string,
    name: string,
  ): Promise<PolicyLifecycle> {
    return this.get<PolicyLifecycle>(
      `/policies/${encodeURIComponent(
        kind.toLocaleLowerCase('en-US'),
      )}/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`,
    );
  }

  traceRequest(query: TraceQuery): Promise<Trace> {
    const { from, to } = query;
    const labels = Object.entries(from.labels ?? {})
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    return this.get<Trace>('/trace', {
      fromCluster: from.cluster,
      fromNamespace: from.namespace,
      fromServiceAccount: from.serviceAccount,
      fromLabels: labels || undefined,
      to: `${to.namespace}/${to.name}`,
      port: query.port,
      path: query.path || undefined,
      method: query.method || undefined,
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
