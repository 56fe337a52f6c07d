export { EntityMeshFindingsWarning } from './EntityMeshFindingsWarning';
export type { EntityMeshFindingsWarningProps } from './EntityMeshFindingsWarning';
