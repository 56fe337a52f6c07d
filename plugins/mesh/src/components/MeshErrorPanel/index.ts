export { MeshErrorPanel } from './MeshErrorPanel';
export { explainError } from './explainError';
