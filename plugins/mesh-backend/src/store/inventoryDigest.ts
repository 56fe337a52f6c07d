import { createHash } from 'node:crypto';

/**
 * The content digest of an inventory from its JSON: equal digests mean equal content, so
 * the fleet memo can reuse what it derived from an earlier inventory with the same one.
 */
export function inventoryDigest(serialized: string): string {
  return createHash('sha256').update(serialized).digest('hex');
}
