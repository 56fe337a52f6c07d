import type {
  Fleet,
  ServiceDependencies,
  ServiceRef,
  ServiceTraffic,
} from '@meshport/backstage-plugin-mesh-common';

/**
 * Where a service's traffic figures come from (Prometheus or Thanos, the demo's snapshot
 * file, …). The mesh backend turns them into the traffic card and the observed half of the
 * mTLS card; a source only reports what the mesh measured.
 *
 * @public
 */
export interface MeshTrafficSource {
  /**
   * Inbound and outbound edges of `service` over the `window.seconds` before now. Never
   * rejects because a metrics backend is down: that cluster is marked in `clusters`.
   */
  getTraffic(
    service: ServiceRef,
    window: { text: string; seconds: number },
  ): Promise<ServiceTraffic>;

  /**
   * Every caller → callee pair of services seen over the window, fleet-wide, in one read
   * (what the catalog turns into dependency relations). Optional: without it the backend
   * answers that this source cannot tell, and no relations are derived.
   */
  getDependencies?(window: {
    text: string;
    seconds: number;
  }): Promise<ServiceDependencies>;
}

/**
 * The current fleet as the mesh backend holds it: what a traffic source reads to map
 * clusters to metrics backends and workloads to services.
 *
 * @public
 */
export interface MeshFleetReader {
  getFleet(): Promise<Fleet>;
}

/**
 * Builds the traffic source once the mesh backend's fleet exists.
 *
 * @public
 */
export type MeshTrafficSourceFactory = (context: {
  fleet: MeshFleetReader;
}) => MeshTrafficSource | Promise<MeshTrafficSource>;
