/** One cluster's lease as the database holds it. */
export interface LeaseRow {
  cluster: string;
  /** The replica holding it; undefined once released. */
  holder?: string;
  /**
   * Database epoch milliseconds after which anyone may claim it; for a released lease, when
   * it was released.
   */
  expiresAt: number;
}

export interface LeasePlan {
  /** Leases this replica holds and keeps (it renews them). */
  keep: string[];
  /** Leases this replica gives up: beyond its fair share, or of clusters no longer listed. */
  release: string[];
  /** Free or expired leases to try to claim, best first; another replica may win some. */
  claim: string[];
}

/**
 * A stable pseudo-random rank of a cluster for a replica (FNV-1a of both names). Each replica
 * prefers different clusters (rendezvous hashing), so replicas claiming at the same moment
 * mostly go for different rows, and a replica releases the clusters it cares least about.
 */
export function leaseRank(replica: string, cluster: string): number {
  let hash = 0x811c9dc5;
  const key = `${replica}\u0000${cluster}`;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** The most clusters one replica holds: every cluster is held once all take their share. */
export function fairShare(clusters: number, liveReplicas: number): number {
  return Math.ceil(clusters / Math.max(1, liveReplicas));
}

/**
 * What one replica does with the leases at one check: keep its own up to its fair share of
 * the listed clusters, release the rest, and claim free or expired ones until it holds its
 * share.
 *
 * The share is the ceiling of clusters / live replicas, so every cluster finds a holder;
 * but while a live replica holds fewer than the floor of it (one that just started), the
 * others hold only the floor, releasing the rest for it, and claim no more than that, so
 * what they release goes to the newcomer. A lease free for a whole lease duration (the
 * newcomer died, or lists other clusters) is claimed by anyone up to the ceiling again.
 */
export function planLeases(input: {
  replica: string;
  /** The clusters this replica's locators list now. */
  clusters: readonly string[];
  leases: readonly LeaseRow[];
  /** Replicas whose heartbeat has not expired, this one included. */
  liveReplicas: number;
  /** The database's clock, epoch milliseconds. */
  now: number;
  leaseDurationMs: number;
}): LeasePlan {
  const { replica, now, leaseDurationMs } = input;
  const listed = new Set(input.clusters);
  const liveReplicas = Math.max(1, input.liveReplicas);
  const ceiling = fairShare(listed.size, liveReplicas);
  const floor = Math.floor(listed.size / liveReplicas);
  const byRank = (a: string, b: string) =>
    leaseRank(replica, a) - leaseRank(replica, b) || a.localeCompare(b);
  const rows = new Map(input.leases.map(row => [row.cluster, row]));
  const live = (row: LeaseRow) =>
    row.holder !== undefined && row.expiresAt > now;

  const held = new Map<string, number>();
  for (const row of input.leases)
    if (live(row) && listed.has(row.cluster))
      held.set(row.holder!, (held.get(row.holder!) ?? 0) + 1);
  const mine = input.leases
    .filter(row => row.holder === replica && live(row))
    .map(row => row.cluster);
  const ownedListed = mine.filter(c => listed.has(c)).sort(byRank);
  // live replicas holding nothing do not appear among the holders
  const starving =
    floor > 0 &&
    (liveReplicas > held.size || [...held.values()].some(n => n < floor));
  const share = starving && ownedListed.length >= floor ? floor : ceiling;
  const keep = ownedListed.slice(0, share);
  const release = [
    ...ownedListed.slice(share),
    ...mine.filter(c => !listed.has(c)).sort(),
  ];
  const claim: string[] = [];
  const free = [...listed]
    .filter(cluster => {
      const row = rows.get(cluster);
      return !row || !live(row);
    })
    .sort(byRank);
  for (const cluster of free) {
    const freeSince = rows.get(cluster)?.expiresAt ?? 0;
    const room = freeSince <= now - leaseDurationMs ? ceiling : share;
    if (keep.length + claim.length < room) claim.push(cluster);
  }
  return { keep, release, claim };
}
