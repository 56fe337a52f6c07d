/**
 * One copy of each equal string a projection keeps. `JSON.parse` gives every occurrence of a
 * value its own string (a heap snapshot of the API bench's server held 20,000 copies of
 * `istio-proxy`, one per pod, and as many of `ReplicaSet`), and the inventory keeps them for
 * as long as its cluster is discovered: the container names, owners, service accounts, node
 * names and label values of a cluster's pods repeat across its pods.
 *
 * Bounded: a watch keeps its pool for as long as it runs, and a cluster's churn (new
 * ReplicaSets, new pod names) would grow it without end, so past `limit` distinct strings it
 * starts over. Strings it already handed out stay shared; only later ones are pooled anew.
 */
export class StringPool {
  private pool = new Map<string, string>();

  constructor(private readonly limit = 100_000) {}

  intern(value: string): string {
    const known = this.pool.get(value);
    if (known !== undefined) return known;
    if (this.pool.size >= this.limit) this.pool = new Map();
    this.pool.set(value, value);
    return value;
  }

  /** The labels with their values pooled, in place (the object is the projection's own copy). */
  internValues(labels: Record<string, string>): Record<string, string> {
    for (const key in labels)
      if (Object.hasOwn(labels, key)) labels[key] = this.intern(labels[key]);
    return labels;
  }
}
