import { normalizeOwner, resolveOwner } from './resolveOwner';

describe('resolveOwner', () => {
  const policy = {
    owners: { shop: 'group:default/team-shop' },
    defaultOwner: 'group:default/platform',
  };

  it('prefers the owner label of the service', () => {
    expect(
      resolveOwner({ namespace: 'shop', owner: 'team-cart' }, policy),
    ).toBe('group:default/team-cart');
  });

  it('falls back to the namespace mapping, then the default', () => {
    expect(resolveOwner({ namespace: 'shop' }, policy)).toBe(
      'group:default/team-shop',
    );
    expect(resolveOwner({ namespace: 'bookinfo' }, policy)).toBe(
      'group:default/platform',
    );
  });

  it('skips an owner label that is not an entity ref', () => {
    expect(resolveOwner({ namespace: 'x', owner: 'a:b:c/d/e' }, policy)).toBe(
      'group:default/platform',
    );
  });

  it('keeps explicit kinds and namespaces', () => {
    expect(normalizeOwner('user:ops/jane')).toBe('user:ops/jane');
    expect(normalizeOwner('group:team-a')).toBe('group:default/team-a');
  });
});
