import type { MeshService } from '@meshport/backstage-plugin-mesh-common';
import type { PickerOption } from '../OptionPicker';

/** A route target as the policy API spells it: a subset, optionally pinned to a cluster. */
export interface SubsetTarget {
  cluster?: string;
  subset: Record<string, string>;
}

export type SubsetOption = PickerOption<SubsetTarget>;

export function targetKey(target: SubsetTarget): string {
  const labels = Object.entries(target.subset)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  return `${labels}@${target.cluster ?? '*'}`;
}

/**
 * The subsets a route can target: each label value in each cluster that has it, and, for a
 * value several clusters share, the value in any cluster. `label` limits to one label key.
 */
export function subsetOptions(
  service: MeshService,
  label?: string,
): SubsetOption[] {
  const clustersByValue = new Map<
    string,
    { key: string; value: string; clusters: string[] }
  >();
  for (const instance of service.instances) {
    for (const [key, values] of Object.entries(instance.subsets)) {
      if (label && key !== label) continue;
      for (const value of values) {
        const id = `${key}=${value}`;
        const entry = clustersByValue.get(id) ?? { key, value, clusters: [] };
        entry.clusters.push(instance.cluster);
        clustersByValue.set(id, entry);
      }
    }
  }
  const options: SubsetOption[] = [];
  for (const [id, entry] of [...clustersByValue.entries()].sort(([a], [b]) =>
    a.localeCompare(b),
  )) {
    const clusters = [...new Set(entry.clusters)].sort();
    if (clusters.length > 1) {
      const value = { subset: { [entry.key]: entry.value } };
      options.push({
        key: targetKey(value),
        label: `${id} in any cluster (${clusters.join(', ')})`,
        value,
      });
    }
    for (const cluster of clusters) {
      const value = { cluster, subset: { [entry.key]: entry.value } };
      options.push({
        key: targetKey(value),
        label: `${id} in ${cluster}`,
        value,
      });
    }
  }
  return options;
}
