import { Link } from '@backstage/core-components';
import { createContext, ReactNode, useContext } from 'react';
import type { ServiceRef } from '@meshport/backstage-plugin-mesh-common';

/**
 * How to link to a service's page. The two frontend systems resolve routes with different
 * hooks, so each system's page wrapper provides the function and the shared components stay
 * system-agnostic. Without a provider, service names are plain text.
 */
export type ServiceHref = (service: ServiceRef) => string | undefined;

const ServiceLinkContext = createContext<ServiceHref>(() => undefined);

export const ServiceLinkProvider = (props: {
  href: ServiceHref;
  children: ReactNode;
}) => (
  <ServiceLinkContext.Provider value={props.href}>
    {props.children}
  </ServiceLinkContext.Provider>
);

/** The service's name, linked to its page where the app has one. */
export const ServiceLink = (props: {
  service: ServiceRef;
  children?: ReactNode;
}) => {
  const href = useContext(ServiceLinkContext)(props.service);
  const text =
    props.children ?? `${props.service.namespace}/${props.service.name}`;
  return href ? <Link to={href}>{text}</Link> : <>{text}</>;
};
