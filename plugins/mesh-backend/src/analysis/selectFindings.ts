import {
  FINDING_SEVERITIES,
  type Finding,
  type FindingSeverity,
  type FindingsResponse,
} from '@meshport/backstage-plugin-mesh-common';
import type { FindingsQuery } from './findingsQuery';

/**
 * The page of findings a caller asked for, from those it may read. `totalCount` and `counts`
 * are over every finding matching the filters (before the page is cut), so a UI can show
 * "3 errors, 12 warnings" while it lists 10. Pure.
 */
export function selectFindings(
  readable: readonly Finding[],
  query: FindingsQuery,
  about: { generatedAt: string; notes: string[] },
): FindingsResponse {
  const serviceId = query.service
    ? `${query.service.namespace}/${query.service.name}`
    : undefined;
  const owner = query.owner?.toLocaleLowerCase('en-US');
  const matching = readable.filter(
    f =>
      (!serviceId || f.services.includes(serviceId)) &&
      (!query.cluster || f.clusters.includes(query.cluster)) &&
      (!query.severity || query.severity.has(f.severity)) &&
      // entity refs compare without case, as the catalog compares them
      (!owner || f.owners.some(o => o.toLocaleLowerCase('en-US') === owner)),
  );
  const counts = Object.fromEntries(
    FINDING_SEVERITIES.map(s => [s, 0]),
  ) as Record<FindingSeverity, number>;
  for (const f of matching) counts[f.severity]++;
  return {
    items: matching.slice(query.offset, query.offset + query.limit),
    totalCount: matching.length,
    counts,
    generatedAt: about.generatedAt,
    notes: about.notes,
  };
}
