import { compareStrings } from '../diagnostics';
import { patternService } from './codeOwnersStatus';
import { parseCodeOwners } from './parseCodeOwners';
import {
  CodeOwnersProvider,
  renderCodeOwners,
  serviceKey,
  serviceLines,
  servicePatterns,
  ServiceCodeOwners,
} from './renderCodeOwners';

/**
 * CODEOWNERS with one service's rules set to `entry`, everything else kept as written: what a
 * request for that service puts in its pull request, so its destination's owners are required
 * from the next change on, without rewriting rules the request is not about. A rule for the
 * service already there is replaced where it stands (a second copy of it, which would win as the
 * last match, is dropped); a new service goes among the services, in order. Without a
 * CODEOWNERS, the whole file is written, for this one service.
 */
export function updateCodeOwnersFor(
  current: string | undefined,
  entry: ServiceCodeOwners,
  options: { provider: CodeOwnersProvider; defaultOwners: readonly string[] },
): string {
  if (current === undefined)
    return renderCodeOwners({ ...options, services: [entry] });
  const wanted = serviceLines(options.provider, entry, options.defaultOwners);
  const patterns = servicePatterns(entry.namespace, entry.service);
  const key = serviceKey(entry);
  const lines = current.split('\n');
  const rules = parseCodeOwners(current);

  const out: (string | undefined)[] = [...lines];
  const placed = new Set<number>();
  let lastPlaced = -1;
  for (const r of rules) {
    const which = patterns.indexOf(r.pattern);
    if (which < 0) continue;
    const index = r.line - 1;
    out[index] = placed.has(which) ? undefined : wanted[which];
    if (!placed.has(which)) lastPlaced = Math.max(lastPlaced, index);
    placed.add(which);
  }
  const missing = wanted.filter((_, i) => !placed.has(i));
  if (missing.length > 0) {
    if (lastPlaced >= 0) {
      out.splice(lastPlaced + 1, 0, ...missing);
    } else {
      // After the last rule that sorts before this service: another service's, or the
      // default rules at the top.
      let after = -1;
      for (const r of rules) {
        const other = patternService(r.pattern);
        if (
          r.pattern === '*' ||
          r.pattern === '/CODEOWNERS' ||
          (other !== undefined && compareStrings(other, key) < 0)
        )
          after = r.line - 1;
      }
      const insert = ['', ...missing];
      if (after < 0) {
        // No anchor: at the end, before the final newline.
        const end =
          out.length > 0 && out[out.length - 1] === ''
            ? out.length - 1
            : out.length;
        out.splice(end, 0, ...insert);
      } else out.splice(after + 1, 0, ...insert);
    }
  }
  const text = out.filter((l): l is string => l !== undefined).join('\n');
  return text.endsWith('\n') ? text : `${text}\n`;
}
