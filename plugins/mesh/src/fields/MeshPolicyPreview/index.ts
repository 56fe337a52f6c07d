export { MeshPolicyPreview } from './MeshPolicyPreview';
export type { MeshPolicyPreviewOptions } from './MeshPolicyPreview';
export type { PreviewKind } from './policyFromForm';
