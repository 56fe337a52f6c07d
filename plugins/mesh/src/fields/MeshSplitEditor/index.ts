export { MeshSplitEditor, evenWeights } from './MeshSplitEditor';
export type { MeshSplitEditorOptions } from './MeshSplitEditor';
export { validateMeshSplit } from './validateMeshSplit';
export { splitProblems, splitTotal, MAX_SPLIT_ROWS } from './splitRows';
export type { SplitRow } from './splitRows';
