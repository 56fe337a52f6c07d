import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { MeshApiClient } from '@meshport/backstage-plugin-mesh-node';
import { loadSchemaValidator } from '@meshport/backstage-plugin-mesh-policy';
import { createAccessPolicyAction } from './actions/accessPolicy';
import { createPolicyRepositoryAction } from './actions/policyRepository';
import { createRenderPolicyAction } from './actions/renderPolicy';
import { createTrafficPolicyAction } from './actions/trafficPolicy';
import { readPolicyRepositorySettings } from './service/policyRepositories';
import { PolicyRenderers } from './service/policyRenderers';
import { MeshActionDeps, once } from './service/renderPolicyRequest';
import { RequestAnalyzer } from './service/requestAnalysis';

/** Registers the meshport:policy:* actions with the scaffolder. */
export const scaffolderModule = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'mesh',
  register({ registerInit }) {
    registerInit({
      deps: {
        scaffolderActions: scaffolderActionsExtensionPoint,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
        logger: coreServices.logger,
        permissions: coreServices.permissions,
        catalog: catalogServiceRef,
        config: coreServices.rootConfig,
      },
      async init({
        scaffolderActions,
        discovery,
        auth,
        logger,
        permissions,
        catalog,
        config,
      }) {
        // read at startup, so a malformed mesh.policyRepositories stops the backend with its message
        const repositories = readPolicyRepositorySettings(config);
        const deps: MeshActionDeps = {
          // A malformed part of the fleet is left out and logged: one bad service must not
          // refuse every request; the compiler warns about what it cannot find.
          fleet: new MeshApiClient({ discovery, auth, logger }),
          catalog,
          permissions,
          // Loaded on the first request, not at startup: the CRD models are large.
          schemaValidator: once(loadSchemaValidator),
          // One per configured repository, plus one for requests that name none.
          renderers: new PolicyRenderers(repositories.repositories.length + 1),
          // One for every action: the live config's analysis is kept while the fleet is unchanged.
          analyzer: new RequestAnalyzer(),
          repositories: repositories.repositories,
        };
        scaffolderActions.addActions(
          createPolicyRepositoryAction(repositories),
          createTrafficPolicyAction(deps),
          createAccessPolicyAction(deps),
          createRenderPolicyAction(deps),
        );
      },
    });
  },
});
