import {
  FINDING_SEVERITIES,
  type Finding,
  type FindingSeverity,
} from '@meshport/backstage-plugin-mesh-common';

const rank = (severity: FindingSeverity) => {
  const i = FINDING_SEVERITIES.indexOf(severity);
  // An unknown severity from a newer backend sorts last rather than first.
  return i < 0 ? FINDING_SEVERITIES.length : i;
};

/** Worst first, then by code and key, so the order never changes between loads. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      rank(a.severity) - rank(b.severity) ||
      a.code.localeCompare(b.code) ||
      a.key.localeCompare(b.key),
  );
}

/** `1 error · 2 warnings`, leaving out the severities that have none; `No findings` for none. */
export function describeCounts(
  counts: Partial<Record<FindingSeverity, number>>,
): string {
  const parts = FINDING_SEVERITIES.filter(s => (counts[s] ?? 0) > 0).map(
    s => `${counts[s]} ${counts[s] === 1 || s === 'info' ? s : `${s}s`}`,
  );
  return parts.length ? parts.join(' · ') : 'No findings';
}

/** Per key (a cluster or a service), how many findings of each severity. */
export function countBy(
  findings: readonly Finding[],
  keys: (f: Finding) => readonly string[],
): Map<string, Record<FindingSeverity, number>> {
  const out = new Map<string, Record<FindingSeverity, number>>();
  for (const f of findings) {
    for (const key of new Set(keys(f))) {
      const counts = out.get(key) ?? { error: 0, warning: 0, info: 0 };
      if (f.severity in counts) counts[f.severity] += 1;
      out.set(key, counts);
    }
  }
  return out;
}
