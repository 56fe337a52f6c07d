/**
 * Matches the equality subset of Kubernetes selectors (`a=b`, `a==b`, `a!=b`, `a`, `!a`),
 * which is all discovery asks for; the snapshot reader needs it to answer like a server.
 */
export function selectorMatchesObject(
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
