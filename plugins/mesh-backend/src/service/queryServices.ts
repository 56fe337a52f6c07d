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

/** What queries look up, computed once per fleet rather than once per request. */
interface ServiceIndex {
  /** Positions in the service list, per namespace. */
  byNamespace: Map<string, number[]>;
  /**
   * Lower-cased id, owner and workload names of each service, joined by NUL: what text search
   * reads, one `includes` per service. A needle holding NUL falls back to value by value.
   */
  text: string[];
}

const SEPARATOR = '\u0000';

// Keyed by the fleet's service list, which the store replaces (never mutates) when it rebuilds.
const indexes = new WeakMap<MeshService[], ServiceIndex>();

function indexOf(services: MeshService[]): ServiceIndex {
  let index = indexes.get(services);
  if (!index) {
    index = {
      byNamespace: new Map(),
      text: services.map(searchValues).map(v => v.join(SEPARATOR)),
    };
    services.forEach((s, i) => {
      const list = index!.byNamespace.get(s.namespace);
      if (list) list.push(i);
      else index!.byNamespace.set(s.namespace, [i]);
    });
    indexes.set(services, index);
  }
  return index;
}

function searchValues(service: MeshService): string[] {
  return [
    service.id,
    service.owner ?? '',
    ...service.instances.flatMap(i => i.workloads.map(w => w.name)),
  ].map(value => value.toLowerCase());
}

/** Filters (text over id, owner and workload names; cluster; namespace) then pages. */
export function queryServices(
  services: MeshService[],
  query: ServiceQuery,
): ServiceListResponse {
  const index = indexOf(services);
  const needle = query.q?.toLowerCase();
  const textMatches = (i: number) =>
    needle!.includes(SEPARATOR)
      ? searchValues(services[i]).some(value => value.includes(needle!))
      : index.text[i].includes(needle!);
  // positions in `services`, so the search text is found by index, in the fleet's order
  const positions = query.namespace
    ? index.byNamespace.get(query.namespace) ?? []
    : undefined;
  let matching: MeshService[];
  if (!query.cluster && !needle) {
    matching = positions ? positions.map(i => services[i]) : services;
  } else {
    matching = [];
    const visit = (i: number) => {
      const s = services[i];
      if (
        (!query.cluster ||
          s.instances.some(c => c.cluster === query.cluster)) &&
        (!needle || textMatches(i))
      )
        matching.push(s);
    };
    if (positions) positions.forEach(visit);
    else for (let i = 0; i < services.length; i++) visit(i);
  }
  return {
    items: matching.slice(query.offset, query.offset + query.limit),
    totalCount: matching.length,
    offset: query.offset,
    limit: query.limit,
  };
}
