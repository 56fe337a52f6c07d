export { MeshServicePicker } from './MeshServicePicker';
export { validateMeshService } from './validateMeshService';
