/**
 * The mesh backend at the HTTP edge, for component tests: msw handlers answering the routes of
 * @meshport/backstage-plugin-mesh-backend from a fleet, and the plugin's real MeshClient
 * pointed at them, so a test exercises the client, its URLs and its error handling too.
 */
import { MockFetchApi, mockApis } from '@backstage/test-utils';
import type {
  Finding,
  FindingSeverity,
  Fleet,
  MeshService,
  PoliciesResponse,
  PolicyState,
  ServiceDependencies,
  ServiceMtlsStatus,
  ServiceTraffic,
} from '@meshport/backstage-plugin-mesh-common';
import type { Trace } from '@meshport/backstage-plugin-mesh-policy';
import { http, HttpResponse } from 'msw';
import { MeshClient } from '../api';

export const MESH_BASE_URL = 'http://backstage.test/api/mesh';

/** The client the plugin's API factory builds, with test discovery and the global fetch. */
export function meshTestClient(): MeshClient {
  return new MeshClient({
    discoveryApi: mockApis.discovery({ baseUrl: 'http://backstage.test' }),
    fetchApi: new MockFetchApi(),
  });
}

/** An error response shaped as Backstage's error handler writes it. */
export function backendError(status: number, name: string, message: string) {
  return HttpResponse.json(
    { error: { name, message }, response: { statusCode: status } },
    { status },
  );
}

export interface MeshBackendData {
  fleet: Fleet;
  /** What `/services/:namespace/:name/traffic` answers for any known service. */
  traffic?: ServiceTraffic;
  /** What `/services/:namespace/:name/mtls` answers for any known service. */
  mtls?: ServiceMtlsStatus;
  /** Every finding of the fleet; `/findings` filters them as the backend does. */
  findings?: Finding[];
  /** Notes `/findings` adds to every answer. */
  findingNotes?: string[];
  /** What `/trace` answers for a known destination (404 otherwise, as the backend). */
  trace?: Trace;
  /** What `/dependencies` answers; without it, the answer of a backend with no traffic source. */
  dependencies?: ServiceDependencies;
  /**
   * What `/policies` answers before its filters: `/policies` filters the items as the backend
   * does. Without it, the answer of a backend with no policy repository configured.
   */
  policies?: PoliciesResponse;
}

/** `/policies`' filters over `response.items`, with the counts and total recomputed. */
export function filterPolicies(
  response: PoliciesResponse,
  query: URLSearchParams,
): PoliciesResponse {
  const state = query.get('state');
  const service = query.get('service');
  const team = query.get('team');
  const cluster = query.get('cluster');
  const matching = response.items.filter(
    p =>
      (!service || p.destinations.includes(service)) &&
      (!team || p.owner === team) &&
      (!cluster || p.clusters.some(c => c.cluster === cluster)),
  );
  const counts: Partial<Record<PolicyState, number>> = {};
  for (const p of matching) counts[p.state] = (counts[p.state] ?? 0) + 1;
  const items = state ? matching.filter(p => p.state === state) : matching;
  const limit = Number(query.get('limit') ?? 500);
  return {
    ...response,
    items: items.slice(0, limit),
    totalCount: items.length,
    counts,
  };
}

