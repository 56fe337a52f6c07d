import { type CompoundEntityRef } from '@backstage/catalog-model';
import { useApiHolder } from '@backstage/core-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { MESH_SERVICE_ANNOTATION } from '@meshport/backstage-plugin-mesh-common';
import useAsync from 'react-use/esm/useAsync';

/**
 * The catalog entity of each mesh service (`<namespace>/<name>`), found by the
 * `meshport.dev/service` annotation in one catalog query. Empty when the app has no catalog or
 * the query fails: callers then link to Meshport's own service page instead.
 */
export function useServiceEntities(
  serviceIds: readonly string[],
): Map<string, CompoundEntityRef> {
  const catalogApi = useApiHolder().get(catalogApiRef);
  const key = [...new Set(serviceIds)].sort().join(' ');
  const { value } = useAsync(async () => {
    const out = new Map<string, CompoundEntityRef>();
    if (!catalogApi || !key) return out;
    try {
      const { items } = await catalogApi.getEntities({
        filter: {
          [`metadata.annotations.${MESH_SERVICE_ANNOTATION}`]: key.split(' '),
        },
        fields: [
          'kind',
          'metadata.name',
          'metadata.namespace',
          `metadata.annotations.${MESH_SERVICE_ANNOTATION}`,
        ],
      });
      for (const e of items) {
        const id = e.metadata.annotations?.[MESH_SERVICE_ANNOTATION];
        // Two entities claiming one service is the catalog's conflict to show, not ours:
        // link the first, as the catalog's own lists do.
        if (id && !out.has(id)) {
          out.set(id, {
            kind: e.kind,
            namespace: e.metadata.namespace ?? 'default',
            name: e.metadata.name,
          });
        }
      }
    } catch {
      // no entity links, the service pages still work
    }
    return out;
  }, [catalogApi, key]);
  return value ?? new Map();
}
