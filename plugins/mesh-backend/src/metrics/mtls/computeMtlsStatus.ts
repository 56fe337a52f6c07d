/**
 * The mTLS view of a service per cluster: what discovery says is configured, what the
 * traffic shows, and the mismatches worth a warning. Pure, over the fleet and a traffic answer.
 */
import {
  type ClusterMtlsStatus,
  type ConfigRef,
  type Fleet,
  type MtlsMode,
  type MtlsTally,
  type MtlsWarning,
  type ServiceInstance,
  type ServiceMtlsStatus,
  type ServiceTraffic,
  type TrafficEdge,
} from '@meshport/backstage-plugin-mesh-common';
import {
  ClusterIdResolver,
  addTallies,
  emptyTally,
  lowestShare,
  round,
  roundTally,
} from '@meshport/backstage-plugin-mesh-node';
import { RootsOfTrust } from './rootsOfTrust';

/** Below this many plaintext requests (or connections) per second, plaintext is rounding noise. */
const PLAINTEXT_NOISE_PER_SECOND = 0.001;

/**
 * The fleet's ConfigRef does not carry a DestinationRule's TLS mode yet; when discovery adds
 * it as `tlsMode`, the warning below fires. Read structurally so nothing breaks meanwhile.
 */
type DestinationRuleRef = ConfigRef & { tlsMode?: string };

function destinationRulesDisablingTls(instance: ServiceInstance): string[] {
  return instance.config
    .filter(
      (ref): ref is DestinationRuleRef =>
        ref.kind === 'DestinationRule' &&
        (ref as DestinationRuleRef).tlsMode === 'DISABLE',
    )
    .map(ref => `${ref.namespace}/${ref.name}`);
}

/**
 * What the inbound edges of one cluster show. Requests and connections are summed apart, each
 * over every edge that has them: an HTTP service also reached over plain TCP shows both, and
 * the cluster's share is the lower of the two.
 */
function observedIn(
  cluster: string,
  traffic: ServiceTraffic,
): ClusterMtlsStatus['observed'] {
  const metrics = traffic.clusters.find(
    c => c.cluster === cluster || c.cluster === '*',
  );
  const inbound = traffic.inbound.filter(e => e.thisCluster.name === cluster);
  const sum = (basis: 'requests' | 'connections'): MtlsTally | undefined => {
    const tallies = inbound
      .map(e => e.mtls[basis])
      .filter((t): t is MtlsTally => t !== undefined);
    return tallies.length > 0
      ? roundTally(tallies.reduce(addTallies, emptyTally()))
      : undefined;
  };
  const requests = sum('requests');
  const connections = sum('connections');
  const probes = inbound.reduce((s, e) => s + (e.mtls.probesPerSecond ?? 0), 0);
  const peerOf = (e: TrafficEdge) =>
    `${e.peer.namespace}/${e.peer.name} (${e.peerCluster.name})`;
  const unclassified = [
    ...new Set(
      inbound.flatMap(e => e.mtls.unclassified.map(u => `${peerOf(e)}: ${u}`)),
    ),
  ];
  const base = {
    mtlsShare: lowestShare([requests, connections]),
    ...(requests ? { requests } : {}),
    ...(connections ? { connections } : {}),
    unclassified,
    ...(probes > 0 ? { probesPerSecond: round(probes) } : {}),
  };
  const seen = [requests, connections].some(
    t =>
      t &&
      t.mutualPerSecond + t.plaintextPerSecond + t.unclassifiedPerSecond > 0,
  );
  if (!metrics || metrics.state === 'unavailable') {
    return {
      ...base,
      state: 'unavailable',
      reason: metrics?.reason ?? `no metrics were read for ${cluster}`,
    };
  }
  if (!seen) {
    return {
      ...base,
      state: metrics.state === 'partial' ? 'partial' : 'no-traffic',
      reason: metrics.reason,
    };
  }
  return metrics.state === 'partial'
    ? { ...base, state: 'partial', reason: metrics.reason }
    : { ...base, state: 'ok' };
}

/** `3 requests/s (30 %) and 0.25 connections/s (100 %)`: the plaintext of each basis that has some. */
function plaintextAmount(observed: ClusterMtlsStatus['observed']): string {
  const parts: string[] = [];
  for (const basis of ['requests', 'connections'] as const) {
    const t = observed[basis];
    if (!t || t.plaintextPerSecond <= PLAINTEXT_NOISE_PER_SECOND) continue;
    const classified = t.mutualPerSecond + t.plaintextPerSecond;
    parts.push(
      `${t.plaintextPerSecond} ${basis}/s (${round(
        (t.plaintextPerSecond / classified) * 100,
      )} %)`,
    );
  }
  return parts.join(' and ');
}

