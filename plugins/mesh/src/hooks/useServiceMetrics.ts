import { useApi } from '@backstage/core-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { meshApiRef } from '../api';
import type { ServiceRef } from '@meshport/backstage-plugin-mesh-common';

/** Traffic of a service over a window such as `15m`. */
export function useServiceTraffic(ref: ServiceRef, window: string) {
  const meshApi = useApi(meshApiRef);
  return useAsyncRetry(
    () => meshApi.getServiceTraffic(ref, { window }),
    [meshApi, ref.namespace, ref.name, window],
  );
}

/** mTLS configured and observed for a service over a window. */
export function useServiceMtls(ref: ServiceRef, window: string) {
  const meshApi = useApi(meshApiRef);
  return useAsyncRetry(
    () => meshApi.getServiceMtls(ref, { window }),
    [meshApi, ref.namespace, ref.name, window],
  );
}
