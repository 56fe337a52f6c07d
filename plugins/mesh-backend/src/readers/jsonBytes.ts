/**
 * What the byte-level JSON scanners share (`dropManagedFields`, the snapshot reader's
 * `listItemSpans`): following strings, so brackets and quotes inside them are not taken
 * for structure. UTF-8 never uses an ASCII byte inside a multi-byte character, so scanning
 * bytes for these ASCII marks finds what scanning characters would.
 */
export const QUOTE = 0x22;
export const BACKSLASH = 0x5c;
export const COMMA = 0x2c;
export const OPEN_BRACE = 0x7b;
export const CLOSE_BRACE = 0x7d;
export const OPEN_BRACKET = 0x5b;
export const CLOSE_BRACKET = 0x5d;

/**
 * The offset of the quote that closes the string opened at `open`, or -1 when the bytes
 * end first: the first quote not escaped by an odd run of backslashes.
 */
export function stringEnd(bytes: Buffer, open: number): number {
  let end = open;
  for (;;) {
    end = bytes.indexOf(QUOTE, end + 1);
    if (end < 0) return -1;
    let k = end - 1;
    while (bytes[k] === BACKSLASH) k--;
    if ((end - 1 - k) % 2 === 0) return end;
  }
}
