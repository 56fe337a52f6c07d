export { MeshSubsetPicker } from './MeshSubsetPicker';
export type { MeshSubsetPickerOptions } from './MeshSubsetPicker';
export { subsetOptions } from './subsetOptions';
export type { SubsetTarget } from './subsetOptions';
export { validateMeshSubset } from './validateMeshSubset';
