import type {
  Fleet,
  MeshService,
} from '@meshport/backstage-plugin-mesh-common';
import type { ServiceIndex } from '../service/ServiceIndex';

/** One published fleet and the index its services are read through, built together. */
export interface FleetView {
  fleet: Fleet;
  serviceIndex: ServiceIndex;
}

/** The current view of the fleet that the API serves. */
export interface FleetStore {
  getFleet(): Promise<Fleet>;
  /** The fleet with its service index: a query never mixes one fleet's index with another's. */
  getFleetView(): Promise<FleetView>;
  getService(namespace: string, name: string): Promise<MeshService | undefined>;
}
