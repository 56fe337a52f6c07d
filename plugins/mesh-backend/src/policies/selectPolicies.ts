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
 * ref. `totalCount` is over every policy matching the filters, before the page is cut; `counts`
 * over those matching every filter but `state`. Teams compare without case, as the catalog
 * compares entity refs. Pure.
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
  const filtered = readable.filter(
    p =>
      (!serviceId || p.destinations.includes(serviceId)) &&
      (!query.cluster || p.clusters.some(c => c.cluster === query.cluster)) &&
      (!team || isTeam(p.owner) || isTeam(p.request?.team)),
  );
  // counted before the state filter: a page filtered to one state still says how many
  // policies are in each of the others
  const counts: Partial<Record<PolicyState, number>> = {};
  for (const p of filtered) counts[p.state] = (counts[p.state] ?? 0) + 1;
  const matching = filtered
    .filter(p => !query.state || query.state.has(p.state))
    .sort(
      (a, b) => rank(a.state) - rank(b.state) || a.ref.localeCompare(b.ref),
    );
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
