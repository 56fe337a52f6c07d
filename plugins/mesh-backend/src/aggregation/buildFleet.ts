import type {
  Fleet,
  FleetCluster,
} from '@meshport/backstage-plugin-mesh-common';
import { clusterIdResolver } from './clusterIds';
import type { DiscoveredControlPlane } from './controlPlanes';
import {
  deriveCluster,
  type ClusterDerivation,
  type FleetMemo,
} from './FleetMemo';
import type { AggregationOptions, ClusterInput } from './inventory';
import { uniqueSorted } from './labels';
import { buildLinks, linkerdLinkModes } from './links';
import { buildMeshes } from './meshes';
import { buildServices } from './services';

/** The cluster's control planes as the fleet shows them, remote cluster ids resolved. */
function shownControlPlanes(
  planes: DiscoveredControlPlane[],
  resolve: (id: string) => string | undefined,
): FleetCluster['controlPlanes'] {
  return planes.map(
    ({
      remoteClusterIds,
      rootNamespace: _r,
      defaultInboundPolicy: _d,
      linkerdLinkModes: _l,
      ...cp
    }) => {
      const resolved = remoteClusterIds.map(id => ({
        id,
        name: resolve(id),
      }));
      const unresolved = resolved.filter(r => !r.name).map(r => r.id);
      return {
        ...cp,
        readsEndpointsFrom: uniqueSorted(
          resolved.map(r => r.name).filter((n): n is string => !!n),
        ),
        ...(unresolved.length > 0
          ? { unresolvedRemoteClusters: unresolved }
          : {}),
      };
    },
  );
}

function fleetCluster(
  cluster: ClusterInput,
  controlPlanes: FleetCluster['controlPlanes'],
  derivation: Partial<
    Pick<ClusterDerivation, 'config' | 'topology' | 'status'>
  >,
): FleetCluster {
  const topology = derivation?.topology;
  const network = topology?.network;
  const config = derivation?.config;
  return {
    name: cluster.name,
    source: cluster.source,
    sync: cluster.sync,
    regions: topology?.regions ?? [],
    zones: topology?.zones ?? [],
    ...(network ? { network } : {}),
    controlPlanes,
    eastWestGateways: topology?.eastWestGateways ?? [],
    ...derivation.status,
    // a stale cluster keeps its last-known-good inventory, so its last-known-good config too;
    // a cluster never synced has none: its config is unknown, not empty
    ...(config ? { config } : {}),
  };
}

/**
 * Assembles the fleet from every cluster's last-known-good inventory. Pure: the same inputs
 * give the same fleet, in a stable order, so it can be diffed, cached and tested directly.
 *
 * With a memo, what was derived from each cluster's inventory before is reused (see
 * `FleetMemo`), so are the services of the last build the memo saw that nothing changed;
 * what is new is kept in it. The fleet is the same as without one.
 */
export function buildFleet(
  clusters: ClusterInput[],
  options: AggregationOptions,
  now: Date,
  memo?: FleetMemo,
): Fleet {
  const sorted = [...clusters].sort((a, b) => a.name.localeCompare(b.name));
  const derived = sorted.map(cluster => ({
    cluster,
    ...deriveCluster(cluster, options, memo),
  }));
  const controlPlanes = new Map(
    derived.map(d => [d.cluster.name, d.controlPlanes ?? []]),
  );
  const resolve = clusterIdResolver(controlPlanes);
  // links and meshes follow from the clusters' control planes and topology alone: while
  // those are the same objects (a pod changed), the last build's are still right
  const last = memo?.last;
  const known = last?.shape;
  const sameShape =
    known !== undefined &&
    known.names.length === derived.length &&
    derived.every(
      (d, i) =>
        known.names[i] === d.cluster.name &&
        known.planes[i] === d.controlPlanes &&
        known.topologies[i] === d.topology,
    );
  const shown = sameShape
    ? known.shown
    : new Map(
        derived.map(d => [
          d.cluster.name,
          shownControlPlanes(controlPlanes.get(d.cluster.name) ?? [], resolve),
        ]),
      );
  const fleetClusters = derived.map(d =>
    fleetCluster(d.cluster, shown.get(d.cluster.name)!, d),
  );
  const lastServices = last?.services;
  // buildServices updates the last build's services in place: until this build is done
  // there is none to reuse, so a build that fails midway leaves the next one to start over
  if (last) last.services = undefined;
  const { services, memo: servicesMemo } = buildServices(
    derived,
    resolve,
    options,
    lastServices,
  );
  const links = sameShape
    ? known.links
    : buildLinks(fleetClusters, linkerdLinkModes(controlPlanes, resolve));
  const meshes = sameShape ? known.meshes : buildMeshes(controlPlanes, links);
  if (last) {
    last.services = servicesMemo;
    last.shape = {
      names: derived.map(d => d.cluster.name),
      planes: derived.map(d => d.controlPlanes),
      topologies: derived.map(d => d.topology),
      shown,
      links,
      meshes,
    };
  }
  return {
    generatedAt: now.toISOString(),
    clusters: fleetClusters,
    meshes,
    services,
    links,
  };
}
