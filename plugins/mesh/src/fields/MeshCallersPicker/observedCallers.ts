import type {
  Fleet,
  ServiceTraffic,
} from '@meshport/backstage-plugin-mesh-common';
import {
  identityKey,
  type IdentityValue,
} from '../MeshIdentityPicker/identityOptions';

/** A caller seen calling the service in the window, as an identity an AccessPolicy can name. */
export interface ObservedCaller {
  key: string;
  identity: IdentityValue;
  /** `namespace/name` of the calling service. */
  service: string;
  /** Requests (or, TCP only, connections opened) per second, summed over its edges. */
  rate: number;
  unit: 'req/s' | 'conn/s';
}

/**
 * The callers the traffic shows, one per workload identity: an inbound edge names the
 * calling service and its cluster; its workloads in that cluster give the service accounts
 * (an AccessPolicy names identities, not services). Callers the fleet does not know (an
 * ingress gateway in an excluded namespace, a cluster no one configured) cannot be named and
 * are counted in `unnamed`. Pure.
 */
export function observedCallers(
  traffic: Pick<ServiceTraffic, 'inbound'>,
  fleet: Pick<Fleet, 'services'>,
): { callers: ObservedCaller[]; unnamed: string[] } {
  const byId = new Map(fleet.services.map(s => [s.id, s]));
  const callers = new Map<string, ObservedCaller>();
  const unnamed = new Set<string>();
  for (const edge of traffic.inbound) {
    const serviceId = `${edge.peer.namespace}/${edge.peer.name}`;
    const cluster = edge.peerCluster.name;
    const instance = byId
      .get(serviceId)
      ?.instances.find(i => i.cluster === cluster);
    const accounts = [
      ...new Set(instance?.workloads.map(w => w.serviceAccount) ?? []),
    ].filter(Boolean);
    if (!edge.peerCluster.known || accounts.length === 0) {
      unnamed.add(`${serviceId} (${cluster})`);
      continue;
    }
    const requests = edge.http?.requestsPerSecond ?? 0;
    const connections = edge.tcp?.connectionsOpenedPerSecond ?? 0;
    for (const serviceAccount of accounts) {
      const identity = {
        cluster,
        namespace: edge.peer.namespace,
        serviceAccount,
      };
      const key = identityKey(identity);
      const seen = callers.get(key);
      const unit = requests > 0 || seen?.unit === 'req/s' ? 'req/s' : 'conn/s';
      callers.set(key, {
        key,
        identity,
        service: serviceId,
        rate: (seen?.rate ?? 0) + (unit === 'req/s' ? requests : connections),
        unit,
      });
    }
  }
  return {
    callers: [...callers.values()].sort(
      (a, b) => b.rate - a.rate || a.key.localeCompare(b.key),
    ),
    unnamed: [...unnamed].sort(),
  };
}
