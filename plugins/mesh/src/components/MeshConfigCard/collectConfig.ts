import type {
  ConfigRef,
  ServiceInstance,
} from '@meshport/backstage-plugin-mesh-common';

export interface AppliedConfig {
  ref: ConfigRef;
  /** Clusters where this object touches the service. */
  clusters: string[];
}

/**
 * The mesh config touching a service, one entry per object across clusters. A GitOps repo
 * usually applies the same object everywhere; listing it once with its clusters shows that,
 * and shows drift when a cluster is missing from the list.
 */
export function collectConfig(instances: ServiceInstance[]): AppliedConfig[] {
  const byKey = new Map<string, AppliedConfig>();
  for (const instance of instances) {
    for (const ref of instance.config) {
      const key = [ref.apiVersion, ref.kind, ref.namespace, ref.name].join('|');
      const entry = byKey.get(key) ?? { ref, clusters: [] };
      entry.clusters.push(instance.cluster);
      byKey.set(key, entry);
    }
  }
  return [...byKey.values()]
    .map(e => ({ ...e, clusters: [...new Set(e.clusters)].sort() }))
    .sort(
      (a, b) =>
        Number(!a.ref.meshportPolicy) - Number(!b.ref.meshportPolicy) ||
        a.ref.kind.localeCompare(b.ref.kind) ||
        `${a.ref.namespace}/${a.ref.name}`.localeCompare(
          `${b.ref.namespace}/${b.ref.name}`,
        ),
    );
}
