/**
 * Whether two values serialise to the same JSON, without serialising them: the same values
 * in the same key order, properties whose value `JSON.stringify` leaves out (undefined,
 * functions, symbols) ignored. Identical members are equal at once, so two fleets or
 * records that share their unchanged parts compare in one pass over their lists. Used where
 * megabytes would otherwise be serialised to compare: a watch's records against the ones it
 * holds, a compile's fleet against the last one, an analysed fleet against a new one.
 */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || !a || !b)
    return omitted(a) && omitted(b);
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length)
      return false;
    for (let i = 0; i < a.length; i++)
      if (!sameJson(inArray(a[i]), inArray(b[i]))) return false;
    return true;
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  const keysA = Object.keys(x);
  const keysB = Object.keys(y);
  let i = 0;
  let j = 0;
  for (;;) {
    while (i < keysA.length && omitted(x[keysA[i]])) i++;
    while (j < keysB.length && omitted(y[keysB[j]])) j++;
    if (i === keysA.length || j === keysB.length)
      return i === keysA.length && j === keysB.length;
    if (keysA[i] !== keysB[j] || !sameJson(x[keysA[i]], y[keysB[j]]))
      return false;
    i++;
    j++;
  }
}

/** What `JSON.stringify` leaves out of an object. */
function omitted(value: unknown): boolean {
  return (
    value === undefined ||
    typeof value === 'function' ||
    typeof value === 'symbol'
  );
}

/** In an array, what `JSON.stringify` writes as `null`. */
function inArray(value: unknown): unknown {
  return omitted(value) ? null : value;
}
