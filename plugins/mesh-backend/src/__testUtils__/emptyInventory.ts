import type { ClusterInventory } from '../aggregation/inventory';

/** An inventory with nothing in it: what synthetic tests add their objects to. */
export const EMPTY_INVENTORY: ClusterInventory = {
  namespaces: [],
  nodes: [],
  services: [],
  endpointSlices: [],
  pods: [],
  workloads: [],
  configMaps: [],
  remoteSecrets: [],
  meshConfig: [],
  ztunnelPresent: false,
};
