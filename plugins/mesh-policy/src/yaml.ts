import { stringify } from 'yaml';
import { sortKeysDeep } from './canonical';

/**
 * The one way objects become YAML: canonical key order, no anchors (shared objects are
 * written out, not aliased), no line folding, so bytes depend only on the data.
 */
export function toYaml(value: unknown): string {
  return stringify(sortKeysDeep(value), {
    aliasDuplicateObjects: false,
    // Single quotes, as Prettier writes them, so formatting the repository leaves files as rendered.
    singleQuote: true,
    lineWidth: 0,
    minContentWidth: 0,
  });
}
