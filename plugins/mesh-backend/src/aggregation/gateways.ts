import {
  EAST_WEST_PORT,
  type EastWestGateway,
} from '@meshport/backstage-plugin-mesh-common';
import { NETWORK_LABEL } from './controlPlanes';
import type { ClusterInventory, ServiceInfo } from './inventory';

function isEastWestGateway(s: ServiceInfo): boolean {
  if (s.labels.istio === 'eastwestgateway') return true;
  // installs that rename the gateway still label it with its network and expose 15443
  return (
    s.labels[NETWORK_LABEL] !== undefined &&
    s.ports.some(p => p.port === EAST_WEST_PORT)
  );
}

export function discoverEastWestGateways(
  inv: ClusterInventory,
  clusterNetwork: string | undefined,
): EastWestGateway[] {
  return inv.services
    .filter(isEastWestGateway)
    .map(s => ({
      namespace: s.namespace,
      name: s.name,
      network: s.labels[NETWORK_LABEL] ?? clusterNetwork,
      addresses: [...new Set([...s.loadBalancerIngress, ...s.externalIPs])],
      port:
        s.ports.find(p => p.port === EAST_WEST_PORT)?.port ??
        s.ports.find(p => p.name === 'tls')?.port ??
        EAST_WEST_PORT,
    }))
    .sort(
      (a, b) =>
        a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name),
    );
}
