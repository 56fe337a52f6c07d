import type {
  MeshService,
  ServiceListResponse,
} from '@meshport/backstage-plugin-mesh-common';
import {
  SEARCH_SEPARATOR,
  searchValues,
  type ServiceIndex,
} from './ServiceIndex';

/**
 * The predicate of a caller who may read every service: a list recognises it and pages
 * without asking it about each of 50,000 services.
 */
export const readsEveryService = (_service: MeshService): boolean => true;

export interface ServiceQuery {
  q?: string;
  cluster?: string;
  namespace?: string;
  offset: number;
  limit: number;
}

/**
 * Filters the indexed services (text over id, owner and workload names; cluster; namespace;
 * what the caller may read) then pages: the count and the pages hold only services the
 * caller may read.
 */
export function queryServices(
  index: ServiceIndex,
  query: ServiceQuery,
  mayRead: (service: MeshService) => boolean = readsEveryService,
): ServiceListResponse {
  const { services } = index;
  const needle = query.q?.toLowerCase();
  // positions in `services`, ascending, so every filtered page keeps the fleet's order
  let positions: number[] | undefined;
  if (needle) positions = textMatches(services, index, needle, query.namespace);
  else if (query.namespace)
    positions = index.byNamespace.get(query.namespace) ?? [];

  const end = query.offset + query.limit;
  const count = positions?.length ?? services.length;
  // every match counts: the page is a slice, and the count known without a walk
  if (mayRead === readsEveryService && !query.cluster) {
    const items: MeshService[] = [];
    for (let k = query.offset; k < Math.min(end, count); k++)
      items.push(services[positions ? positions[k] : k]);
    return {
      items,
      totalCount: count,
      offset: query.offset,
      limit: query.limit,
    };
  }

  // One walk that counts every match and keeps only the page: a list request at 50,000
  // services must not allocate an array of all of them to hand back fifty.
  const items: MeshService[] = [];
  let totalCount = 0;
  for (let k = 0; k < count; k++) {
    const s = services[positions ? positions[k] : k];
    if (query.cluster && !s.instances.some(c => c.cluster === query.cluster))
      continue;
    if (!mayRead(s)) continue;
    if (totalCount >= query.offset && totalCount < end) items.push(s);
    totalCount++;
  }
  return { items, totalCount, offset: query.offset, limit: query.limit };
}

/**
 * Positions of the services (in `namespace`, when given) whose id, owner or a workload name
 * contains `needle`.
 */
function textMatches(
  services: readonly MeshService[],
  index: ServiceIndex,
  needle: string,
  namespace: string | undefined,
): number[] {
  const inNamespace = namespace
    ? index.byNamespace.get(namespace) ?? []
    : undefined;
  const scan = (test: (i: number) => boolean) => {
    if (inNamespace) return inNamespace.filter(test);
    const found: number[] = [];
    for (let i = 0; i < services.length; i++) if (test(i)) found.push(i);
    return found;
  };
  if (needle.includes(SEARCH_SEPARATOR)) {
    // the joined text could match across two values; check value by value
    return scan(i =>
      searchValues(services[i]).some(value => value.includes(needle)),
    );
  }
  const found = index.trigrams.search(needle);
  if (!found) return scan(i => index.text[i].includes(needle));
  return namespace
    ? found.filter(i => services[i].namespace === namespace)
    : found;
}
