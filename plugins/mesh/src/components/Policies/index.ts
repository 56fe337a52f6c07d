export { Policies, PoliciesPage } from './PoliciesPage';
export {
  LegacyPoliciesLinks,
  PoliciesLink,
  PoliciesLinkProvider,
  PoliciesLinks,
  usePoliciesHref,
} from './PoliciesLink';
export type { PoliciesHref } from './PoliciesLink';
export {
  ClusterStates,
  PolicyStateLabel,
  POLICY_STATE_MEANING,
} from './policyStates';
export type { PolicyFilters } from './policyFilters';
export { shortEntityRef } from './PoliciesTable';
export { LegacyPoliciesPage, PoliciesContent } from './linkedPages';
export { searchWithFilters } from './policyFilters';
