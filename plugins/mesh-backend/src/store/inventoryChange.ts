import type { ClusterInventory } from '../aggregation/inventory';
import { applySplice, spliceBetween, type ListSplice } from './listSplice';

/** The members of an inventory that are lists of objects. */
export const INVENTORY_LISTS = [
  'namespaces',
  'nodes',
  'services',
  'endpointSlices',
  'pods',
  'workloads',
  'configMaps',
  'remoteSecrets',
  'meshConfig',
] as const satisfies ReadonlyArray<keyof ClusterInventory>;

type ListMember = (typeof INVENTORY_LISTS)[number];

/**
 * What turns one inventory of a cluster into the next: per list that changed, one splice,
 * and the inventory's small members whole. Plain JSON, so it is stored as it is.
 */
export interface InventoryChange {
  lists: Partial<Record<ListMember, ListSplice>>;
  rest: Omit<ClusterInventory, ListMember>;
}

/**
 * The change from `before` to `after`, found by object identity: a watched cluster's next
 * inventory keeps the objects of everything that did not change (see `KindWatch`), so a
 * pod's change is a splice of one pod. Per list, the common head and tail (the same
 * objects) stay, and what lies between is replaced: equal to `after` whatever the two
 * hold, and as small as the change when the objects are shared.
 */
export function inventoryChange(
  before: ClusterInventory,
  after: ClusterInventory,
): InventoryChange {
  const lists: InventoryChange['lists'] = {};
  for (const member of INVENTORY_LISTS) {
    const splice = spliceBetween(before[member], after[member]);
    if (splice) lists[member] = splice;
  }
  const rest: InventoryChange['rest'] = {
    ztunnelPresent: after.ztunnelPresent,
  };
  if (after.skipped !== undefined) rest.skipped = after.skipped;
  if (after.remoteSecretsForbidden !== undefined)
    rest.remoteSecretsForbidden = after.remoteSecretsForbidden;
  return { lists, rest };
}

/** How many objects the change brings: what it costs to write. */
export function changedObjects(change: InventoryChange): number {
  let count = 0;
  for (const splice of Object.values(change.lists))
    count += splice.items.length;
  return count;
}

/** How many objects the inventory holds. */
export function inventoryObjects(inventory: ClusterInventory): number {
  let count = 0;
  for (const member of INVENTORY_LISTS) count += inventory[member].length;
  return count;
}

/**
 * The inventory `change` turns `inventory` into. `inventory` is left as it is: the lists
 * that change are new arrays, the others are shared.
 */
export function applyInventoryChange(
  inventory: ClusterInventory,
  change: InventoryChange,
): ClusterInventory {
  const next: ClusterInventory = { ...inventory };
  delete next.skipped;
  delete next.remoteSecretsForbidden;
  for (const member of INVENTORY_LISTS) {
    const splice = change.lists[member];
    if (!splice) continue;
    (next as unknown as Record<ListMember, unknown[]>)[member] =
      applySplice<unknown>(inventory[member], splice, member, 'inventory');
  }
  return Object.assign(next, change.rest);
}
