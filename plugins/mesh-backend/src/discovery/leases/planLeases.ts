/** One cluster's lease as the database holds it. */
export interface LeaseRow {
  cluster: string;
  /** The replica holding it; undefined once released. */
  holder?: string;
  /** Database epoch milliseconds after which anyone may claim it. */
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
 * the listed clusters, release the rest (so a replica that just started finds free ones),
 * and claim free or expired ones until it holds its share.
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
}): LeasePlan {
  const { replica, now } = input;
  const listed = new Set(input.clusters);
  const share = fairShare(listed.size, input.liveReplicas);
  const byRank = (a: string, b: string) =>
    leaseRank(replica, a) - leaseRank(replica, b) || a.localeCompare(b);
  const rows = new Map(input.leases.map(row => [row.cluster, row]));
  const live = (row: LeaseRow) =>
    row.holder !== undefined && row.expiresAt > now;

  const mine = input.leases
    .filter(row => row.holder === replica && live(row))
    .map(row => row.cluster);
  const ownedListed = mine.filter(c => listed.has(c)).sort(byRank);
  const keep = ownedListed.slice(0, share);
  const release = [
    ...ownedListed.slice(share),
    ...mine.filter(c => !listed.has(c)).sort(),
  ];
  const free = [...listed]
    .filter(cluster => {
      const row = rows.get(cluster);
      return !row || !live(row);
    })
    .sort(byRank);
  return {
    keep,
    release,
    claim: free.slice(0, Math.max(0, share - keep.length)),
  };
}
