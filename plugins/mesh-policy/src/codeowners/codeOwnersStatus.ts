import { compareStrings } from '../diagnostics';
import { CodeOwnersRule, parseCodeOwners } from './parseCodeOwners';

export type CodeOwnersStatus = 'current' | 'out-of-date' | 'absent';

/** A rule as it takes effect: where, which pattern, and the owners as a set. */
const effective = (r: CodeOwnersRule) =>
  `${r.section ?? ''}\u0000${r.pattern}\u0000${[...new Set(r.owners)]
    .sort(compareStrings)
    .join(' ')}`;

/**
 * Whether the repository's CODEOWNERS says what Meshport would write: the same rules in the same
 * order (the last match wins, so order matters), whatever the comments, blank lines, spacing or
 * the order of owners within a rule. Absent when the repository has no CODEOWNERS.
 */
export function codeOwnersStatus(
  current: string | undefined,
  expected: string,
): CodeOwnersStatus {
  if (current === undefined) return 'absent';
  const have = parseCodeOwners(current).map(effective);
  const want = parseCodeOwners(expected).map(effective);
  return have.length === want.length && have.every((r, i) => r === want[i])
    ? 'current'
    : 'out-of-date';
}

/** What differs between two CODEOWNERS files, by what the check names. */
export interface CodeOwnersDifference {
  /** `<namespace>/<service>` whose rules are missing, differ, or are not expected, sorted. */
  services: string[];
  /** Patterns of rules about no service (the default `*`, `/CODEOWNERS`, others) that differ. */
  patterns: string[];
  /** Same rules, in another order: precedence may differ. */
  reordered: boolean;
}

const SERVICE_PATTERN = /^\/(?:policies|rendered\/\*)\/([^/\s]+)\/([^/\s]+)\/$/;

/** `<namespace>/<service>` of one of Meshport's service rules, else undefined. */
export function patternService(pattern: string): string | undefined {
  const m = SERVICE_PATTERN.exec(pattern);
  return m ? `${m[1]}/${m[2]}` : undefined;
}

/** Which services' rules (and which other patterns) differ between `current` and `expected`. */
export function codeOwnersDifference(
  current: string,
  expected: string,
): CodeOwnersDifference {
  const byPattern = (text: string) => {
    const out = new Map<string, string[]>();
    for (const r of parseCodeOwners(text)) {
      const key = `${r.section ?? ''}\u0000${r.pattern}`;
      out.set(key, [...(out.get(key) ?? []), effective(r)]);
    }
    return out;
  };
  const have = byPattern(current);
  const want = byPattern(expected);
  const services = new Set<string>();
  const patterns = new Set<string>();
  for (const key of new Set([...have.keys(), ...want.keys()])) {
    const a = have.get(key) ?? [];
    const b = want.get(key) ?? [];
    if (a.length === b.length && a.every((r, i) => r === b[i])) continue;
    const pattern = key.split('\u0000')[1];
    const service = patternService(pattern);
    if (service) services.add(service);
    else patterns.add(pattern);
  }
  return {
    services: [...services].sort(compareStrings),
    patterns: [...patterns].sort(compareStrings),
    reordered:
      services.size === 0 &&
      patterns.size === 0 &&
      codeOwnersStatus(current, expected) === 'out-of-date',
  };
}
