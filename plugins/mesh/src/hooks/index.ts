export { useMeshService } from './useMeshService';
export type { MeshServiceData } from './useMeshService';
export { useServiceMtls, useServiceTraffic } from './useServiceMetrics';
