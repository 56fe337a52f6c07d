import {
  createApiFactory,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { meshApiRef, MeshClient } from './api';
import { legacyRootRouteRef } from './routes';

/**
 * The mesh plugin for legacy apps (`createApp` from `@backstage/app-defaults`).
 *
 * @public
 */
export const meshPlugin = createPlugin({
  id: 'mesh',
  apis: [
    createApiFactory({
      api: meshApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new MeshClient({ discoveryApi, fetchApi }),
    }),
  ],
  routes: { root: legacyRootRouteRef },
});

/**
 * The fleet overview page, for a `<Route path="/mesh" element={<MeshFleetPage />} />`.
 *
 * @public
 */
export const MeshFleetPage = meshPlugin.provide(
  createRoutableExtension({
    name: 'MeshFleetPage',
    component: () =>
      import('./components/FleetOverviewPage').then(m => m.FleetOverviewPage),
    mountPoint: legacyRootRouteRef,
  }),
);
