import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { FormFieldBlueprint } from '@backstage/plugin-scaffolder-react/alpha';
import DeviceHubIcon from '@material-ui/icons/DeviceHub';
import PolicyIcon from '@material-ui/icons/Policy';
import { meshApiRef, MeshClient } from './api';
import { isMeshServiceAvailable } from './entity/meshServiceRef';
import { policiesRouteRef, rootRouteRef, serviceRouteRef } from './routes';

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
      import('./components/FleetOverviewPage').then(m => (
        <m.FleetOverviewContent />
      )),
  },
});

/**
 * One service's page, `/mesh/services/:namespace/:name`. Untitled so it stays out of the
 * sidebar; it brings its own header.
 */
export const meshServicePage = PageBlueprint.make({
  name: 'service',
  params: {
    path: '/mesh/services/:namespace/:name',
    routeRef: serviceRouteRef,
    noHeader: true,
    loader: () =>
      import('./components/ServiceDetailPage').then(m => (
        <m.ServiceDetailPage />
      )),
  },
});

/**
 * The Policies page at `/mesh/policies`: every policy of the configured repositories from its
 * pull request to each cluster. Titled, so the sidebar lists it.
 */
export const meshPoliciesPage = PageBlueprint.make({
  name: 'policies',
  params: {
    path: '/mesh/policies',
    title: 'Mesh policies',
    icon: <PolicyIcon />,
    routeRef: policiesRouteRef,
    loader: () =>
      import('./components/Policies').then(m => <m.PoliciesContent />),
  },
});

/** The Mesh tab on entities that name a mesh service. */
export const meshEntityContent = EntityContentBlueprint.make({
  params: {
    path: '/mesh',
    title: 'Mesh',
    filter: isMeshServiceAvailable,
    loader: () =>
      import('./components/EntityMeshContent').then(m => (
        <m.LinkedEntityMeshContent />
      )),
  },
});

/**
 * The banner on the entity overview when the entity's mesh service has configuration errors;
 * it renders nothing otherwise.
 */
export const meshFindingsWarningEntityCard = EntityCardBlueprint.make({
  name: 'findings-warning',
  params: {
    filter: isMeshServiceAvailable,
    loader: () =>
      import('./components/EntityMeshFindingsWarning').then(m => (
        <m.EntityMeshFindingsWarning />
      )),
  },
});

/**
 * The Policies card on its own, for the entity overview. Disabled by default, as the Mesh tab
 * shows it already; enable it under `app.extensions` (`- entity-card:mesh/policies`).
 */
export const meshPoliciesEntityCard = EntityCardBlueprint.make({
  name: 'policies',
  disabled: true,
  params: {
    filter: isMeshServiceAvailable,
    loader: () =>
      import('./components/PoliciesCard').then(m => <m.EntityPoliciesCard />),
  },
});

const loadFields = () => import('./fields/formFields');

/** `ui:field: MeshServicePicker` */
export const meshServicePickerFormField = FormFieldBlueprint.make({
  name: 'mesh-service-picker',
  params: { field: () => loadFields().then(m => m.meshServicePickerField) },
});

/** `ui:field: MeshClusterPicker` */
export const meshClusterPickerFormField = FormFieldBlueprint.make({
  name: 'mesh-cluster-picker',
  params: { field: () => loadFields().then(m => m.meshClusterPickerField) },
});

/** `ui:field: MeshSubsetPicker` */
export const meshSubsetPickerFormField = FormFieldBlueprint.make({
  name: 'mesh-subset-picker',
  params: { field: () => loadFields().then(m => m.meshSubsetPickerField) },
});

/** `ui:field: MeshIdentityPicker` */
export const meshIdentityPickerFormField = FormFieldBlueprint.make({
  name: 'mesh-identity-picker',
  params: { field: () => loadFields().then(m => m.meshIdentityPickerField) },
});

/** `ui:field: MeshCallersPicker` */
export const meshCallersPickerFormField = FormFieldBlueprint.make({
  name: 'mesh-callers-picker',
  params: { field: () => loadFields().then(m => m.meshCallersPickerField) },
});

/** `ui:field: MeshSplitEditor` */
export const meshSplitEditorFormField = FormFieldBlueprint.make({
  name: 'mesh-split-editor',
  params: { field: () => loadFields().then(m => m.meshSplitEditorField) },
});

/** `ui:field: MeshPolicyPreview` */
export const meshPolicyPreviewFormField = FormFieldBlueprint.make({
  name: 'mesh-policy-preview',
  params: { field: () => loadFields().then(m => m.meshPolicyPreviewField) },
});

/**
 * The mesh plugin for apps on the new frontend system.
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'mesh',
  extensions: [
    meshApi,
    meshFleetPage,
    meshServicePage,
    meshPoliciesPage,
    meshEntityContent,
    meshFindingsWarningEntityCard,
    meshPoliciesEntityCard,
    meshServicePickerFormField,
    meshClusterPickerFormField,
    meshSubsetPickerFormField,
    meshIdentityPickerFormField,
    meshCallersPickerFormField,
    meshSplitEditorFormField,
    meshPolicyPreviewFormField,
  ],
  routes: {
    root: rootRouteRef,
    service: serviceRouteRef,
    policies: policiesRouteRef,
  },
});
