/**
 * Whether two projected records serialise to the same JSON, without serialising them: the
 * same values in the same key order, properties whose value `JSON.stringify` leaves out
 * (undefined, functions, symbols) ignored. A watch compares each listed or changed record
 * with the one it holds; keeping every record's JSON for that doubled what a watched
 * cluster holds, and serialising each record of a first list cost its sync for nothing.
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
