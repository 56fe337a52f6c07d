import type {
  ClusterLink,
  EastWestGateway,
  FleetCluster,
  LiveConfigObject,
  Mesh,
} from '@meshport/backstage-plugin-mesh-common';
import {
  clusterNetwork,
  discoverControlPlanes,
  type DiscoveredControlPlane,
} from './controlPlanes';
import { discoverEastWestGateways } from './gateways';
import { uniqueSorted } from './labels';
import type {
  AggregationOptions,
  ClusterInput,
  ClusterInventory,
} from './inventory';
import { liveConfig } from './liveConfig';
import {
  instancesOf,
  sameElements,
  type DerivedServices,
  type InventoryIndex,
  type InventoryInstances,
  type ServicesMemo,
} from './services';

/**
 * What the fleet takes from one cluster's inventory alone, whatever the other clusters hold:
 * the bulk of a fleet build (at 50,000 services, seconds; the rest takes a fraction of that).
 * It is stored beside the inventory (`store/storedDerivation.ts`): what it holds, and how it
 * is derived, change only with that module's `DERIVATION_FORMAT`.
 */
export interface ClusterDerivation {
  /** Where the cluster runs and how it is reached, as its status shows it. */
  topology: ClusterTopology;
  controlPlanes: DiscoveredControlPlane[];
  instances: InventoryInstances;
  /**
   * The cluster's mesh config as the fleet publishes it: the same array while the inventory's
   * mesh config objects are unchanged, so the analysis of an unchanged cluster sees the same
   * objects.
   */
  config: LiveConfigObject[];
  /** What the cluster's status says of its last sync (objects skipped, what it could not read). */
  status: Pick<FleetCluster, 'skippedObjects' | 'warnings'>;
}

export interface ClusterTopology {
  network?: string;
  regions: string[];
  zones: string[];
  eastWestGateways: EastWestGateway[];
}

function topologyOf(inventory: ClusterInventory): ClusterTopology {
  const network = clusterNetwork(inventory);
  return {
    ...(network ? { network } : {}),
    regions: uniqueSorted(
      inventory.nodes.map(n => n.region).filter((r): r is string => !!r),
    ),
    zones: uniqueSorted(
      inventory.nodes.map(n => n.zone).filter((z): z is string => !!z),
    ),
    eastWestGateways: discoverEastWestGateways(inventory, network),
  };
}

/** What the cluster's last sync could not find out, said so in its status. */
function syncStatusOf(
  inventory: ClusterInventory,
): ClusterDerivation['status'] {
  const warnings = (inventory.remoteSecretsForbidden ?? []).map(
    namespace =>
      `remote clusters unknown: listing the remote secrets in namespace ${namespace} was refused (HTTP 403), so which clusters its istiod reads endpoints from is unknown; grant the discovery service account \`list secrets\` in ${namespace} (the Role in deploy/kubernetes/meshport-discovery.yaml)`,
  );
  return {
    ...(inventory.skipped ? { skippedObjects: inventory.skipped } : {}),
    ...(warnings.length > 0 ? { warnings } : {}),
  };
}

/**
 * The links and meshes of the last fleet built, with what they were built from: each
 * cluster's control planes and topology (as the same objects), in cluster order.
 */
export interface FleetShape {
  names: string[];
  planes: Array<DiscoveredControlPlane[] | undefined>;
  topologies: Array<ClusterTopology | undefined>;
  /** Each cluster's control planes as the fleet shows them (remote ids resolved). */
  shown: Map<string, FleetCluster['controlPlanes']>;
  links: ClusterLink[];
  meshes: Mesh[];
}

/** What a fleet build keeps for the next one. */
export interface LastBuild {
  services?: ServicesMemo;
  shape?: FleetShape;
}

interface Entry {
  options: AggregationOptions;
  digest?: string;
  /** The control planes' JSON: equal JSON, the same control planes for every service. */
  controlPlanesKey: string;
  derivation: ClusterDerivation;
  /** Kept for an inventory without a digest only: see `Reuse`. */
  reuse?: Reuse;
}

