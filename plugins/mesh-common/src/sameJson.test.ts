import { sameJson } from './sameJson';

const sym = Symbol('s');
const values: unknown[] = [
  undefined,
  null,
  0,
  1,
  '',
  'a',
  true,
  false,
  sym,
  [],
  [1, 2],
  [2, 1],
  [undefined],
  [null],
  [sym],
  {},
  { a: 1 },
  { a: 1, b: 2 },
  { b: 2, a: 1 },
  { a: 1, b: undefined },
  { a: undefined, b: 2 },
  { b: 2 },
  { a: { b: [1, { c: 'x' }] } },
  { a: { b: [1, { c: 'y' }] } },
  { a: { b: [1, { c: 'x', d: () => 1 }] } },
  { a: '1' },
  { a: [1] },
  { labels: { app: 'x', version: 'v1' }, ready: true },
  { labels: { app: 'x', version: 'v2' }, ready: true },
  { labels: { app: 'x', version: 'v1' }, ready: false },
];

describe('sameJson', () => {
  it('agrees with comparing JSON.stringify for every pair', () => {
    for (const a of values)
      for (const b of values)
        expect([a, b, sameJson(a, b)]).toEqual([
          a,
          b,
          JSON.stringify(a) === JSON.stringify(b),
        ]);
  });

  it('compares class instances by their own properties, as JSON does', () => {
    class Record {
      constructor(readonly kind: string) {}
    }
    expect(sameJson(new Record('Pod'), { kind: 'Pod' })).toBe(true);
    expect(sameJson(new Record('Pod'), new Record('Node'))).toBe(false);
  });
});
