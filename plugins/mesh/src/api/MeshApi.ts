import { createApiRef } from '@backstage/core-plugin-api';
import type { Fleet } from '@meshport/backstage-plugin-mesh-common';

/** The browser's view of the mesh backend (`/api/mesh`). */
export interface MeshApi {
  getFleet(): Promise<Fleet>;
}

export const meshApiRef = createApiRef<MeshApi>({ id: 'plugin.mesh.api' });
