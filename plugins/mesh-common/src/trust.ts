import type { ControlPlane } from './fleet';

type TrustFields = Pick<
  ControlPlane,
  'rootCertFingerprint' | 'trustedRootFingerprints'
>;

/** The roots a control plane's workloads accept; its own root when no bundle was recorded. */
export function trustedRoots(plane: TrustFields): string[] {
  if (plane.trustedRootFingerprints?.length)
    return plane.trustedRootFingerprints;
  return plane.rootCertFingerprint ? [plane.rootCertFingerprint] : [];
}

/**
 * Whether mTLS between the workloads of two control planes verifies: each side's
 * certificates chain to its own root, which must be in the other side's trust bundle.
 * Meshes with separate CAs federate this way by adding each other's root to
 * `istio-ca-root-cert`. `undefined` when a root is unknown (a ConfigMap could not be read):
 * missing data is neither trust nor a mismatch.
 */
export function mutuallyTrusted(
  a: TrustFields,
  b: TrustFields,
): boolean | undefined {
  if (!a.rootCertFingerprint || !b.rootCertFingerprint) return undefined;
  return (
    trustedRoots(a).includes(b.rootCertFingerprint) &&
    trustedRoots(b).includes(a.rootCertFingerprint)
  );
}
