import { TtlCache } from './TtlCache';

describe('TtlCache', () => {
  it('forgets entries after their TTL', () => {
    let now = 0;
    const cache = new TtlCache<string>({
      ttlMs: 1000,
      maxEntries: 10,
      now: () => now,
    });
    cache.set('q', 'answer');
    now = 999;
    expect(cache.get('q')).toBe('answer');
    now = 1000;
    expect(cache.get('q')).toBeUndefined();
  });

  it('evicts the least recently used beyond its size', () => {
    const cache = new TtlCache<number>({ ttlMs: 1000, maxEntries: 2 });
    cache.set('a', 1);
    cache.set('b', 2);
    cache.get('a');
    cache.set('c', 3);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(1);
    expect(cache.get('c')).toBe(3);
    expect(cache.size).toBe(2);
  });

  it('keeps nothing with a TTL of 0', () => {
    const cache = new TtlCache<number>({ ttlMs: 0, maxEntries: 2 });
    cache.set('a', 1);
    expect(cache.get('a')).toBeUndefined();
  });
});
