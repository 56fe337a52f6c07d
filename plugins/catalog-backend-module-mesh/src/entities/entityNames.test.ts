import { makeValidator } from '@backstage/catalog-model';
import { assignNames, MAX_NAME_LENGTH, sanitizeName } from './entityNames';

const validator = makeValidator();

describe('sanitizeName', () => {
  it.each([
    ['reviews.bookinfo', 'reviews.bookinfo'],
    ['my--svc', 'my-svc'],
    ['East Cluster (prod)', 'East-Cluster-prod'],
    ['-leading.and.trailing-', 'leading.and.trailing'],
    ['gke_proj_europe-west1_c1', 'gke_proj_europe-west1_c1'],
  ])('%s → %s', (raw, expected) => {
    expect(sanitizeName(raw)).toBe(expected);
    expect(validator.isValidEntityName(expected)).toBe(true);
  });

  it('gives up on names without letters or digits', () => {
    expect(sanitizeName('--//--')).toBeUndefined();
  });
});

describe('assignNames', () => {
  it('keeps names that are valid and unique', () => {
    const names = assignNames([
      { key: 'a', preferred: 'reviews.bookinfo' },
      { key: 'b', preferred: 'reviews.shop' },
    ]);
    expect([...names.values()]).toEqual(['reviews.bookinfo', 'reviews.shop']);
  });

  it('shortens long names with a stable hash, within the limit', () => {
    const long = `${'a'.repeat(60)}.${'b'.repeat(60)}`;
    const first = assignNames([{ key: 'x', preferred: long }]).get('x')!;
    const second = assignNames([
      { key: 'other', preferred: 'other' },
      { key: 'x', preferred: long },
    ]).get('x')!;
    expect(first).toBe(second);
    expect(first.length).toBeLessThanOrEqual(MAX_NAME_LENGTH);
    expect(first).toMatch(/^a+-[0-9a-f]{8}$/);
    expect(validator.isValidEntityName(first)).toBe(true);
  });

  it('lets an exact name win over a rewritten one that maps onto it', () => {
    const names = assignNames([
      { key: 'mangled', preferred: 'my--svc' },
      { key: 'exact', preferred: 'my-svc' },
    ]);
    expect(names.get('exact')).toBe('my-svc');
    expect(names.get('mangled')).toMatch(/^my-svc-[0-9a-f]{8}$/);
  });

  it('hashes both when two rewritten names collide, whatever the order', () => {
    const a = { key: 'a', preferred: 'my--svc' };
    const b = { key: 'b', preferred: 'my__svc' };
    const forward = assignNames([a, b]);
    const backward = assignNames([b, a]);
    expect(forward.get('a')).toBe(backward.get('a'));
    expect(forward.get('b')).toBe(backward.get('b'));
    expect(forward.get('a')).not.toBe(forward.get('b'));
  });

  it('gives the first of two identical exact names the plain name', () => {
    const names = assignNames([
      { key: 'cluster:mesh1', preferred: 'mesh1' },
      { key: 'mesh:mesh1', preferred: 'mesh1' },
    ]);
    expect(names.get('cluster:mesh1')).toBe('mesh1');
    expect(names.get('mesh:mesh1')).toMatch(/^mesh1-[0-9a-f]{8}$/);
  });
});
