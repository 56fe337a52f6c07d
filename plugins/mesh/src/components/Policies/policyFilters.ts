import {
  POLICY_STATES,
  type PolicyState,
} from '@meshport/backstage-plugin-mesh-common';

/**
 * The Policies page's filters, kept in the address (`?state=drifted&service=bookinfo/reviews`)
 * so a view can be reloaded, shared, and linked to from a service's Policies card.
 */
export interface PolicyFilters {
  state?: PolicyState;
  /** `<namespace>/<name>` of a mesh service. */
  service?: string;
  /** A team's entity ref, e.g. `group:default/bookinfo-team`. */
  team?: string;
  cluster?: string;
}

export const POLICY_FILTER_KEYS = [
  'state',
  'service',
  'team',
  'cluster',
] as const;

/**
 * The filters named by a search string. Blank values count as none; a state that is not one of
 * the lifecycle's is reported, not sent, so the page can say so instead of showing nothing.
 */
export function filtersFromSearch(search: string): {
  filters: PolicyFilters;
  unknownState?: string;
} {
  const params = new URLSearchParams(search);
  const value = (key: string) => params.get(key)?.trim() || undefined;
  const state = value('state');
  const known = POLICY_STATES.find(s => s === state);
  return {
    filters: {
      state: known,
      service: value('service'),
      team: value('team'),
      cluster: value('cluster'),
    },
    unknownState: state && !known ? state : undefined,
  };
}

/** `search` with the filters set (blank ones removed), other parameters kept in their order. */
export function searchWithFilters(
  search: string,
  filters: PolicyFilters,
): string {
  const params = new URLSearchParams(search);
  for (const key of POLICY_FILTER_KEYS) {
    const value = filters[key]?.trim();
    if (value) params.set(key, value);
    else params.delete(key);
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}
