export { MeshClusterPicker, clusterOptions } from './MeshClusterPicker';
export type { MeshClusterPickerOptions } from './MeshClusterPicker';
export { validateMeshCluster } from './validateMeshCluster';
