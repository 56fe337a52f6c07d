import {
  ControlPlane,
  Fleet,
  mutuallyTrusted,
} from '@meshport/backstage-plugin-mesh-common';

/**
 * Which clusters share a root of trust. Two clusters share one when their control planes
 * accept each other's root (the same root, or separate meshes that added each other's root
 * to their bundles), or when discovery put them in a mesh it found to share one (a
 * fingerprint may be missing when the ConfigMap could not be read).
 */
export class RootsOfTrust {
  private readonly fingerprints = new Map<string, string[]>();
  private readonly planes = new Map<string, ControlPlane[]>();
  private readonly sharedMeshes: string[][];

  constructor(fleet: Pick<Fleet, 'clusters' | 'meshes'>) {
    for (const cluster of fleet.clusters) {
      const prints = cluster.controlPlanes
        .map(cp => cp.rootCertFingerprint)
        .filter((f): f is string => Boolean(f));
      this.fingerprints.set(cluster.name, [...new Set(prints)]);
      this.planes.set(cluster.name, cluster.controlPlanes);
    }
    this.sharedMeshes = fleet.meshes
      .filter(m => m.sharedRootOfTrust)
      .map(m => m.clusters);
  }

  fingerprintsOf(cluster: string): string[] {
    return this.fingerprints.get(cluster) ?? [];
  }

  share(a: string, b: string): boolean {
    if (a === b) return true;
    if (this.sharedMeshes.some(m => m.includes(a) && m.includes(b)))
      return true;
    const pa = this.planes.get(a) ?? [];
    return (this.planes.get(b) ?? []).some(pb =>
      pa.some(cp => mutuallyTrusted(cp, pb)),
    );
  }

  /**
   * Known to differ: both clusters have fingerprints, none in common, and no mesh says they
   * share a root. Missing data is never reported as a mismatch.
   */
  differ(a: string, b: string): boolean {
    return (
      this.fingerprintsOf(a).length > 0 &&
      this.fingerprintsOf(b).length > 0 &&
      !this.share(a, b)
    );
  }

  sharedWith(cluster: string): string[] {
    return [...this.fingerprints.keys()]
      .filter(other => other !== cluster && this.share(cluster, other))
      .sort();
  }
}
