import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import DeviceHubIcon from '@material-ui/icons/DeviceHub';
import { meshApiRef, MeshClient } from './api';
import { rootRouteRef } from './routes';

/** The mesh API client, for apps on the new frontend system. */
export const meshApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: meshApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new MeshClient({ discoveryApi, fetchApi }),
    }),
});

/** The fleet overview page at `/mesh`. */
export const meshFleetPage = PageBlueprint.make({
  params: {
    path: '/mesh',
    title: 'Service mesh',
    icon: <DeviceHubIcon />,
    routeRef: rootRouteRef,
    loader: () =>
      import('./components/FleetOverviewPage').then(m => <m.FleetOverview />),
  },
});

/**
 * The mesh plugin for apps on the new frontend system.
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'mesh',
  extensions: [meshApi, meshFleetPage],
  routes: { root: rootRouteRef },
});
