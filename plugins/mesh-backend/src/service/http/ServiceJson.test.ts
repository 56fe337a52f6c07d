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
      expect(json.page(services, page)).toBe(JSON.stringify(page));
      expect(JSON.parse(json.page(services, page))).toEqual(page);
    }
    expect(json.of(services, services[1])).toBe(JSON.stringify(services[1]));
  });

  it('serialises a service once per fleet, and again for the next fleet', () => {
    const cart = service('cart');
    const first = [cart];
    const json = new ServiceJson();
    const before = json.of(first, cart);
    // a published fleet is never edited; this edit shows the string is reused, not redone
    (cart as { owner?: string }).owner = 'someone';
    expect(json.of(first, cart)).toBe(before);
    // the store publishes a new list of services whenever the fleet changes
    expect(json.of([cart], cart)).toBe(JSON.stringify(cart));
  });
});
