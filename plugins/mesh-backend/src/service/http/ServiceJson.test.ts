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
});
