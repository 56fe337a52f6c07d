import { useRouteRef as useLegacyRouteRef } from '@backstage/core-plugin-api';
import { useRouteRef } from '@backstage/frontend-plugin-api';
import { legacyServiceRouteRef, serviceRouteRef } from '../../routes';
import { ServiceLinkProvider } from '../ServiceLink';
import { FleetOverview, FleetOverviewPage } from './FleetOverviewPage';

/** New frontend system: the overview, its services linked to their pages. */
export const FleetOverviewContent = () => {
  const link = useRouteRef(serviceRouteRef);
  return (
    <ServiceLinkProvider href={service => link?.(service)}>
      <FleetOverview />
    </ServiceLinkProvider>
  );
};

function useLegacyServiceLink() {
  try {
    return useLegacyRouteRef(legacyServiceRouteRef);
  } catch {
    // The app did not mount MeshServicePage: show names without links rather than fail.
    return undefined;
  }
}

/** Legacy apps: the overview page, linking services when MeshServicePage is mounted. */
export const LegacyFleetOverviewPage = () => {
  const link = useLegacyServiceLink();
  return (
    <ServiceLinkProvider href={service => link?.(service)}>
      <FleetOverviewPage />
    </ServiceLinkProvider>
  );
};
