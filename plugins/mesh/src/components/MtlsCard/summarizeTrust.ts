import type { ClusterMtlsStatus } from '@meshport/backstage-plugin-mesh-common';

export type TrustSummary =
  | { kind: 'single'; cluster: string }
  | { kind: 'shared'; clusters: string[] }
  | { kind: 'split'; groups: string[][] }
  | { kind: 'unknown'; clusters: string[] };

/**
 * Whether the clusters serving this service share a root of trust: the condition for mTLS
 * between them. Clusters are grouped by the `sharedWith` relation the backend computed.
 */
export function summarizeTrust(clusters: ClusterMtlsStatus[]): TrustSummary {
  const names = clusters.map(c => c.cluster).sort();
  if (names.length === 1) return { kind: 'single', cluster: names[0] };
  const unknown = clusters
    .filter(c => c.rootOfTrust.fingerprints.length === 0)
    .map(c => c.cluster)
    .sort();
  if (unknown.length > 0) return { kind: 'unknown', clusters: unknown };

  const group = new Map<string, Set<string>>();
  for (const c of clusters) {
    const members = new Set([c.cluster, ...c.rootOfTrust.sharedWith]);
    for (const m of [...members]) {
      for (const other of group.get(m) ?? []) members.add(other);
    }
    for (const m of members) group.set(m, members);
  }
  const groups = [...new Set(names.map(n => group.get(n)!))].map(g =>
    [...g].filter(n => names.includes(n)).sort(),
  );
  return groups.length === 1
    ? { kind: 'shared', clusters: groups[0] }
    : {
        kind: 'split',
        groups: groups.sort((a, b) => a[0].localeCompare(b[0])),
      };
}

export function describeTrust(summary: TrustSummary): string {
  switch (summary.kind) {
    case 'single':
      return `Runs only in ${summary.cluster}: no cross-cluster trust needed.`;
    case 'shared':
      return `${summary.clusters.join(
        ', ',
      )} share one root of trust: mTLS works across them.`;
    case 'split':
      return `No shared root of trust: ${summary.groups
        .map(g => g.join(' + '))
        .join(
          ' vs ',
        )}. Calls between these groups fail the mTLS handshake; plug in one root CA (cacerts) for every cluster.`;
    case 'unknown':
    default:
      return `Root of trust unknown for ${summary.clusters.join(
        ', ',
      )}: discovery found no istio-ca-root-cert there.`;
  }
}
