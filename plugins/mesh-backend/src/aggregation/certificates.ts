import { X509Certificate } from 'node:crypto';

const PEM_BLOCK =
  /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/**
 * SHA-256 fingerprints of every certificate in a PEM bundle. A bundle holds several roots
 * while a CA rotates, so two clusters share trust when any fingerprint matches.
 * Unparseable blocks are skipped: a broken ConfigMap must not fail a whole cluster.
 */
export function pemFingerprints(pem: string | undefined): string[] {
  if (!pem) return [];
  const out: string[] = [];
  for (const block of pem.match(PEM_BLOCK) ?? []) {
    try {
      out.push(new X509Certificate(block).fingerprint256);
    } catch {
      // skipped on purpose, see above
    }
  }
  return out;
}
