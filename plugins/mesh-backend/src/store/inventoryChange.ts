import type { ClusterInventory } from '../aggregation/inventory';

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

/** One list's change: `remove` items from index `at` replaced by `items`. */
export interface ListSplice {
  at: number;
  remove: number;
  items: unknown[];
}

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

function spliceBetween(
  before: readonly unknown[],
  after: readonly unknown[],
): ListSplice | undefined {
  if (before === after) return undefined;
  let head = 0;
  const shortest = Math.min(before.length, after.length);
  while (head < shortest && before[head] === after[head]) head++;
  let tail = 0;
  while (
    tail < shortest - head &&
    before[before.length - 1 - tail] === after[after.length - 1 - tail]
  )
    tail++;
  const remove = before.length - head - tail;
  const items = after.slice(head, after.length - tail);
  if (remove === 0 && items.length === 0) return undefined;
  return { at: head, remove, items };
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
    const list: readonly unknown[] = inventory[member];
    if (splice.at < 0 || splice.at + splice.remove > list.length)
      throw new Error(
        `the stored change of ${member} does not fit the stored inventory (${splice.remove} from ${splice.at} of ${list.length})`,
      );
    // concat, not splice(...items): a call takes only so many arguments
    (next as unknown as Record<ListMember, unknown[]>)[member] = list
      .slice(0, splice.at)
      .concat(splice.items, list.slice(splice.at + splice.remove));
  }
  return Object.assign(next, change.rest);
}
