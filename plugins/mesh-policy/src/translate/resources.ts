import {
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  POLICIES_ANNOTATION,
  POLICY_LABEL,
  SPEC_HASH_ANNOTATION,
} from '../constants';
import { compareStrings } from '../diagnostics';
import { renderedSpecHash } from '../specHash';

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

/** One object being collected, before its labels are stamped. */
export interface ResourceEntry {
  /** Identity of the object: cluster, kind, namespace and name. */
  key: string;
  cluster: string;
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
  spec: Record<string, unknown>;
  policies: Set<string>;
  /** Notes for whoever applies the object, beside the policies annotation. */
  notes?: Record<string, string>;
}

export function resourceKey(
  cluster: string,
  kind: string,
  namespace: string,
  name: string,
): string {
  return [cluster, kind, namespace, name].join('\u0000');
}

/**
 * The object as rendered: contributors named in the label and annotation, and the hash of its
 * spec, by which analysis tells a hand-edited live object from the one rendered.
 */
export function meshResource(e: ResourceEntry): MeshResource {
  const policies = [...e.policies].sort(compareStrings);
  return {
    apiVersion: e.apiVersion,
    kind: e.kind,
    metadata: {
      name: e.name,
      namespace: e.namespace,
      labels: {
        [MANAGED_BY_LABEL]: MANAGED_BY_VALUE,
        [POLICY_LABEL]: policies[0],
      },
      annotations: {
        [POLICIES_ANNOTATION]: policies.join(','),
        [SPEC_HASH_ANNOTATION]: renderedSpecHash(e.spec, e),
        ...Object.fromEntries(
          Object.entries(e.notes ?? {}).sort(([a], [b]) =>
            compareStrings(a, b),
          ),
        ),
      },
    },
    spec: e.spec,
  };
}

/**
 * Collects the objects of one compilation. Several policies may contribute to one object (one
 * VirtualService per host, one federation Gateway per cluster), so translators ask for an
 * object by identity and add to it; labels naming every contributor are stamped at the end.
 */
export class ResourceSet {
  private readonly entries = new Map<string, ResourceEntry>();

  upsert(
    cluster: string,
    id: { apiVersion: string; kind: string; namespace: string; name: string },
    policy: string,
    create: () => Record<string, unknown>,
  ): Record<string, unknown> {
    const key = resourceKey(cluster, id.kind, id.namespace, id.name);
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { key, cluster, ...id, spec: create(), policies: new Set() };
      this.entries.set(key, entry);
    }
    entry.policies.add(policy);
    return entry.spec;
  }

  /** Adds an annotation to an object already upserted, e.g. a caveat its reader must know. */
  note(
    cluster: string,
    id: { kind: string; namespace: string; name: string },
    key: string,
    value: string,
  ) {
    const entry = this.entries.get(
      resourceKey(cluster, id.kind, id.namespace, id.name),
    );
    if (entry) entry.notes = { ...entry.notes, [key]: value };
  }

  /** The objects collected so far, by key, in no particular order. */
  byKey(): ReadonlyMap<string, ResourceEntry> {
    return this.entries;
  }

  /** Per cluster, objects sorted by kind, namespace and name. */
  finish(): Record<string, MeshResource[]> {
    const byCluster: Record<string, MeshResource[]> = {};
    const sorted = [...this.entries.values()].sort((a, b) =>
      compareStrings(a.key, b.key),
    );
    for (const e of sorted) (byCluster[e.cluster] ??= []).push(meshResource(e));
    return byCluster;
  }
}
