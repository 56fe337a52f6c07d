import {
  type ServiceRef,
  type ServiceTraffic,
} from '@meshport/backstage-plugin-mesh-common';
import {
  MIN_STEP_SECONDS,
  seriesGrid,
} from '@meshport/backstage-plugin-mesh-node';
import type {
  MeshFleetReader,
  MeshTrafficSource,
} from '@meshport/backstage-plugin-mesh-node';

/**
 * What the traffic card shows when no module set a traffic source: every cluster
 * `unavailable`, with the module to install and the config to set, rather than an error page.
 */
export class NoTrafficSource implements MeshTrafficSource {
  constructor(
    private readonly fleet: MeshFleetReader,
    private readonly now: () => number = Date.now,
  ) {}

  async getTraffic(
    service: ServiceRef,
    window: { text: string; seconds: number },
  ): Promise<ServiceTraffic> {
    const { clusters } = await this.fleet.getFleet();
    const end =
      Math.floor(this.now() / 1000 / MIN_STEP_SECONDS) * MIN_STEP_SECONDS;
    return {
      service,
      window: window.text,
      windowSeconds: window.seconds,
      evaluatedAt: new Date(end * 1000).toISOString(),
      seriesStepSeconds: seriesGrid(window.seconds, end).stepSeconds,
      source: 'none',
      inbound: [],
      outbound: [],
      clusters: clusters
        .map(c => c.name)
        .sort()
        .map(cluster => ({
          cluster,
          state: 'unavailable' as const,
          source: 'none',
          reason: `no traffic source is configured for ${cluster} — install @meshport/backstage-plugin-mesh-backend-module-prometheus in the backend and set mesh.clusters[].prometheus.url for it, or mesh.prometheus.url for all clusters`,
        })),
      partial: true,
    };
  }
}
