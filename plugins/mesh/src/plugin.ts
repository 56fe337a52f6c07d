import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { createScaffolderFieldExtension } from '@backstage/plugin-scaffolder-react';
import { meshApiRef, MeshClient } from './api';
import {
  MeshCallersPicker,
  MeshClusterPicker,
  MeshIdentityPicker,
  MeshPolicyPreview,
  MeshServicePicker,
  MeshSplitEditor,
  MeshSubsetPicker,
  validateMeshCallers,
  validateMeshCluster,
  validateMeshIdentity,
  validateMeshService,
  validateMeshSplit,
  validateMeshSubset,
} from './fields';
import {
  legacyPoliciesRouteRef,
  legacyRootRouteRef,
  legacyServiceRouteRef,
} from './routes';

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
  routes: {
    root: legacyRootRouteRef,
    service: legacyServiceRouteRef,
    policies: legacyPoliciesRouteRef,
  },
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
      import('./components/FleetOverviewPage').then(
        m => m.LegacyFleetOverviewPage,
      ),
    mountPoint: legacyRootRouteRef,
  }),
);

/**
 * One service's page, for a
 * `<Route path="/mesh/services/:namespace/:name" element={<MeshServicePage />} />`.
 *
 * @public
 */
export const MeshServicePage = meshPlugin.provide(
  createRoutableExtension({
    name: 'MeshServicePage',
    component: () =>
      import('./components/ServiceDetailPage').then(
        m => m.LegacyServiceDetailPage,
      ),
    mountPoint: legacyServiceRouteRef,
  }),
);

/**
 * The Policies page, for a `<Route path="/mesh/policies" element={<MeshPoliciesPage />} />`:
 * every policy of the configured repositories from its pull request to each cluster.
 *
 * @public
 */
export const MeshPoliciesPage = meshPlugin.provide(
  createRoutableExtension({
    name: 'MeshPoliciesPage',
    component: () =>
      import('./components/Policies').then(m => m.LegacyPoliciesPage),
    mountPoint: legacyPoliciesRouteRef,
  }),
);

/**
 * The Mesh tab of an entity page: `<EntityLayout.Route path="/mesh" title="Mesh"
 * if={isMeshServiceAvailable}><EntityMeshContent /></EntityLayout.Route>`.
 *
 * @public
 */
export const EntityMeshContent = meshPlugin.provide(
  createComponentExtension({
    name: 'EntityMeshContent',
    component: {
      lazy: () =>
        import('./components/EntityMeshContent').then(
          m => m.LegacyEntityMeshContent,
        ),
    },
  }),
);

/**
 * A banner for the entity overview, shown only when the mesh analysis found errors in the
 * entity's service: `<EntitySwitch.Case if={isMeshServiceAvailable}>
 * <Grid item xs={12}><EntityMeshFindingsWarning /></Grid></EntitySwitch.Case>`.
 *
 * @public
 */
export const EntityMeshFindingsWarning = meshPlugin.provide(
  createComponentExtension({
    name: 'EntityMeshFindingsWarning',
    component: {
      lazy: () =>
        import('./components/EntityMeshFindingsWarning').then(
          m => m.EntityMeshFindingsWarning,
        ),
    },
  }),
);

/**
 * The Policies card of the entity's mesh service, for the entity overview (the Mesh tab shows
 * it already): `<EntitySwitch.Case if={isMeshServiceAvailable}><Grid item md={6}>
 * <EntityMeshPoliciesCard /></Grid></EntitySwitch.Case>`.
 *
 * @public
 */
export const EntityMeshPoliciesCard = meshPlugin.provide(
  createComponentExtension({
    name: 'EntityMeshPoliciesCard',
    component: {
      lazy: () =>
        import('./components/PoliciesCard').then(
          m => m.LegacyEntityPoliciesCard,
        ),
    },
  }),
);

/** @public `ui:field: MeshServicePicker` */
export const MeshServicePickerFieldExtension = meshPlugin.provide(
  createScaffolderFieldExtension({
    name: 'MeshServicePicker',
    component: MeshServicePicker,
    validation: validateMeshService,
  }),
);

/** @public `ui:field: MeshClusterPicker` */
export const MeshClusterPickerFieldExtension = meshPlugin.provide(
  createScaffolderFieldExtension({
    name: 'MeshClusterPicker',
    component: MeshClusterPicker,
    validation: validateMeshCluster,
  }),
);

/** @public `ui:field: MeshSubsetPicker` */
export const MeshSubsetPickerFieldExtension = meshPlugin.provide(
  createScaffolderFieldExtension({
    name: 'MeshSubsetPicker',
    component: MeshSubsetPicker,
    validation: validateMeshSubset,
  }),
);

/** @public `ui:field: MeshIdentityPicker` */
export const MeshIdentityPickerFieldExtension = meshPlugin.provide(
  createScaffolderFieldExtension({
    name: 'MeshIdentityPicker',
    component: MeshIdentityPicker,
    validation: validateMeshIdentity,
  }),
);

/**
 * @public `ui:field: MeshCallersPicker` — an AccessPolicy's callers, offering those the mesh
 * saw calling the chosen service.
 */
export const MeshCallersPickerFieldExtension = meshPlugin.provide(
  createScaffolderFieldExtension({
    name: 'MeshCallersPicker',
    component: MeshCallersPicker,
    validation: validateMeshCallers,
  }),
);

/**
 * @public `ui:field: MeshSplitEditor` — a route's weighted targets, with their sum and a split
 * bar as they are typed.
 */
export const MeshSplitEditorFieldExtension = meshPlugin.provide(
  createScaffolderFieldExtension({
    name: 'MeshSplitEditor',
    component: MeshSplitEditor,
    validation: validateMeshSplit,
  }),
);

/**
 * @public `ui:field: MeshPolicyPreview` — no validation: the preview only reads the form, and
 * must never stop it being submitted.
 */
export const MeshPolicyPreviewFieldExtension = meshPlugin.provide(
  createScaffolderFieldExtension({
    name: 'MeshPolicyPreview',
    component: MeshPolicyPreview,
  }),
);
