export { MeshCallersPicker } from './MeshCallersPicker';
export type { MeshCallersPickerOptions } from './MeshCallersPicker';
export { validateMeshCallers } from './validateMeshCallers';
export { observedCallers } from './observedCallers';
export type { ObservedCaller } from './observedCallers';
