/**
 * Substring search over a fixed list of texts, by trigram.
 *
 * Each text is indexed under every three-character sequence it holds. A needle of three or
 * more characters can only be inside texts that hold all of its trigrams, so the candidates
 * are the intersection of those trigrams' posting lists, and each candidate is then checked
 * with `includes` (holding the trigrams does not mean holding them in order). Needles shorter
 * than a trigram return `undefined`: the caller scans.
 *
 * At 50,000 services a name search checks tens of candidates instead of 50,000 texts.
 */
export class TrigramIndex {
  /** Trigram key → ascending positions of the texts holding it. */
  private readonly postings: Map<number, Int32Array>;

  constructor(
    private readonly texts: readonly string[],
    postings?: Map<number, Int32Array>,
  ) {
    this.postings = postings ?? new Map();
    if (postings) return;
    const building = new Map<number, number[]>();
    texts.forEach((text, position) => {
      for (let i = 0; i + 3 <= text.length; i++) {
        const key = trigramAt(text, i);
        const list = building.get(key);
        if (!list) building.set(key, [position]);
        // positions arrive in order, so a repeat within one text is always the last entry
        else if (list[list.length - 1] !== position) list.push(position);
      }
    });
    for (const [key, list] of building) {
      this.postings.set(key, Int32Array.from(list));
    }
  }

  /**
   * The index of `texts`, which differ from this index's texts only at the `changed`
   * positions: the posting lists of the trigrams those texts lost or gained are patched,
   * the others shared, so a change to a few texts costs those texts. Same answers as an
   * index built from `texts`.
   */
  patched(texts: readonly string[], changed: readonly number[]): TrigramIndex {
    const postings = new Map(this.postings);
    const edits = new Map<number, { add: number[]; remove: Set<number> }>();
    const edit = (key: number) => {
      let e = edits.get(key);
      if (!e) edits.set(key, (e = { add: [], remove: new Set() }));
      return e;
    };
    for (const position of changed) {
      const before = trigramsOf(this.texts[position] ?? '');
      const after = trigramsOf(texts[position]);
      for (const key of before)
        if (!after.has(key)) edit(key).remove.add(position);
      for (const key of after)
        if (!before.has(key)) edit(key).add.push(position);
    }
    for (const [key, { add, remove }] of edits) {
      const kept = [...(postings.get(key) ?? [])].filter(p => !remove.has(p));
      const list = Int32Array.from([...kept, ...add].sort((a, b) => a - b));
      if (list.length > 0) postings.set(key, list);
      else postings.delete(key);
    }
    return new TrigramIndex(texts, postings);
  }

  /**
   * Positions of the texts containing `needle`, ascending; `undefined` when the needle is too
   * short for the index to narrow anything.
   */
  search(needle: string): number[] | undefined {
    if (needle.length < 3) return undefined;
    const lists: Int32Array[] = [];
    const seen = new Set<number>();
    for (let i = 0; i + 3 <= needle.length; i++) {
      const key = trigramAt(needle, i);
      if (seen.has(key)) continue;
      seen.add(key);
      const list = this.postings.get(key);
      if (!list) return [];
      lists.push(list);
    }
    // rarest first: every later intersection can only shrink what the first one yields
    lists.sort((a, b) => a.length - b.length);
    let candidates: ArrayLike<number> = lists[0];
    for (let l = 1; l < lists.length && candidates.length > 0; l++) {
      // once few candidates remain, checking each text is cheaper than merging long lists
      if (candidates.length <= 16) break;
      candidates = intersect(candidates, lists[l]);
    }
    const found: number[] = [];
    for (let c = 0; c < candidates.length; c++) {
      if (this.texts[candidates[c]].includes(needle)) found.push(candidates[c]);
    }
    return found;
  }
}

function trigramsOf(text: string): Set<number> {
  const keys = new Set<number>();
  for (let i = 0; i + 3 <= text.length; i++) keys.add(trigramAt(text, i));
  return keys;
}

/** The three UTF-16 code units at `i` as one exact number (48 bits fit a double). */
function trigramAt(text: string, i: number): number {
  return (
    text.charCodeAt(i) * 0x1_0000_0000 +
    text.charCodeAt(i + 1) * 0x1_0000 +
    text.charCodeAt(i + 2)
  );
}

/** Sorted `small` ∩ sorted `large`, by galloping through `large` (small is the shorter). */
function intersect(small: ArrayLike<number>, large: Int32Array): number[] {
  const out: number[] = [];
  let low = 0;
  for (let s = 0; s < small.length && low < large.length; s++) {
    const value = small[s];
    // gallop to a window that holds `value`, then binary search inside it
    let step = 1;
    let high = low;
    while (high < large.length && large[high] < value) {
      low = high + 1;
      high += step;
      step *= 2;
    }
    high = Math.min(high, large.length - 1);
    while (low <= high) {
      const mid = (low + high) >>> 1;
      if (large[mid] < value) low = mid + 1;
      else high = mid - 1;
    }
    if (low < large.length && large[low] === value) out.push(value);
  }
  return out;
}
