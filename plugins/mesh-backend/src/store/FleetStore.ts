import type {
  Fleet,
  MeshService,
} from '@meshport/backstage-plugin-mesh-common';

/** The current view of the fleet that the API serves. */
export interface FleetStore {
  getFleet(): Promise<Fleet>;
  getService(namespace: string, name: string): Promise<MeshService | undefined>;
}
