import { StringPool } from './StringPool';

// equal strings parsed apart are distinct heap objects; identity of the results is not
// observable from JS, so these check the values and the bound
const parsed = (value: string): string => JSON.parse(JSON.stringify(value));

describe('StringPool', () => {
  it('gives back an equal string, the first one it saw', () => {
    const pool = new StringPool();
    expect(pool.intern(parsed('istio-proxy'))).toBe('istio-proxy');
    expect(pool.intern(parsed('istio-proxy'))).toBe('istio-proxy');
    expect(pool.intern('')).toBe('');
  });

  it('pools label values in place and keeps keys, order and odd keys', () => {
    const pool = new StringPool();
    const labels: Record<string, string> = JSON.parse(
      '{"app":"cart","version":"v1","constructor":"x","":"empty"}',
    );
    const same = pool.internValues(labels);
    expect(same).toBe(labels);
    expect(Object.entries(labels)).toEqual([
      ['app', 'cart'],
      ['version', 'v1'],
      ['constructor', 'x'],
      ['', 'empty'],
    ]);
    expect(pool.internValues({})).toEqual({});
  });

  it('starts over past its limit and still answers every value', () => {
    const pool = new StringPool(3);
    const values = ['a', 'b', 'c', 'd', 'e', 'a', 'b'];
    expect(values.map(v => pool.intern(parsed(v)))).toEqual(values);
  });
});