/** Handlers for every read route of the mesh backend, answering from `data`. */
export function meshBackendHandlers(data: MeshBackendData) {
  const { fleet } = data;
  const find = (namespace: unknown, name: unknown) =>
    fleet.services.find(s => s.namespace === namespace && s.name === name);
  const notFound = (namespace: unknown, name: unknown) =>
    backendError(
      404,
      'NotFoundError',
      `No mesh service ${namespace}/${name} was discovered in any cluster`,
    );

  return [
    http.get(`${MESH_BASE_URL}/fleet`, () => HttpResponse.json(fleet)),
    http.get(`${MESH_BASE_URL}/clusters`, () =>
      HttpResponse.json({ items: fleet.clusters }),
    ),
    http.get(`${MESH_BASE_URL}/meshes`, () =>
      HttpResponse.json({ items: fleet.meshes, links: fleet.links }),
    ),
    http.get(`${MESH_BASE_URL}/services`, ({ request }) => {
      const query = new URL(request.url).searchParams;
      const offset = Number(query.get('offset') ?? 0);
      const limit = Number(query.get('limit') ?? 50);
      const matching = fleet.services.filter(s =>
        matchesQuery(s, query.get('q'), query.get('cluster')),
      );
      return HttpResponse.json({
        items: matching.slice(offset, offset + limit),
        totalCount: matching.length,
        offset,
        limit,
      });
    }),
    http.get(`${MESH_BASE_URL}/services/:namespace/:name`, ({ params }) => {
      const service = find(params.namespace, params.name);
      return service
        ? HttpResponse.json(service)
        : notFound(params.namespace, params.name);
    }),
    http.get(
      `${MESH_BASE_URL}/services/:namespace/:name/traffic`,
      ({ params }) =>
        find(params.namespace, params.name) && data.traffic
          ? HttpResponse.json(data.traffic)
          : notFound(params.namespace, params.name),
    ),
    http.get(`${MESH_BASE_URL}/findings`, ({ request }) => {
      const query = new URL(request.url).searchParams;
      const severities = (query.get('severity') ?? '')
        .split(',')
        .filter(Boolean) as FindingSeverity[];
      const offset = Number(query.get('offset') ?? 0);
      const limit = Number(query.get('limit') ?? 100);
      const matching = (data.findings ?? []).filter(
        f =>
          (!query.get('service') ||
            f.services.includes(query.get('service')!)) &&
          (!query.get('cluster') ||
            f.clusters.includes(query.get('cluster')!)) &&
          (!query.get('owner') || f.owners.includes(query.get('owner')!)) &&
          (severities.length === 0 || severities.includes(f.severity)),
      );
      const count = (s: FindingSeverity) =>
        matching.filter(f => f.severity === s).length;
      return HttpResponse.json({
        items: matching.slice(offset, offset + limit),
        totalCount: matching.length,
        counts: {
          error: count('error'),
          warning: count('warning'),
          info: count('info'),
        },
        generatedAt: fleet.generatedAt,
        notes: data.findingNotes ?? [],
      });
    }),
    http.get(`${MESH_BASE_URL}/policies`, ({ request }) =>
      HttpResponse.json(
        filterPolicies(
          data.policies ?? {
            repositories: [],
            items: [],
            totalCount: 0,
            counts: {},
            orphans: [],
          },
          new URL(request.url).searchParams,
        ),
      ),
    ),
    http.get(`${MESH_BASE_URL}/dependencies`, ({ request }) => {
      const window = new URL(request.url).searchParams.get('window') ?? '15m';
      return HttpResponse.json(
        data.dependencies ?? {
          window,
          windowSeconds: 0,
          evaluatedAt: fleet.generatedAt,
          source: 'none',
          dependencies: [],
          clusters: fleet.clusters.map(c => ({
            cluster: c.name,
            state: 'unavailable',
            source: 'none',
            reason:
              'no traffic source is installed: add @meshport/backstage-plugin-mesh-backend-module-prometheus',
          })),
          partial: true,
        },
      );
    }),
    http.get(`${MESH_BASE_URL}/trace`, ({ request }) => {
      const query = new URL(request.url).searchParams;
      const [namespace, name] = (query.get('to') ?? '').split('/');
      if (!query.get('fromCluster') || !query.get('fromNamespace')) {
        return backendError(
          400,
          'InputError',
          'fromCluster and fromNamespace are required',
        );
      }
      return find(namespace, name) && data.trace
        ? HttpResponse.json(data.trace)
        : notFound(namespace, name);
    }),
    http.get(`${MESH_BASE_URL}/services/:namespace/:name/mtls`, ({ params }) =>
      find(params.namespace, params.name) && data.mtls
        ? HttpResponse.json(data.mtls)
        : notFound(params.namespace, params.name),
    ),
  ];
}

/** The backend's search: text over id, owner and workload names; an optional cluster. */
function matchesQuery(
  service: MeshService,
  q: string | null,
  cluster: string | null,
): boolean {
  if (cluster && !service.instances.some(i => i.cluster === cluster)) {
    return false;
  }
  if (!q) return true;
  const needle = q.toLowerCase();
  return [
    service.id,
    service.owner ?? '',
    ...service.instances.flatMap(i => i.workloads.map(w => w.name)),
  ].some(value => value.toLowerCase().includes(needle));
}
