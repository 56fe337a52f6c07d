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
      expect(json.page(page)).toBe(JSON.stringify(page));
      expect(JSON.parse(json.page(page))).toEqual(page);
    }
    expect(json.of(services[1])).toBe(JSON.stringify(services[1]));
  });

  it('serialises a service once, across fleets that reuse it, and a new object afresh', () => {
    const cart = service('cart');
    const json = new ServiceJson();
    const before = json.of(cart);
    // a published service is never edited; this edit shows the string is reused, not redone
    (cart as { owner?: string }).owner = 'someone';
    expect(json.of(cart)).toBe(before);
    expect(
      json.page({ items: [cart], totalCount: 1, offset: 0, limit: 1 }),
    ).toBe(`{"items":[${before}],"totalCount":1,"offset":0,"limit":1}`);
    // a changed service is a new object in the next fleet: serialised as it is now
    const changed = { ...cart, owner: 'team-b' } as MeshService;
    expect(json.of(changed)).toBe(JSON.stringify(changed));
    expect(json.of(changed)).not.toBe(before);
  });
});
