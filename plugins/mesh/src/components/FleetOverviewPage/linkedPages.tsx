import { useRouteRef } from '@backstage/frontend-plugin-api';
import { serviceRouteRef } from '../../routes';
import { LegacyPoliciesLinks, PoliciesLinks } from '../Policies';
import { ServiceLinkProvider, useLegacyServiceLink } from '../ServiceLink';
import { FleetOverview, FleetOverviewPage } from './FleetOverviewPage';

/** New frontend system: the overview, its services linked to their pages. */
export const FleetOverviewContent = () => {
  const link = useRouteRef(serviceRouteRef);
  return (
    <ServiceLinkProvider href={service => link?.(service)}>
      <PoliciesLinks>
        <FleetOverview />
      </PoliciesLinks>
    </ServiceLinkProvider>
  );
};

/** Legacy apps: the overview page, linking services when MeshServicePage is mounted. */
export const LegacyFleetOverviewPage = () => {
  const link = useLegacyServiceLink();
  return (
    <ServiceLinkProvider href={service => link?.(service)}>
      <LegacyPoliciesLinks>
        <FleetOverviewPage />
      </LegacyPoliciesLinks>
    </ServiceLinkProvider>
  );
};
