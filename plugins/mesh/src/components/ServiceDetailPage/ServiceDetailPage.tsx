import { Content, Header, Page } from '@backstage/core-components';
import {
  useRouteRef as useLegacyRouteRef,
  useRouteRefParams as useLegacyRouteRefParams,
} from '@backstage/core-plugin-api';
import { useRouteRef, useRouteRefParams } from '@backstage/frontend-plugin-api';
import type { ServiceRef } from '@meshport/backstage-plugin-mesh-common';
import {
  legacyRootRouteRef,
  legacyServiceRouteRef,
  rootRouteRef,
  serviceRouteRef,
} from '../../routes';
import { MeshServiceContent } from '../MeshServiceContent';
import { LegacyPoliciesLinks, PoliciesLinks } from '../Policies';

/** A service's page outside the catalog: the same content as the entity's Mesh tab. */
export const ServiceDetail = (props: {
  service: ServiceRef;
  overviewHref?: string;
}) => (
  <Page themeId="service">
    <Header
      title={props.service.name}
      subtitle={`Mesh service in namespace ${props.service.namespace}`}
      type="Service mesh"
      typeLink={props.overviewHref}
    />
    <Content>
      <MeshServiceContent service={props.service} />
    </Content>
  </Page>
);

/** New frontend system: reads the service from the route. */
export const ServiceDetailPage = () => {
  const { namespace, name } = useRouteRefParams(serviceRouteRef);
  const overview = useRouteRef(rootRouteRef);
  return (
    <PoliciesLinks>
      <ServiceDetail
        service={{ namespace, name }}
        overviewHref={overview?.()}
      />
    </PoliciesLinks>
  );
};

/** Legacy apps: reads the service from the route. */
export const LegacyServiceDetailPage = () => {
  const { namespace, name } = useLegacyRouteRefParams(legacyServiceRouteRef);
  const overview = useLegacyRouteRef(legacyRootRouteRef);
  return (
    <LegacyPoliciesLinks>
      <ServiceDetail service={{ namespace, name }} overviewHref={overview()} />
    </LegacyPoliciesLinks>
  );
};
