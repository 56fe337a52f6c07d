import { createRouteRef as createLegacyRouteRef } from '@backstage/core-plugin-api';
import { createRouteRef } from '@backstage/frontend-plugin-api';

/** Route of the fleet overview page in apps on the new frontend system. */
export const rootRouteRef = createRouteRef();

/** Route of one service's page, `/mesh/services/:namespace/:name`, new frontend system. */
export const serviceRouteRef = createRouteRef({
  params: ['namespace', 'name'],
});

/** Route of the Policies page, `/mesh/policies`, new frontend system. */
export const policiesRouteRef = createRouteRef();

/** Route of the fleet overview page in legacy apps. */
export const legacyRootRouteRef = createLegacyRouteRef({ id: 'mesh' });

/** Route of one service's page in legacy apps. */
export const legacyServiceRouteRef = createLegacyRouteRef({
  id: 'mesh-service',
  params: ['namespace', 'name'],
});

/** Route of the Policies page in legacy apps. */
export const legacyPoliciesRouteRef = createLegacyRouteRef({
  id: 'mesh-policies',
});
