import { Content } from '@backstage/core-components';
import { useRouteRef } from '@backstage/frontend-plugin-api';
import { serviceRouteRef } from '../../routes';
import { ServiceLinkProvider, useLegacyServiceLink } from '../ServiceLink';
import { Policies, PoliciesPage } from './PoliciesPage';

/** New frontend system: the page's content (the app draws the header), services linked. */
export const PoliciesContent = () => {
  const link = useRouteRef(serviceRouteRef);
  return (
    <ServiceLinkProvider href={service => link?.(service)}>
      <Content>
        <Policies />
      </Content>
    </ServiceLinkProvider>
  );
};

/** Legacy apps: the whole page, services linked when MeshServicePage is mounted. */
export const LegacyPoliciesPage = () => {
  const link = useLegacyServiceLink();
  return (
    <ServiceLinkProvider href={service => link?.(service)}>
      <PoliciesPage />
    </ServiceLinkProvider>
  );
};
