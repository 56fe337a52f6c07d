import type {
  ServiceRef,
  ServiceTraffic,
} from '@meshport/backstage-plugin-mesh-common';

/** Where a service's traffic figures come from: Prometheus, or the demo's snapshot file. */
export interface TrafficSource {
  /**
   * Inbound and outbound edges of `service` over the `windowSeconds` before now. Never
   * rejects because a metrics backend is down: that cluster is marked in `clusters`.
   */
  getTraffic(
    service: ServiceRef,
    window: { text: string; seconds: number },
  ): Promise<ServiceTraffic>;
}
