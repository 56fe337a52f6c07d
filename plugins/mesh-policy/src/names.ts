/**
 * Name helpers. Every generated name must be a DNS-1123 label (it becomes a Kubernetes name
 * and part of a file path) and stable for the same input, so long names are shortened with a
 * hash of the full name rather than cut, which could make two names collide.
 */

const MAX_LABEL = 63;

/** FNV-1a, 32 bit: tiny, pure, and the same in Node and the browser. */
export function shortHash(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}

/** Joins parts into a DNS-1123 label, hashing when the result would be invalid or too long. */
export function dnsLabel(...parts: string[]): string {
  const joined = parts.filter(p => p.length > 0).join('-');
  const cleaned = joined
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '');
  if (cleaned === joined && cleaned.length <= MAX_LABEL && cleaned.length > 0) {
    return cleaned;
  }
  const hash = shortHash(joined);
  const head = cleaned.slice(0, MAX_LABEL - hash.length - 1).replace(/-$/, '');
  return head ? `${head}-${hash}` : `x-${hash}`;
}

/** The in-mesh host of a Kubernetes service. */
export function localHost(service: string, namespace: string): string {
  return `${service}.${namespace}.svc.cluster.local`;
}

/**
 * The host under which a client reaches a service of one serving cluster through its
 * east-west gateway. One host per serving cluster keeps each cluster's SNI names apart, so
 * the serving gateway never has to guess which cluster a subset belongs to.
 */
export function federatedHost(
  service: string,
  namespace: string,
  cluster: string,
): string {
  return `${service}.${namespace}.${cluster}.global`;
}

/**
 * The name a request gets when its author gives none, from parts of the request (service,
 * source, caller…). The scaffolder actions and the template's live preview both derive it, so
 * the preview shows the names the pull request will hold. It stays a DNS-1123 label that
 * leaves room for `<kind>.<namespace>.` in a 63-character label value (the policy label of
 * every rendered object), hashing the rest so two long requests do not collide.
 */
export function defaultPolicyName(
  kind: string,
  namespace: string,
  parts: string[],
): string {
  const room = 63 - `${kind.toLowerCase()}.${namespace}.`.length;
  const joined = parts.join('-');
  if (joined.length <= room) return joined;
  const hash = shortHash(joined);
  return `${joined
    .slice(0, Math.max(room - hash.length - 1, 1))
    .replace(/-+$/, '')}-${hash}`;
}
