import { createHash } from 'node:crypto';

/** Backstage's limit on `metadata.name`. */
export const MAX_NAME_LENGTH = 63;
const HASH_LENGTH = 8;

/**
 * Rewrites any string into something Backstage accepts as `metadata.name`:
 * alphanumerics separated by single `-`, `_` or `.`. Returns `undefined` when
 * nothing usable is left.
 */
export function sanitizeName(raw: string): string | undefined {
  const cleaned = raw
    // A run of separators is invalid in Backstage (`a--b`), though valid in Kubernetes.
    .replace(/[^a-zA-Z0-9]+/g, run => (/^[-_.]$/.test(run) ? run : '-'))
    .replace(/^[^a-zA-Z0-9]+|[^a-zA-Z0-9]+$/g, '');
  return cleaned || undefined;
}

/** A short, stable suffix derived from the identity of the thing named. */
export function shortHash(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, HASH_LENGTH);
}

function withHash(base: string | undefined, key: string): string {
  const hash = shortHash(key);
  if (!base) {
    return `x-${hash}`;
  }
  const room = MAX_NAME_LENGTH - HASH_LENGTH - 1;
  const head = base.slice(0, room).replace(/[^a-zA-Z0-9]+$/, '');
  return head ? `${head}-${hash}` : `x-${hash}`;
}

/** Something to be named: `key` is its identity, `preferred` the name it would like. */
export interface NameRequest {
  key: string;
  preferred: string;
}

/**
 * Assigns valid, unique entity names to a list of things of one kind in one
 * namespace.
 *
 * A name is the sanitized preferred name when that fits and is free; otherwise
 * it gets a hash of the thing's key, so it stays the same from one refresh to
 * the next however the list changes around it. When two requests want the same
 * name, the first one whose preferred name needed no rewriting keeps it:
 * callers pass requests in a stable order.
 */
export function assignNames(requests: NameRequest[]): Map<string, string> {
  const candidates = requests.map(request => {
    const base = sanitizeName(request.preferred);
    const fits = base !== undefined && base.length <= MAX_NAME_LENGTH;
    return {
      ...request,
      base,
      fits,
      exact: fits && base === request.preferred,
    };
  });

  const wanted = new Map<string, number>();
  for (const c of candidates) {
    if (c.fits) {
      wanted.set(c.base!, (wanted.get(c.base!) ?? 0) + 1);
    }
  }

  const taken = new Set<string>();
  // Exact matches choose first so a rewritten name never pushes out a real one.
  const order = [
    ...candidates.filter(c => c.exact),
    ...candidates.filter(c => !c.exact),
  ];
  const names = new Map<string, string>();
  for (const c of order) {
    const contested = c.fits && (wanted.get(c.base!) ?? 0) > 1;
    let name =
      c.fits && !taken.has(c.base!) && (!contested || c.exact)
        ? c.base!
        : withHash(c.base, c.key);
    // A hashed name can only clash with a literal one by astronomical luck, but
    // a duplicate would make the catalog reject an entity, so never emit one.
    while (taken.has(name)) {
      name = withHash(c.base, `${c.key}/${name}`);
    }
    taken.add(name);
    names.set(c.key, name);
  }
  return names;
}
