export { ServiceLink, ServiceLinkProvider } from './ServiceLinkContext';
export type { ServiceHref } from './ServiceLinkContext';
export { useLegacyServiceLink } from './useLegacyServiceLink';
