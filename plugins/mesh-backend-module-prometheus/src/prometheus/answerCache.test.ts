import { createAnswerCache } from './answerCache';

describe('createAnswerCache', () => {
  it('keeps no cache for a ttl of 0, which lru-cache would read as "forever"', () => {
    expect(createAnswerCache(0)).toBeUndefined();
    expect(createAnswerCache(-1)).toBeUndefined();
  });

  it('forgets an answer after its ttl', async () => {
    // lru-cache keeps time with performance.now(), so the test waits rather than fakes time
    const cache = createAnswerCache(50)!;
    const answer = Promise.resolve({ resultType: 'vector', result: [] });
    cache.set('q', answer);
    expect(cache.get('q')).toBe(answer);
    await new Promise(resolve => setTimeout(resolve, 80));
    expect(cache.get('q')).toBeUndefined();
  });

  it('keeps at most 500 answers, dropping the least recently used', () => {
    const cache = createAnswerCache(60_000)!;
    for (let i = 0; i < 501; i++) cache.set(`q${i}`, Promise.resolve(i));
    expect(cache.size).toBe(500);
    expect(cache.get('q0')).toBeUndefined();
    expect(cache.get('q500')).toBeDefined();
  });
});
