import type { Fleet } from '@meshport/backstage-plugin-mesh-common';

/** Holds the current view of the fleet that the API serves. */
export interface FleetStore {
  getFleet(): Promise<Fleet>;
}

/** A fleet store over a fixed fleet; discovery replaces it with the live, per-cluster store. */
export class StaticFleetStore implements FleetStore {
  constructor(private readonly fleet: Fleet) {}

  static empty(): StaticFleetStore {
    return new StaticFleetStore({
      generatedAt: new Date(0).toISOString(),
      clusters: [],
      meshes: [],
      services: [],
      links: [],
    });
  }

  async getFleet(): Promise<Fleet> {
    return this.fleet;
  }
}
