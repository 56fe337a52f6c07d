import { Link } from '@backstage/core-components';
import { useRouteRef as useLegacyRouteRef } from '@backstage/core-plugin-api';
import { useRouteRef } from '@backstage/frontend-plugin-api';
import { createContext, ReactNode, useContext } from 'react';
import { legacyPoliciesRouteRef, policiesRouteRef } from '../../routes';
import { type PolicyFilters, searchWithFilters } from './policyFilters';

/**
 * How to link to the Policies page, filtered. As with service links, each frontend system's
 * wrapper provides it and the shared components stay system-agnostic; without a provider (the
 * app did not mount the page) there is no link.
 */
export type PoliciesHref = (filters: PolicyFilters) => string | undefined;

const PoliciesLinkContext = createContext<PoliciesHref>(() => undefined);

export const PoliciesLinkProvider = (props: {
  href: PoliciesHref;
  children: ReactNode;
}) => (
  <PoliciesLinkContext.Provider value={props.href}>
    {props.children}
  </PoliciesLinkContext.Provider>
);

export function usePoliciesHref(): PoliciesHref {
  return useContext(PoliciesLinkContext);
}

/** A link to the Policies page with `filters`, or nothing when the app has no such page. */
export const PoliciesLink = (props: {
  filters: PolicyFilters;
  children: ReactNode;
}) => {
  const href = usePoliciesHref()(props.filters);
  return href ? <Link to={href}>{props.children}</Link> : null;
};

const withFilters = (base: string, filters: PolicyFilters) =>
  `${base}${searchWithFilters('', filters)}`;

/** New frontend system: links to the page if the app has it. */
export const PoliciesLinks = (props: { children: ReactNode }) => {
  const route = useRouteRef(policiesRouteRef);
  return (
    <PoliciesLinkProvider
      href={filters => (route ? withFilters(route(), filters) : undefined)}
    >
      {props.children}
    </PoliciesLinkProvider>
  );
};

function useLegacyPoliciesRoute() {
  try {
    return useLegacyRouteRef(legacyPoliciesRouteRef);
  } catch {
    // The app did not mount MeshPoliciesPage: no link rather than a failure.
    return undefined;
  }
}

/** Legacy apps: links to the page when MeshPoliciesPage is mounted. */
export const LegacyPoliciesLinks = (props: { children: ReactNode }) => {
  const route = useLegacyPoliciesRoute();
  return (
    <PoliciesLinkProvider
      href={filters => (route ? withFilters(route(), filters) : undefined)}
    >
      {props.children}
    </PoliciesLinkProvider>
  );
};