function modeWarnings(
  serviceName: string,
  cluster: string,
  mode: MtlsMode | undefined,
  observed: ClusterMtlsStatus['observed'],
): MtlsWarning[] {
  const amount = plaintextAmount(observed);
  if (mode === 'DISABLE') {
    return [
      {
        code: 'mtls-disabled',
        message: `mTLS is disabled for ${serviceName} in ${cluster} by PeerAuthentication: traffic to it is not encrypted or authenticated`,
      },
    ];
  }
  if (amount === '') return [];
  if (mode === 'STRICT') {
    return [
      {
        code: 'plaintext-under-strict',
        message: `${serviceName} in ${cluster} is STRICT yet received ${amount} in plaintext: check port-level overrides and traffic that bypasses the sidecar`,
      },
    ];
  }
  // UNSET falls back to the mesh default, PERMISSIVE unless the mesh says otherwise.
  return [
    {
      code: 'plaintext-under-permissive',
      message: `${serviceName} in ${cluster} accepts plaintext (${
        mode ?? 'UNSET'
      }) and received ${amount} without mTLS: find the callers outside the mesh, then set STRICT`,
    },
  ];
}

function rootWarnings(
  serviceName: string,
  cluster: string,
  peers: string[],
  roots: RootsOfTrust,
  why: string,
): MtlsWarning[] {
  const differing = [...new Set(peers)]
    .filter(p => roots.differ(cluster, p))
    .sort();
  if (differing.length === 0) return [];
  return [
    {
      code: 'differing-roots',
      message: `${serviceName} in ${cluster} ${why} ${differing.join(
        ', ',
      )}, whose root of trust differs (${roots
        .fingerprintsOf(cluster)
        .join(', ')} vs ${differing
        .map(p => roots.fingerprintsOf(p).join(', '))
        .join(
          '; ',
        )}): mTLS between them fails unless the clusters share a root CA`,
      peerClusters: differing,
    },
  ];
}

function knownPeers(edges: TrafficEdge[], cluster: string): string[] {
  return edges
    .filter(e => e.thisCluster.name === cluster && e.peerCluster.known)
    .map(e => e.peerCluster.name);
}

export function computeMtlsStatus(
  fleet: Fleet,
  traffic: ServiceTraffic,
): ServiceMtlsStatus {
  const { namespace, name } = traffic.service;
  const serviceName = `${namespace}/${name}`;
  const service = fleet.services.find(
    s => s.namespace === namespace && s.name === name,
  );
  const roots = new RootsOfTrust(fleet);
  const ids = new ClusterIdResolver(fleet);
  const instances = new Map(
    (service?.instances ?? []).map(i => [i.cluster, i]),
  );

  // Clusters where the service runs, plus any where traffic reached it that discovery missed.
  const clusters = [
    ...new Set([
      ...instances.keys(),
      ...traffic.inbound.map(e => e.thisCluster.name),
    ]),
  ].sort();

  const statuses: ClusterMtlsStatus[] = clusters.map(cluster => {
    const instance = instances.get(cluster);
    const observed = observedIn(cluster, traffic);
    const warnings = [
      ...modeWarnings(serviceName, cluster, instance?.mtls.mode, observed),
      ...(instance
        ? destinationRulesDisablingTls(instance).map(
            (dr): MtlsWarning => ({
              code: 'tls-disabled-by-destination-rule',
              message: `DestinationRule ${dr} disables TLS for ${serviceName} in ${cluster}: its clients there send plaintext${
                instance.mtls.mode === 'STRICT'
                  ? ', which STRICT mode refuses'
                  : ''
              }`,
            }),
          )
        : []),
      ...rootWarnings(
        serviceName,
        cluster,
        knownPeers(traffic.inbound, cluster),
        roots,
        'is called from',
      ),
      ...rootWarnings(
        serviceName,
        cluster,
        knownPeers(traffic.outbound, cluster),
        roots,
        'calls into',
      ),
      ...rootWarnings(
        serviceName,
        cluster,
        [...instances.keys()],
        roots,
        'also runs in',
      ),
    ];
    return {
      cluster,
      clusterIds: ids.clusterIdsOf(cluster),
      configured: instance
        ? {
            mode: instance.mtls.mode,
            source: instance.mtls.source,
            ports: instance.mtls.ports,
          }
        : null,
      observed,
      rootOfTrust: {
        fingerprints: roots.fingerprintsOf(cluster),
        sharedWith: roots.sharedWith(cluster),
      },
      warnings,
    };
  });

  return {
    service: traffic.service,
    window: traffic.window,
    evaluatedAt: traffic.evaluatedAt,
    source: traffic.source,
    clusters: statuses,
    metrics: traffic.clusters,
    partial: traffic.partial,
  };
}
