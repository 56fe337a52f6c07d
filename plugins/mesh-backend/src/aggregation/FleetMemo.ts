import {
  discoverControlPlanes,
  type DiscoveredControlPlane,
} from './controlPlanes';
import type { LiveConfigObject } from '@meshport/backstage-plugin-mesh-common';
import type { AggregationOptions, ClusterInput } from './inventory';
import { liveConfig } from './liveConfig';
import { instancesOf, type InventoryInstances } from './services';

/**
 * What the fleet takes from one cluster's inventory alone, whatever the other clusters hold:
 * the bulk of a fleet build (at 50,000 services, seconds; the rest takes a fraction of that).
 */
export interface ClusterDerivation {
  controlPlanes: DiscoveredControlPlane[];
  instances: InventoryInstances;
  /**
   * The cluster's mesh config as the fleet publishes it: the same array while the inventory's
   * digest is unchanged, so the analysis of an unchanged cluster sees the same objects.
   */
  config: LiveConfigObject[];
}

/**
 * Derivations kept between fleet builds, so a rebuild after a round of syncs recomputes only
 * the clusters whose content changed. Its owner (the fleet store) passes it to every build;
 * a build without one derives every cluster afresh, with the same result.
 *
 * One entry per cluster name, valid while the cluster's inventory has the digest and the
 * build the aggregation options it was derived with: new content replaces the entry, so
 * the memo never holds more than one derivation per cluster. Builds share what it holds:
 * fleet consumers read it and never mutate it.
 */
export class FleetMemo {
  private readonly entries = new Map<
    string,
    {
      digest: string;
      options: AggregationOptions;
      derivation: ClusterDerivation;
    }
  >();

  /** What was derived from this cluster's inventory with these options, if it is known. */
  get(
    cluster: ClusterInput,
    options: AggregationOptions,
  ): ClusterDerivation | undefined {
    const entry = this.entries.get(cluster.name);
    return entry &&
      cluster.inventoryDigest !== undefined &&
      entry.digest === cluster.inventoryDigest &&
      entry.options === options
      ? entry.derivation
      : undefined;
  }

  set(
    cluster: ClusterInput,
    options: AggregationOptions,
    derivation: ClusterDerivation,
  ): void {
    if (cluster.inventoryDigest === undefined) return;
    this.entries.set(cluster.name, {
      digest: cluster.inventoryDigest,
      options,
      derivation,
    });
  }

  /** Drops what was derived for a cluster that is no longer discovered. */
  forget(clusterName: string): void {
    this.entries.delete(clusterName);
  }
}

/**
 * What the fleet takes from this cluster's inventory: from the memo when it knows it,
 * otherwise computed (and kept in the memo, when there is one). Undefined for a cluster
 * never synced. A caller can derive every cluster ahead of `buildFleet`, one turn of the
 * event loop each, to spread a large first build out.
 */
export function deriveCluster(
  cluster: ClusterInput,
  options: AggregationOptions,
  memo?: FleetMemo,
): ClusterDerivation | undefined {
  if (!cluster.inventory) return undefined;
  const known = memo?.get(cluster, options);
  if (known) return known;
  const controlPlanes = discoverControlPlanes(cluster.inventory);
  const derivation = {
    controlPlanes,
    instances: instancesOf(cluster.inventory, controlPlanes, options),
    config: liveConfig(cluster.inventory),
  };
  memo?.set(cluster, options, derivation);
  return derivation;
}
