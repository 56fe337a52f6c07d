import type {
  MeshService,
  ServiceListResponse,
} from '@meshport/backstage-plugin-mesh-common';

export interface ServiceQuery {
  q?: string;
  cluster?: string;
  namespace?: string;
  offset: number;
  limit: number;
}

function matchesText(service: MeshService, text: string): boolean {
  const needle = text.toLowerCase();
  return [
    service.id,
    service.owner ?? '',
    ...service.instances.flatMap(i => i.workloads.map(w => w.name)),
  ].some(value => value.toLowerCase().includes(needle));
}

/** Filters (text over id, owner and workload names; cluster; namespace) then pages. */
export function queryServices(
  services: MeshService[],
  query: ServiceQuery,
): ServiceListResponse {
  const matching = services.filter(
    s =>
      (!query.namespace || s.namespace === query.namespace) &&
      (!query.cluster || s.instances.some(i => i.cluster === query.cluster)) &&
      (!query.q || matchesText(s, query.q)),
  );
  return {
    items: matching.slice(query.offset, query.offset + query.limit),
    totalCount: matching.length,
    offset: query.offset,
    limit: query.limit,
  };
}
