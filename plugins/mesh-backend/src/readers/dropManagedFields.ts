import {
  CLOSE_BRACE,
  CLOSE_BRACKET,
  COMMA,
  OPEN_BRACE,
  OPEN_BRACKET,
  QUOTE,
  stringEnd,
} from './jsonBytes';

const KEY = Buffer.from('"managedFields":[');

/**
 * The end (exclusive) of the JSON array that starts at `start` (a `[`), or -1 when the
 * bytes end first. Brackets and braces inside strings do not count.
 */
function arrayEnd(body: Buffer, start: number): number {
  let depth = 0;
  for (let i = start; i < body.length; i++) {
    const c = body[i];
    if (c === QUOTE) {
      i = stringEnd(body, i);
      if (i < 0) return -1;
    } else if (c === OPEN_BRACKET || c === OPEN_BRACE) {
      depth++;
    } else if (c === CLOSE_BRACKET || c === CLOSE_BRACE) {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}

/**
 * A Kubernetes list's JSON without the `managedFields` of its objects, for kinds whose
 * schema has that field only in `metadata` (the built-in kinds; a custom resource's spec
 * could name a field so). Server-side apply's field ownership is most of each object's
 * bytes (often more than half of a Pod), discovery never reads it, and released API
 * servers always send it (kubectl's `--show-managed-fields=false` strips it client-side;
 * kubernetes/kubernetes#90066; an `Accept: …; drop=metadata.managedFields` opt-out is only
 * proposed, kubernetes/enhancements KEP-5958): skipping it here means it is never decoded,
 * parsed nor collected.
 *
 * Only `"managedFields":[` as the API server writes it (compact JSON) is cut. In valid
 * JSON that sequence is always an object key: inside a string its quotes would be escaped.
 * The pair is cut with the comma that joins it to its neighbours, so the JSON stays valid;
 * a pair it cannot cut cleanly is left in place. The result is the same bytes when there is
 * nothing to cut.
 */
export function dropManagedFields(body: Buffer): Buffer {
  let found = body.indexOf(KEY);
  if (found < 0) return body;
  const kept: Buffer[] = [];
  let from = 0;
  while (found >= 0) {
    const end = arrayEnd(body, found + KEY.length - 1);
    if (end < 0) break;
    const before = body[found - 1];
    const after = body[end];
    if (before === COMMA) {
      // `,"managedFields":[…]` then `,` or `}`: the comma goes with it
      kept.push(body.subarray(from, found - 1));
      from = end;
    } else if (before === OPEN_BRACE && after === COMMA) {
      // the first key: `{"managedFields":[…],` keeps the brace
      kept.push(body.subarray(from, found));
      from = end + 1;
    } else if (before === OPEN_BRACE && after === CLOSE_BRACE) {
      kept.push(body.subarray(from, found));
      from = end;
    }
    found = body.indexOf(KEY, end);
  }
  if (kept.length === 0) return body;
  kept.push(body.subarray(from));
  return Buffer.concat(kept);
}
