/**
 * Matches the equality subset of Kubernetes label and field selectors (`a=b`, `a==b`, `a!=b`,
 * `a`, `!a`), all that discovery sends. The fake server keeps its own copy rather than
 * importing mesh-backend's SnapshotReader helper: it plays the API server, and a test of the
 * reader should not have the server share the reader's code.
 * https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors
 */
export function selectorMatches(
  selector: string | undefined,
  read: (key: string) => string | undefined,
): boolean {
  if (!selector) return true;
  return selector
    .split(',')
    .map(term => term.trim())
    .filter(Boolean)
    .every(term => {
      const notEqual = term.match(/^([^!=]+)!=(.*)$/);
      if (notEqual) return read(notEqual[1].trim()) !== notEqual[2].trim();
      const equal = term.match(/^([^!=]+)==?(.*)$/);
      if (equal) return read(equal[1].trim()) === equal[2].trim();
      if (term.startsWith('!')) return read(term.slice(1)) === undefined;
      return read(term) !== undefined;
    });
}
