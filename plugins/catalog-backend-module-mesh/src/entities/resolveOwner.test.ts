import { normalizeOwner, resolveOwner } from './resolveOwner';

describe('resolveOwner', () => {
  const platform = 'group:default/platform';

  it('takes the owner the mesh backend resolved', () => {
    expect(resolveOwner({ owner: 'group:default/team-cart' }, platform)).toBe(
      'group:default/team-cart',
    );
  });

  it('falls back to the default for an unowned service', () => {
    expect(resolveOwner({}, platform)).toBe(platform);
    expect(resolveOwner({ owner: 'a:b:c/d/e' }, platform)).toBe(platform);
  });

  it('names no disputed owner, even one left from an earlier entity', () => {
    expect(
      resolveOwner(
        {
          owner: 'group:default/mallory-team',
          ownershipConflict: 'group:default/a (…) vs group:default/b (…)',
        },
        platform,
      ),
    ).toBe(platform);
  });

  it('keeps explicit kinds and namespaces', () => {
    expect(normalizeOwner('user:ops/jane')).toBe('user:ops/jane');
    expect(normalizeOwner('group:team-a')).toBe('group:default/team-a');
  });
});
