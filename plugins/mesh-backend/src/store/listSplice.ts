/** One list's change: `remove` items from index `at` replaced by `items`. Plain JSON. */
export interface ListSplice {
  at: number;
  remove: number;
  items: unknown[];
}

/**
 * The splice from `before` to `after`, found by object identity, or undefined when they hold
 * the same objects: the common head and tail stay, and what lies between is replaced. Equal
 * to `after` whatever the two hold, and as small as the change when they share their
 * unchanged objects (a watch's next inventory does, and what the fleet derives from it).
 */
export function spliceBetween(
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
 * The list `splice` turns `list` into, as a new array (`list` is left as it is). Throws,
 * naming the list (`member` of the stored `whole`), when the splice does not fit it:
 * stored data that disagrees.
 */
export function applySplice<T>(
  list: readonly T[],
  splice: ListSplice,
  member: string,
  whole: string,
): T[] {
  if (
    !Number.isInteger(splice.at) ||
    !Number.isInteger(splice.remove) ||
    splice.at < 0 ||
    splice.remove < 0 ||
    splice.at + splice.remove > list.length ||
    !Array.isArray(splice.items)
  )
    throw new Error(
      `the stored change of ${member} does not fit the stored ${whole} (${splice.remove} from ${splice.at} of ${list.length})`,
    );
  // concat, not splice(...items): a call takes only so many arguments
  return list
    .slice(0, splice.at)
    .concat(splice.items as T[], list.slice(splice.at + splice.remove));
}
