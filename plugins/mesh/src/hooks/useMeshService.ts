import { useApi } from '@backstage/core-plugin-api';
import type {
  FleetCluster,
  MeshService,
} from '@meshport/backstage-plugin-mesh-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { meshApiRef } from '../api';
import type { ServiceRef } from '@meshport/backstage-plugin-mesh-common';

export interface MeshServiceData {
  service: MeshService;
  /** Every cluster of the fleet: instances show their cluster's network and sync state. */
  clusters: FleetCluster[];
}

/** Loads a service and the clusters its instances run in. */
export function useMeshService(ref: ServiceRef) {
  const meshApi = useApi(meshApiRef);
  return useAsyncRetry(async (): Promise<MeshServiceData> => {
    const [service, clusters] = await Promise.all([
      meshApi.getService(ref),
      meshApi.getClusters(),
    ]);
    return { service, clusters: clusters.items };
  }, [meshApi, ref.namespace, ref.name]);
}
