import type {
  ClusterLink,
  Mesh,
  MeshKind,
} from '@meshport/backstage-plugin-mesh-common';
import type { DiscoveredControlPlane } from './controlPlanes';
import { uniqueSorted } from './labels';

/** Tiny union-find over cluster names: clusters joined by any evidence form one mesh. */
class Groups {
  private readonly parent = new Map<string, string>();

  add(name: string) {
    if (!this.parent.has(name)) this.parent.set(name, name);
  }

  find(name: string): string {
    const p = this.parent.get(name) ?? name;
    if (p === name) return name;
    const root = this.find(p);
    this.parent.set(name, root);
    return root;
  }

  join(a: string, b: string) {
    const [ra, rb] = [this.find(a), this.find(b)].sort();
    if (ra !== rb) this.parent.set(rb, ra);
  }

  members(): string[][] {
    const out = new Map<string, string[]>();
    for (const name of this.parent.keys()) {
      const root = this.find(name);
      out.set(root, [...(out.get(root) ?? []), name]);
    }
    return [...out.values()].map(m => m.sort());
  }
}

/**
 * Groups control planes into meshes. Istio clusters are one mesh when they share a mesh id
 * or read each other's endpoints; Linkerd clusters when they are linked. Anything else is a
 * mesh of its own, named after its first cluster so the id is stable across syncs.
 */
export function buildMeshes(
  controlPlanes: Map<string, DiscoveredControlPlane[]>,
  links: ClusterLink[],
): Mesh[] {
  const meshes: Mesh[] = [];
  for (const kind of ['istio', 'linkerd'] as MeshKind[]) {
    const groups = new Groups();
    const planesOf = (cluster: string) =>
      (controlPlanes.get(cluster) ?? []).filter(cp => cp.kind === kind);
    const clusters = [...controlPlanes.keys()]
      .filter(c => planesOf(c).length > 0)
      .sort();
    clusters.forEach(c => groups.add(c));
    const byMeshId = new Map<string, string>();
    for (const cluster of clusters) {
      for (const cp of planesOf(cluster)) {
        if (!cp.meshId) continue;
        const first = byMeshId.get(cp.meshId);
        if (first) groups.join(first, cluster);
        else byMeshId.set(cp.meshId, cluster);
      }
    }
    const joining =
      kind === 'istio' ? 'shared-endpoint-discovery' : 'linkerd-multicluster';
    for (const link of links) {
      if (
        link.via === joining &&
        clusters.includes(link.from) &&
        clusters.includes(link.to)
      ) {
        groups.join(link.from, link.to);
      }
    }
    for (const members of groups.members()) {
      const planes = members.flatMap(planesOf);
      const fingerprints = planes.map(cp => cp.rootCertFingerprint);
      const meshId = planes.find(cp => cp.meshId)?.meshId;
      meshes.push({
        id: `${kind}-${meshId ?? members[0]}`,
        kind,
        clusters: members,
        trustDomains: uniqueSorted(planes.map(cp => cp.trustDomain)),
        rootCertFingerprints: uniqueSorted(
          fingerprints.filter((f): f is string => !!f),
        ),
        sharedRootOfTrust:
          fingerprints.every(f => !!f) && new Set(fingerprints).size === 1,
      });
    }
  }
  return meshes.sort((a, b) => a.id.localeCompare(b.id));
}