/**
 * What the next inventory of a watched cluster reuses part by part. A watch's inventory is
 * known by its objects (it has no digest) and keeps those of everything that did not
 * change, so the next derivation compares them with these. A digested inventory comes from
 * a full read (a poll, the database): its successor shares no object with it, so none of
 * this would ever be reused, and the store need not even hold the inventory itself once
 * it is derived (at 50,000 services, 20 clusters: ~80 MiB of lookups and per-service
 * inputs, and the inventories' pods, slices and workloads, that a polled fleet held for
 * nothing).
 */
interface Reuse {
  inventory: ClusterInventory;
  services: DerivedServices;
  /** The inventory's lookups, reused part by part by the next inventory's. */
  index: InventoryIndex;
}

/**
 * Derivations kept between fleet builds, so a rebuild recomputes only what changed. Its
 * owner (the fleet store) passes it to every build; a build without one derives every
 * cluster afresh, with the same result.
 *
 * One entry per cluster name. A cluster whose inventory is the same object (or has the
 * same `inventoryDigest`) and the same aggregation options gets its derivation back whole.
 * Otherwise the last derivation of that cluster serves per service: while the cluster-wide
 * inputs (control planes, mesh config objects, options) are unchanged, a service whose own
 * inputs are the same objects keeps its instance — a watch's inventory keeps the objects
 * of what did not change, so a pod's change re-derives the services selecting it. New
 * content replaces the entry, so the memo never holds more than one derivation per
 * cluster. Builds share what it holds: fleet consumers read it and never mutate it.
 */
export class FleetMemo {
  constructor(
    private readonly entries = new Map<string, Entry>(),
    /** What the last fleet built kept, per slot: the whole fleet's, each check's. */
    private readonly slots = new Map<string, LastBuild>(),
    private readonly slot = '',
  ) {}

  /** What the last fleet built with this memo kept, reused where unchanged. */
  get last(): LastBuild {
    let last = this.slots.get(this.slot);
    if (!last) this.slots.set(this.slot, (last = {}));
    return last;
  }

  /**
   * A memo sharing this one's cluster derivations, with services of its own: for building
   * the fleet of one cluster alone (checking it), which must not replace the whole fleet's
   * services. What that build keeps is dropped with `forgetCheck`.
   */
  forCluster(name: string): FleetMemo {
    return new FleetMemo(this.entries, this.slots, `\u0000${name}`);
  }

  /**
   * What was derived from this cluster's inventory with these options, if it is known: by
   * the inventory object, or by its digest (then the inventory itself need not be held).
   */
  get(
    cluster: Pick<ClusterInput, 'name' | 'inventory' | 'inventoryDigest'>,
    options: AggregationOptions,
  ): ClusterDerivation | undefined {
    const entry = this.entries.get(cluster.name);
    if (!entry || entry.options !== options) return undefined;
    const same =
      (cluster.inventory !== undefined &&
        entry.reuse?.inventory === cluster.inventory) ||
      (cluster.inventoryDigest !== undefined &&
        entry.digest === cluster.inventoryDigest);
    return same ? entry.derivation : undefined;
  }

  /**
   * Undoes what deriving this cluster's inventory from now on does to the memo: for a check
   * of content that may be refused, whose derivation must not replace the one of the
   * content kept (which the store may hold by its digest alone).
   */
  checkpoint(name: string): () => void {
    const entry = this.entries.get(name);
    return () => {
      if (entry) this.entries.set(name, entry);
      else this.entries.delete(name);
    };
  }

  /** The cluster's last entry derived with these options: what a new derivation may reuse. */
  previous(name: string, options: AggregationOptions): Entry | undefined {
    const entry = this.entries.get(name);
    return entry?.options === options ? entry : undefined;
  }

  set(name: string, entry: Entry): void {
    this.entries.set(name, entry);
  }

  /**
   * Takes what was derived, with these options, from the inventory with this digest, as
   * stored beside it: the cluster is then known by its digest, its inventory neither read
   * nor derived again (a restart, another replica's write).
   */
  seed(
    name: string,
    options: AggregationOptions,
    digest: string,
    derivation: ClusterDerivation,
  ): void {
    this.entries.set(name, {
      options,
      digest,
      // as `deriveCluster` keys them: a stored derivation is that JSON parsed
      controlPlanesKey: JSON.stringify(derivation.controlPlanes),
      derivation,
    });
  }

