import fc from 'fast-check';
import { TrigramIndex } from './TrigramIndex';

const naive = (texts: string[], needle: string) =>
  texts.flatMap((text, i) => (text.includes(needle) ? [i] : []));

describe('TrigramIndex', () => {
  it('finds exactly the texts a scan finds, in order', () => {
    // a small alphabet makes trigrams collide often, which is where a wrong intersection shows
    const text = fc.string({
      unit: fc.constantFrom('a', 'b', 'c', '-', '/', '\u0000', 'é'),
      maxLength: 24,
    });
    fc.assert(
      fc.property(
        fc.array(text, { maxLength: 60 }),
        fc.string({
          unit: fc.constantFrom('a', 'b', 'c', '-'),
          minLength: 3,
          maxLength: 6,
        }),
        (texts, needle) => {
          expect(new TrigramIndex(texts).search(needle)).toEqual(
            naive(texts, needle),
          );
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('finds a needle taken from a text among thousands', () => {
    const texts = Array.from(
      { length: 5000 },
      (_, i) => `team-${i % 20}/svc-${String(i).padStart(5, '0')}`,
    );
    const index = new TrigramIndex(texts);
    expect(index.search('svc-01234')).toEqual([1234]);
    expect(index.search('svc-0123')).toEqual(naive(texts, 'svc-0123'));
    expect(index.search('svc-0123')).toHaveLength(10);
    expect(index.search('team-7/')).toHaveLength(250);
    expect(index.search('svc-99999')).toEqual([]);
    expect(index.search('zzz')).toEqual([]);
  });

  it('leaves needles shorter than a trigram to the caller', () => {
    const index = new TrigramIndex(['abc']);
    expect(index.search('ab')).toBeUndefined();
    expect(index.search('')).toBeUndefined();
  });
});
