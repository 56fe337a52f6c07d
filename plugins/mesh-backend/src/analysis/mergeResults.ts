import {
  compareFindings,
  type AnalysisResult,
} from '@meshport/backstage-plugin-mesh-policy';

/**
 * Several analyses of one fleet as one: findings once per key (a key names the check and what
 * it is about, so two runs finding the same defect agree on it), worst first as the engine
 * sorts them; each note once, in the order first given.
 */
export function mergeResults(results: AnalysisResult[]): AnalysisResult {
  if (results.length === 1) return results[0];
  const byKey = new Map<string, AnalysisResult['findings'][number]>();
  const notes = new Set<string>();
  for (const result of results) {
    for (const finding of result.findings)
      if (!byKey.has(finding.key)) byKey.set(finding.key, finding);
    for (const note of result.notes) notes.add(note);
  }
  return {
    findings: [...byKey.values()].sort(compareFindings),
    notes: [...notes],
  };
}
