import {
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  POLICIES_ANNOTATION,
  POLICY_LABEL,
} from '../constants';
import { compareStrings } from '../diagnostics';

/** A rendered Kubernetes object: plain data, ready to serialise. */
export interface MeshResource {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace: string;
    labels: Record<string, string>;
    annotations: Record<string, string>;
  };
  spec: Record<string, unknown>;
}

interface Entry {
  cluster: string;
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
  spec: Record<string, unknown>;
  policies: Set<string>;
}

/**
 * Collects the objects of one compilation. Several policies may contribute to one object (one
 * VirtualService per host, one federation Gateway per cluster), so translators ask for an
 * object by identity and add to it; labels naming every contributor are stamped at the end.
 */
export class ResourceSet {
  private readonly entries = new Map<string, Entry>();

  upsert(
    cluster: string,
    id: { apiVersion: string; kind: string; namespace: string; name: string },
    policy: string,
    create: () => Record<string, unknown>,
  ): Record<string, unknown> {
    const key = [cluster, id.kind, id.namespace, id.name].join('\u0000');
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { cluster, ...id, spec: create(), policies: new Set() };
      this.entries.set(key, entry);
    }
    entry.policies.add(policy);
    return entry.spec;
  }

  /** Per cluster, objects sorted by kind, namespace and name. */
  finish(): Record<string, MeshResource[]> {
    const byCluster: Record<string, MeshResource[]> = {};
    const sorted = [...this.entries.values()].sort((a, b) =>
      compareStrings(
        [a.cluster, a.kind, a.namespace, a.name].join('\u0000'),
        [b.cluster, b.kind, b.namespace, b.name].join('\u0000'),
      ),
    );
    for (const e of sorted) {
      const policies = [...e.policies].sort(compareStrings);
      (byCluster[e.cluster] ??= []).push({
        apiVersion: e.apiVersion,
        kind: e.kind,
        metadata: {
          name: e.name,
          namespace: e.namespace,
          labels: {
            [MANAGED_BY_LABEL]: MANAGED_BY_VALUE,
            [POLICY_LABEL]: policies[0],
          },
          annotations: { [POLICIES_ANNOTATION]: policies.join(',') },
        },
        spec: e.spec,
      });
    }
    return byCluster;
  }
}
