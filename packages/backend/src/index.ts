/*
 * Hi!
 *
 * Note that this is an EXAMPLE Backstage backend. Please check the README.
 *
 * Happy hacking!
 */

import { createBackend } from '@backstage/backend-defaults';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));
backend.add(import('@backstage/plugin-proxy-backend'));

// scaffolder plugin
backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(import('@backstage/plugin-scaffolder-backend-module-github'));
// publish:gitlab:merge-request, for policy repositories on GitLab
backend.add(import('@backstage/plugin-scaffolder-backend-module-gitlab'));
backend.add(
  import('@backstage/plugin-scaffolder-backend-module-notifications'),
);

// No TechDocs: Meshport publishes no documentation, and TechDocs' default local builder and
// publisher keep each replica's docs on its own disk, which several replicas cannot share.

// events: with PostgreSQL its event bus (DatabaseEventBusStore in @backstage/plugin-events-backend)
// carries events between replicas, so signals and notifications reach users on every pod.
backend.add(import('@backstage/plugin-events-backend'));

// auth plugin
backend.add(import('@backstage/plugin-auth-backend'));
// See https://backstage.io/docs/backend-system/building-backends/migrating#the-auth-plugin
// Guest sign-in, for the demo (development only: the provider refuses production).
// See https://backstage.io/docs/auth/guest/provider
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
// GitHub sign-in, production's (auth.providers.github in app-config.production.yaml).
// See https://backstage.io/docs/auth/github/provider
backend.add(import('@backstage/plugin-auth-backend-module-github-provider'));

// catalog plugin
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);

// Users and Groups from a GitHub organisation (catalog.providers.githubOrg, production), so
// sign-in resolves to a User and service owners name existing Groups.
// See https://backstage.io/docs/integrations/github/org
backend.add(import('@backstage/plugin-catalog-backend-module-github-org'));

// See https://backstage.io/docs/features/software-catalog/configuration#subscribing-to-catalog-errors
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));

// permission plugin
backend.add(import('@backstage/plugin-permission-backend'));
// Allows everything except requesting a mesh route, which only the service's owners may do.
backend.add(import('./modules/permissionPolicy'));

// search plugin
backend.add(import('@backstage/plugin-search-backend'));

// search engine
// See https://backstage.io/docs/features/search/search-engines
backend.add(import('@backstage/plugin-search-backend-module-pg'));

// search collators
backend.add(import('@backstage/plugin-search-backend-module-catalog'));

// kubernetes plugin
backend.add(import('@backstage/plugin-kubernetes-backend'));

// user settings plugin
backend.add(import('@backstage/plugin-user-settings-backend'));

// notifications and signals plugins
backend.add(import('@backstage/plugin-notifications-backend'));
backend.add(import('@backstage/plugin-signals-backend'));

// mcp actions plugin
backend.add(import('@backstage/plugin-mcp-actions-backend'));

backend.add(import('@meshport/backstage-plugin-mesh-backend'));
// Traffic sources: each sets one only when its config is present (production sets
// mesh.prometheus.url, the demo mesh.traffic.snapshot.file); both set is a startup error.
backend.add(
  import('@meshport/backstage-plugin-mesh-backend-module-prometheus'),
);
backend.add(
  import('@meshport/backstage-plugin-mesh-backend-module-traffic-snapshot'),
);
backend.add(import('@meshport/backstage-plugin-catalog-backend-module-mesh'));
backend.add(
  import('@meshport/backstage-plugin-scaffolder-backend-module-mesh'),
);
// A backend whose plugins failed to start keeps its HTTP server up and answers 503 on
// readiness forever, a pod that is neither ready nor restarted. Exiting instead lets
// Kubernetes restart it and shows the failure in the pod's status (deploy/README.md: two
// replicas first migrating one empty database race on knex's migration locks).
backend.start().catch(error => {
  // eslint-disable-next-line no-console
  console.error('Meshport backend failed to start, exiting', error);
  process.exit(1);
});
