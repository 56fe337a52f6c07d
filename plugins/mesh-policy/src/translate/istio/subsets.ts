import { ISTIO_CLUSTER_LABEL } from '../../constants';
import { stableStringify } from '../../canonical';
import { compareStrings } from '../../diagnostics';
import { dnsLabel, shortHash } from '../../names';

/**
 * Names the DestinationRule subsets of one host. Names derive from the labels (`cluster-2-v3`),
 * and when two label sets would share a name both get a hash suffix: decided after all sets are
 * known, so the result does not depend on the order policies were read in.
 */
export class SubsetNames {
  private readonly sets = new Map<string, Record<string, string>>();
  private names?: Map<string, string>;

  add(labels: Record<string, string>) {
    if (Object.keys(labels).length > 0)
      this.sets.set(stableStringify(labels), labels);
    this.names = undefined;
  }

  nameOf(labels: Record<string, string>): string | undefined {
    if (Object.keys(labels).length === 0) return undefined;
    return this.resolve().get(stableStringify(labels));
  }

  /** `{ name, labels }` sorted by name, for the DestinationRule. */
  subsets(): { name: string; labels: Record<string, string> }[] {
    const names = this.resolve();
    return [...this.sets.entries()]
      .map(([key, labels]) => ({ name: names.get(key)!, labels }))
      .sort((a, b) => compareStrings(a.name, b.name));
  }

  private resolve(): Map<string, string> {
    if (this.names) return this.names;
    const base = new Map<string, string>();
    const count = new Map<string, number>();
    for (const [key, labels] of this.sets) {
      const name = baseName(labels);
      base.set(key, name);
      count.set(name, (count.get(name) ?? 0) + 1);
    }
    this.names = new Map();
    for (const [key, name] of base) {
      this.names.set(
        key,
        count.get(name)! > 1
          ? dnsLabel(name, shortHash(key).slice(0, 5))
          : name,
      );
    }
    return this.names;
  }
}

function baseName(labels: Record<string, string>): string {
  const cluster = labels[ISTIO_CLUSTER_LABEL];
  const rest = Object.keys(labels)
    .filter(k => k !== ISTIO_CLUSTER_LABEL)
    .sort(compareStrings)
    .map(k => labels[k]);
  return dnsLabel(...(cluster ? [cluster] : []), ...rest);
}
