export { MeshServicePicker, validateMeshService } from './MeshServicePicker';
export { MeshClusterPicker, validateMeshCluster } from './MeshClusterPicker';
export type { MeshClusterPickerOptions } from './MeshClusterPicker';
export { MeshSubsetPicker, validateMeshSubset } from './MeshSubsetPicker';
export type { MeshSubsetPickerOptions, SubsetTarget } from './MeshSubsetPicker';
export { MeshIdentityPicker, validateMeshIdentity } from './MeshIdentityPicker';
export type {
  IdentityValue,
  MeshIdentityPickerOptions,
} from './MeshIdentityPicker';
export { MeshCallersPicker, validateMeshCallers } from './MeshCallersPicker';
export type { MeshCallersPickerOptions } from './MeshCallersPicker';
export { MeshSplitEditor, validateMeshSplit } from './MeshSplitEditor';
export type { MeshSplitEditorOptions, SplitRow } from './MeshSplitEditor';
export { MeshPolicyPreview } from './MeshPolicyPreview';
export type {
  MeshPolicyPreviewOptions,
  PreviewKind,
} from './MeshPolicyPreview';
