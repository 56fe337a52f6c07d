import type {
  MeshFleetReader,
  MeshTrafficSource,
  MeshTrafficSourceExtensionPoint,
  MeshTrafficSourceFactory,
} from '@meshport/backstage-plugin-mesh-node';
import { NoTrafficSource } from './NoTrafficSource';

/** The traffic-source modules a backend can install, named in startup errors. */
export const TRAFFIC_SOURCE_MODULES = [
  '@meshport/backstage-plugin-mesh-backend-module-prometheus (mesh.prometheus.url)',
  '@meshport/backstage-plugin-mesh-backend-module-traffic-snapshot (mesh.traffic.snapshot.file)',
];

/**
 * Holds the one traffic source a module sets through `meshTrafficSourceExtensionPoint`.
 * Modules initialise before the plugin, so the factory is known by the time the fleet store
 * exists and `build` runs.
 */
export class TrafficSourceSlot implements MeshTrafficSourceExtensionPoint {
  private factory?: MeshTrafficSourceFactory;

  setTrafficSource(factory: MeshTrafficSourceFactory): void {
    if (this.factory) {
      // Two answers for the same service would disagree; which module wins would depend on
      // the order the backend happened to load them in.
      throw new Error(
        `A traffic source for the mesh plugin is already set: configure exactly one traffic-source module, either ${TRAFFIC_SOURCE_MODULES.join(
          ' or ',
        )}, and remove the other's config`,
      );
    }
    this.factory = factory;
  }

  /** The module's source over `fleet`, or one answering `unavailable` when none was set. */
  async build(fleet: MeshFleetReader): Promise<MeshTrafficSource> {
    return this.factory ? this.factory({ fleet }) : new NoTrafficSource(fleet);
  }

  get installed(): boolean {
    return this.factory !== undefined;
  }
}
