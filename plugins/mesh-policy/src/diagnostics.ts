/** A problem found in a policy: where (a dotted path inside the policy) and what to do about it. */
export interface Diagnostic {
  /** `<kind>.<namespace>.<name>` of the policy, when the problem belongs to one. */
  policy?: string;
  /** Dotted path inside the policy, e.g. `spec.route.1.cluster`; empty for the whole document. */
  path: string;
  message: string;
}

/** Renders `[policy: ]path: message`, the form the CLI and the PR checks print. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = [d.policy, d.path].filter(Boolean).join(':');
  return where ? `${where}: ${d.message}` : d.message;
}

/** What diagnostics are sorted by: policy, then path, then message. */
export function diagnosticSortKey(d: Diagnostic): string {
  return `${d.policy ?? ''}\u0000${d.path}\u0000${d.message}`;
}

export function sortDiagnostics<T extends Diagnostic>(list: T[]): T[] {
  return [...list].sort((a, b) =>
    compareStrings(diagnosticSortKey(a), diagnosticSortKey(b)),
  );
}

/** Code-point order: unlike localeCompare it is the same on every machine and locale. */
export function compareStrings(a: string, b: string): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}
