import {
  POLICY_STATES,
  type PoliciesResponse,
  type PolicyLifecycle,
  type PolicyOrphan,
  type PolicyRepositoryStatus,
  type PolicyState,
} from '@meshport/backstage-plugin-mesh-common';
import type { PoliciesQuery } from './policiesQuery';

const rank = (state: PolicyState) => POLICY_STATES.indexOf(state);

/**
 * The page of policies a caller asked for, from those it may read: worst state first, then by
 * ref. `totalCount` and `counts` are over every policy matching the filters, before the page is
 * cut. Teams compare without case, as the catalog compares entity refs. Pure.
 */
export function selectPolicies(
  readable: readonly PolicyLifecycle[],
  query: PoliciesQuery,
  about: {
    repositories: PolicyRepositoryStatus[];
    orphans: PolicyOrphan[];
  },
): PoliciesResponse {
  const serviceId = query.service
    ? `${query.service.namespace}/${query.service.name}`
    : undefined;
  const team = query.team?.toLocaleLowerCase('en-US');
  const isTeam = (ref: string | undefined) =>
    ref !== undefined && ref.toLocaleLowerCase('en-US') === team;
  const matching = readable
    .filter(
      p =>
        (!query.state || query.state.has(p.state)) &&
        (!serviceId || p.destinations.includes(serviceId)) &&
        (!query.cluster || p.clusters.some(c => c.cluster === query.cluster)) &&
        (!team || isTeam(p.owner) || isTeam(p.request?.team)),
    )
    .sort(
      (a, b) => rank(a.state) - rank(b.state) || a.ref.localeCompare(b.ref),
    );
  const counts: Partial<Record<PolicyState, number>> = {};
  for (const p of matching) counts[p.state] = (counts[p.state] ?? 0) + 1;
  return {
    repositories: about.repositories,
    items: matching.slice(query.offset, query.offset + query.limit),
    totalCount: matching.length,
    counts,
    orphans: about.orphans.filter(
      o => !query.cluster || o.cluster === query.cluster,
    ),
  };
}
