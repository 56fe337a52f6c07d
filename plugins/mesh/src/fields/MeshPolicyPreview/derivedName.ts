/**
 * The default policy name the scaffolder actions derive from the request, so the preview shows
 * the names (and so the resource names) the pull request will hold. A copy of `derivedName` in
 * plugins/scaffolder-backend-module-mesh/src/actions/inputs.ts, which a frontend package cannot
 * import; keep the two in step (the parity test compares against the action's golden files).
 *
 * It stays a DNS-1123 label that leaves room for `<kind>.<namespace>.` in a 63-character label
 * value, hashing the rest so two long requests do not collide.
 */
export function derivedName(
  kind: string,
  namespace: string,
  parts: string[],
): string {
  const room = 63 - `${kind.toLowerCase()}.${namespace}.`.length;
  const joined = parts.join('-');
  if (joined.length <= room) return joined;
  const hash = fnv1a(joined);
  return `${joined
    .slice(0, Math.max(room - hash.length - 1, 1))
    .replace(/-+$/, '')}-${hash}`;
}

function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}
