import type { MeshService } from '@meshport/backstage-plugin-mesh-common';
import { ServiceJson } from './ServiceJson';

const service = (name: string, extra: Partial<MeshService> = {}) =>
  ({
    id: `shop/${name}`,
    namespace: 'shop',
    name,
    instances: [{ cluster: 'c1', workloads: [{ name: `${name}-v1` }] }],
    ...extra,
  } as unknown as MeshService);

const text = (answer: { body: Buffer }) => answer.body.toString('utf8');

describe('ServiceJson', () => {
  it('gives the bytes JSON.stringify gives, for a page and for one service', () => {
    const services = [
      service('cart'),
      service('checkout', { owner: 'team "pay" \u2028 ü' }),
      service('empty', { instances: [] }),
    ];
    const json = new ServiceJson();
    for (const page of [
      { items: services, totalCount: 3, offset: 0, limit: 50 },
      { items: [services[1]], totalCount: 3, offset: 1, limit: 1 },
      { items: [], totalCount: 0, offset: 100, limit: 50 },
    ]) {
      expect(text(json.page(page))).toBe(JSON.stringify(page));
      expect(JSON.parse(text(json.page(page)))).toEqual(page);
    }
    expect(text(json.of(services[1]))).toBe(JSON.stringify(services[1]));
  });

  it('tags equal answers alike and different answers differently', () => {
    const [cart, checkout] = [service('cart'), service('checkout')];
    const json = new ServiceJson();
    const page = {
      items: [cart, checkout],
      totalCount: 2,
      offset: 0,
      limit: 2,
    };
    const tag = json.page(page).etag;
    expect(tag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    // another router, equal services as new objects: the same tag
    expect(
      new ServiceJson().page({
        ...page,
        items: [service('cart'), service('checkout')],
      }).etag,
    ).toBe(tag);
    for (const other of [
      { ...page, items: [checkout, cart] },
      { ...page, totalCount: 3 },
      { ...page, limit: 3 },
      { ...page, items: [cart, service('checkout', { owner: 'x' })] },
    ])
      expect(json.page(other).etag).not.toBe(tag);
    expect(json.of(cart).etag).not.toBe(json.of(checkout).etag);
    expect(json.of(cart).etag).toBe(new ServiceJson().of(service('cart')).etag);
  });

  it('serialises a service once, across fleets that reuse it, and a new object afresh', () => {
    const cart = service('cart');
    const json = new ServiceJson();
    const before = text(json.of(cart));
    // a published service is never edited; this edit shows the bytes are reused, not redone
    (cart as { owner?: string }).owner = 'someone';
    expect(text(json.of(cart))).toBe(before);
    expect(
      text(json.page({ items: [cart], totalCount: 1, offset: 0, limit: 1 })),
    ).toBe(`{"items":[${before}],"totalCount":1,"offset":0,"limit":1}`);
    // a changed service is a new object in the next fleet: serialised as it is now
    const changed = { ...cart, owner: 'team-b' } as MeshService;
    expect(text(json.of(changed))).toBe(JSON.stringify(changed));
    expect(text(json.of(changed))).not.toBe(before);
  });

  it('keeps the JSON of the last services serialised within its budget, the oldest dropped first', () => {
    const [a, b, c] = ['a', 'b', 'c'].map(name => service(name));
    const size = JSON.stringify(a).length;
    const json = new ServiceJson(2 * size);
    const kept = (s: MeshService) => {
      // kept bytes are reused: an edit does not show
      const before = text(json.of(s));
      (s as { owner?: string }).owner = `${s.name}-edited`;
      const reused = text(json.of(s)) === before;
      delete (s as { owner?: string }).owner;
      return reused;
    };
    json.of(a);
    json.of(b);
    expect([kept(a), kept(b)]).toEqual([true, true]);
    json.of(c);
    // a was serialised first: dropped for c; b and c fit the budget
    expect(kept(b)).toBe(true);
    expect(kept(c)).toBe(true);
    expect(text(json.of(a))).toBe(JSON.stringify(a));
    // serialising a again dropped b, the oldest kept
    expect(kept(c)).toBe(true);
    expect(kept(a)).toBe(true);
    // a service larger than the whole budget is served and not kept
    const large = service('large', { owner: 'x'.repeat(3 * size) });
    expect(text(json.of(large))).toBe(JSON.stringify(large));
    expect(kept(large)).toBe(false);
    expect([kept(c), kept(a)]).toEqual([true, true]);
  });
});
