export { MeshIdentityPicker } from './MeshIdentityPicker';
export type { MeshIdentityPickerOptions } from './MeshIdentityPicker';
export { identityOptions } from './identityOptions';
export type { IdentityValue } from './identityOptions';
export { validateMeshIdentity } from './validateMeshIdentity';