  /**
   * Drops what the last check of this cluster alone built (its fleet's services), keeping
   * the cluster's derivation: a check is rare (a full read, a restart's load, a failed
   * build), and its services are a second copy of the cluster's.
   */
  forgetCheck(clusterName: string): void {
    this.slots.delete(`\u0000${clusterName}`);
  }

  /** Drops what was derived for a cluster that is no longer discovered. */
  forget(clusterName: string): void {
    this.entries.delete(clusterName);
    this.slots.delete(`\u0000${clusterName}`);
  }
}

/** Whether the lists of these kinds hold the same objects in both inventories. */
function sameKinds(
  a: ClusterInventory,
  b: ClusterInventory,
  kinds: Array<keyof ClusterInventory>,
): boolean {
  return kinds.every(kind => {
    const [x, y] = [a[kind], b[kind]];
    return Array.isArray(x) && Array.isArray(y)
      ? sameElements<unknown>(x, y)
      : x === y;
  });
}

/** What the control planes are discovered from (see `discoverControlPlanes`). */
const CONTROL_PLANE_KINDS: Array<keyof ClusterInventory> = [
  'workloads',
  'configMaps',
  'namespaces',
  'remoteSecrets',
  'meshConfig',
  'ztunnelPresent',
  'remoteSecretsForbidden',
];
/** What the topology is found from (see `topologyOf`). */
const TOPOLOGY_KINDS: Array<keyof ClusterInventory> = [
  'workloads',
  'namespaces',
  'nodes',
  'services',
];

/**
 * What the fleet takes from this cluster's inventory: from the memo when it knows it,
 * otherwise computed (and kept in the memo, when there is one), reusing what the memo
 * derived for services whose inputs did not change. Undefined for a cluster never synced.
 * A caller can derive every cluster ahead of `buildFleet`, one turn of the event loop
 * each, to spread a large first build out.
 */
export function deriveCluster(
  cluster: ClusterInput,
  options: AggregationOptions,
  memo?: FleetMemo,
): ClusterDerivation | undefined {
  const known = memo?.get(cluster, options);
  if (known) return known;
  const inventory = cluster.inventory;
  if (!inventory) return undefined;
  const previous = memo?.previous(cluster.name, options);
  const reuse = previous?.reuse;
  const before = reuse?.inventory;
  // discovering control planes parses mesh config and certificates: only when their inputs changed
  const discovered =
    before && sameKinds(before, inventory, CONTROL_PLANE_KINDS)
      ? previous!.derivation.controlPlanes
      : discoverControlPlanes(inventory);
  const controlPlanesKey =
    discovered === previous?.derivation.controlPlanes
      ? previous.controlPlanesKey
      : JSON.stringify(discovered);
  const samePlanes = previous?.controlPlanesKey === controlPlanesKey;
  // the same objects, so the analysis of an unchanged cluster sees the same config
  const sameConfig =
    before !== undefined &&
    sameElements(before.meshConfig, inventory.meshConfig);
  const controlPlanes = samePlanes
    ? previous!.derivation.controlPlanes
    : discovered;
  const { derived, index, ...instances } = instancesOf(
    inventory,
    controlPlanes,
    options,
    reuse && {
      inventory: reuse.inventory,
      index: reuse.index,
      // what every service reads changed: derive them all (rare, and always correct)
      ...(samePlanes && sameConfig ? { services: reuse.services } : {}),
    },
  );
  const derivation: ClusterDerivation = {
    topology:
      before && sameKinds(before, inventory, TOPOLOGY_KINDS)
        ? previous!.derivation.topology
        : topologyOf(inventory),
    controlPlanes,
    instances,
    config: sameConfig ? previous!.derivation.config : liveConfig(inventory),
    status: syncStatusOf(inventory),
  };
  memo?.set(cluster.name, {
    options,
    controlPlanesKey,
    derivation,
    ...(cluster.inventoryDigest !== undefined
      ? { digest: cluster.inventoryDigest }
      : { reuse: { inventory, services: derived, index } }),
  });
  return derivation;
}
