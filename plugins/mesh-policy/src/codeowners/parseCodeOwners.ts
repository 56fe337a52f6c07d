/** One rule of a CODEOWNERS file. */
export interface CodeOwnersRule {
  /** GitLab's section the rule sits in (`[Name]`, `^[Name]`), as written; undefined before any. */
  section?: string;
  pattern: string;
  owners: string[];
  /** The line it was read from, 1-based. */
  line: number;
}

/**
 * The rules of a CODEOWNERS file, in order: blank lines and `#` comments are skipped (neither
 * GitHub nor GitLab reads a comment after a rule, so `#` there is kept as written). A pattern
 * may hold spaces escaped with `\`, as GitLab allows; owners are split on whitespace.
 */
export function parseCodeOwners(text: string): CodeOwnersRule[] {
  const rules: CodeOwnersRule[] = [];
  let section: string | undefined;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const header = /^\^?\[[^\]]+\](?:\[\d+\])?(?:\s.*)?$/.exec(line);
    if (header) {
      section = line.replace(/\s+/g, ' ');
      return;
    }
    const [pattern, ...owners] = splitUnescaped(line);
    rules.push({ section, pattern, owners, line: i + 1 });
  });
  return rules;
}

function splitUnescaped(line: string): string[] {
  const out: string[] = [];
  let token = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '\\' && i + 1 < line.length) {
      token += c + line[++i];
    } else if (/\s/.test(c)) {
      if (token) out.push(token);
      token = '';
    } else token += c;
  }
  if (token) out.push(token);
  return out;
}
