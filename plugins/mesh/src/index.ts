/**
 * Meshport's frontend plugin. Legacy apps use these exports; apps on the new frontend
 * system import the plugin from `@meshport/backstage-plugin-mesh/alpha`.
 *
 * @packageDocumentation
 */
export {
  meshPlugin,
  MeshFleetPage,
  MeshServicePage,
  MeshPoliciesPage,
  EntityMeshContent,
  EntityMeshFindingsWarning,
  EntityMeshPoliciesCard,
  MeshServicePickerFieldExtension,
  MeshClusterPickerFieldExtension,
  MeshSubsetPickerFieldExtension,
  MeshIdentityPickerFieldExtension,
  MeshCallersPickerFieldExtension,
  MeshSplitEditorFieldExtension,
  MeshPolicyPreviewFieldExtension,
} from './plugin';
export {
  isMeshServiceAvailable,
  getMeshServiceRef,
} from './entity/meshServiceRef';
export type { EntityMeshFindingsWarningProps } from './components/EntityMeshFindingsWarning';
export { meshApiRef, MeshClient } from './api';
export type * from './api';
export type {
  IdentityValue,
  MeshCallersPickerOptions,
  MeshClusterPickerOptions,
  MeshIdentityPickerOptions,
  MeshPolicyPreviewOptions,
  MeshSplitEditorOptions,
  SplitRow,
  MeshSubsetPickerOptions,
  PreviewKind,
  SubsetTarget,
} from './fields';
