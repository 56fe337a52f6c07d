import { AGGREGATION } from './demoFleet';
import type { ClusterInput, ClusterInventory } from '../aggregation/inventory';

/**
 * What can happen to a cluster between two fleet builds, for the property tests of what
 * is derived from it (the memo) and stored of it (derivations, changes).
 */

const AT = '2025-04-01T00:00:00.000Z';

/** What a fresh sync hands over: equal content, new objects. */
export const reread = <T>(value: T): T => JSON.parse(JSON.stringify(value));

/** Any string equal exactly when the content is: the store uses a SHA-256 of this JSON. */
export const digested = (cluster: ClusterInput): ClusterInput =>
  cluster.inventory
    ? { ...cluster, inventoryDigest: JSON.stringify(cluster.inventory) }
    : cluster;

/**
 * The cluster with a copy of its inventory's lists, edited by `edit`: the objects it does not
 * replace are the same, as in the inventory a watch hands over after a change.
 */
export const withInventory = (
  cluster: ClusterInput,
  edit: (inventory: ClusterInventory) => void,
): ClusterInput => {
  if (!cluster.inventory) return cluster;
  const inv = cluster.inventory;
  const inventory: ClusterInventory = {
    ...inv,
    namespaces: [...inv.namespaces],
    nodes: [...inv.nodes],
    services: [...inv.services],
    endpointSlices: [...inv.endpointSlices],
    pods: [...inv.pods],
    meshConfig: [...inv.meshConfig],
  };
  edit(inventory);
  const { inventoryDigest: _, ...rest } = cluster;
  return { ...rest, inventory };
};

/**
 * One thing that can happen to a cluster between two builds. Each returns new objects and
 * never mutates the inventory it was given: the store holds inventories as immutable, and
 * what the memo derived from an inventory refers to its parts.
 */
export type Change = (
  cluster: ClusterInput,
  all: ClusterInput[],
) => ClusterInput;

export const changes: Record<string, Change> = {
  // the same content under a new object, as every sync brings it
  reread: cluster =>
    cluster.inventory
      ? { ...cluster, inventory: reread(cluster.inventory) }
      : cluster,
  stale: cluster => ({
    ...cluster,
    sync: {
      ...cluster.sync,
      state: 'stale',
      error: { reason: 'timeout', message: 'slow' },
    },
  }),
  ok: cluster => ({
    ...cluster,
    sync: { state: 'ok', lastSuccessAt: AT, lastAttemptAt: AT },
  }),
  podsUnready: cluster => {
    if (!cluster.inventory) return cluster;
    const inventory = reread(cluster.inventory);
    inventory.pods.forEach(p => (p.ready = !p.ready));
    return { ...cluster, inventory };
  },
  ownerLabel: cluster => {
    if (!cluster.inventory) return cluster;
    const inventory = reread(cluster.inventory);
    inventory.services.forEach(s => {
      s.labels[AGGREGATION.ownerLabel] = 'another-team';
    });
    return { ...cluster, inventory };
  },
  dropFirstService: cluster => {
    if (!cluster.inventory) return cluster;
    const inventory = reread(cluster.inventory);
    inventory.services = inventory.services.slice(1);
    return { ...cluster, inventory };
  },
  // a Linkerd mirror of another cluster's service, as a Link makes one
  mirrorAnother: (cluster, all) => {
    const other = all.find(c => c.name !== cluster.name && c.inventory);
    const target = other?.inventory?.services.find(
      s => !AGGREGATION.excludeNamespaces.includes(s.namespace),
    );
    if (!cluster.inventory || !other || !target) return cluster;
    const inventory = reread(cluster.inventory);
    inventory.services.push({
      ...reread(target),
      name: `${target.name}-${other.name}`,
      labels: {
        ...target.labels,
        'mirror.linkerd.io/mirrored-service': 'true',
        'mirror.linkerd.io/cluster-name': other.name,
      },
    });
    return { ...cluster, inventory };
  },
  // another cluster's content under this cluster's name
  copyAnother: (cluster, all) => {
    const other = all.find(c => c.name !== cluster.name && c.inventory);
    return other ? { ...cluster, inventory: other.inventory } : cluster;
  },
  // what a watch hands over: a new inventory sharing every object that did not change
  relabelPod: cluster =>
    withInventory(cluster, inv => {
      const i = inv.pods.length >> 1;
      inv.pods[i] = {
        ...inv.pods[i],
        labels: { ...inv.pods[i].labels, version: 'v9' },
      };
    }),
  unreadyPod: cluster =>
    withInventory(cluster, inv => {
      inv.pods[0] = { ...inv.pods[0], ready: !inv.pods[0].ready };
    }),
  addPod: cluster =>
    withInventory(cluster, inv => {
      const last = inv.pods[inv.pods.length - 1];
      inv.pods.push({ ...last, name: `${last.name}-copy` });
    }),
  deletePod: cluster =>
    withInventory(cluster, inv => {
      inv.pods.splice(inv.pods.length >> 2, 1);
    }),
  changePeerAuthentication: cluster =>
    withInventory(cluster, inv => {
      const i = inv.meshConfig.findIndex(o => o.kind === 'PeerAuthentication');
      if (i < 0) return;
      inv.meshConfig[i] = {
        ...inv.meshConfig[i],
        spec: { mtls: { mode: 'DISABLE' } },
      };
    }),
  relabelNamespace: cluster =>
    withInventory(cluster, inv => {
      const i = inv.namespaces.findIndex(n => n.name === 'bookinfo');
      if (i < 0) return;
      inv.namespaces[i] = {
        ...inv.namespaces[i],
        labels: {
          ...inv.namespaces[i].labels,
          [AGGREGATION.ownerLabel]: 'another-team',
          'istio.io/dataplane-mode': 'ambient',
        },
      };
    }),
  moveNode: cluster =>
    withInventory(cluster, inv => {
      if (inv.nodes.length === 0) return;
      inv.nodes[0] = { ...inv.nodes[0], zone: 'elsewhere' };
    }),
  unreadyEndpoint: cluster =>
    withInventory(cluster, inv => {
      const i = inv.endpointSlices.findIndex(s => s.endpoints.length > 0);
      if (i < 0) return;
      const slice = inv.endpointSlices[i];
      inv.endpointSlices[i] = {
        ...slice,
        endpoints: slice.endpoints.map(e => ({ ...e, ready: false })),
      };
    }),
  upgradeIstiod: cluster =>
    withInventory(cluster, inv => {
      inv.workloads = inv.workloads.map(w =>
        w.name.startsWith('istiod')
          ? {
              ...w,
              containers: w.containers.map(c => ({
                ...c,
                image: 'docker.io/istio/pilot:1.99.0',
              })),
            }
          : w,
      );
    }),
  relabelService: cluster =>
    withInventory(cluster, inv => {
      const i = inv.services.length >> 1;
      inv.services[i] = {
        ...inv.services[i],
        labels: { ...inv.services[i].labels, [AGGREGATION.ownerLabel]: 'x' },
      };
    }),
  neverSynced: cluster => ({
    name: cluster.name,
    source: cluster.source,
    sync: { state: 'never-synced' },
  }),
};
