import { ISTIO_CLUSTER_LABEL } from '../../constants';
import { Topology } from '../../fleet/topology';
import { federatedHost, localHost } from '../../names';
import type { Destination } from '../../schema/common';
import type { ResolvedTarget } from '../../plan/types';

/** Where an Istio client sends a target: a host and the endpoint labels of its subset. */
export interface IstioTarget {
  host: string;
  labels: Record<string, string>;
  /** Set when the host is a federated one served through this cluster's east-west gateway. */
  federatedFrom?: string;
}

/**
 * Chooses the strategy for one client → serving cluster pair. With shared endpoints the client
 * already knows the remote pods, so a subset on Istio's cluster label selects them; through a
 * gateway the client only knows the gateway, so it gets a host of its own per serving cluster.
 */
export function istioTarget(
  target: ResolvedTarget,
  dest: Destination,
  topo: Topology,
): IstioTarget {
  const local = localHost(dest.service, dest.namespace);
  if (!target.cluster || target.reach === 'registry') {
    return { host: local, labels: { ...target.subset } };
  }
  if (target.reach === 'gateway-federation') {
    return {
      host: federatedHost(dest.service, dest.namespace, target.cluster),
      labels: { ...target.subset },
      federatedFrom: target.cluster,
    };
  }
  return {
    host: local,
    labels: {
      ...target.subset,
      [ISTIO_CLUSTER_LABEL]: topo.clusterId(target.cluster),
    },
  };
}
