import type { MeshService } from '@meshport/backstage-plugin-mesh-common';
import { queryServices } from './queryServices';
import { ServiceIndex } from './ServiceIndex';

const service = (namespace: string, name: string): MeshService => ({
  id: `${namespace}/${name}`,
  namespace,
  name,
  instances: [],
});

describe('ServiceIndex', () => {
  it('looks services up by namespace and name, and lists each namespace in fleet order', () => {
    const services = [
      service('shop', 'checkout'),
      service('identity', 'users'),
      service('shop', 'cart'),
    ];
    const index = new ServiceIndex(services);
    expect(index.services).toBe(services);
    expect(index.get('shop', 'cart')).toBe(services[2]);
    expect(index.get('shop', 'users')).toBeUndefined();
    expect(index.get('', '')).toBeUndefined();
    expect(index.byNamespace.get('shop')).toEqual([0, 2]);
    expect(index.byNamespace.get('identity')).toEqual([1]);
  });

  it('indexes an empty fleet: every query finds nothing', () => {
    const index = new ServiceIndex([]);
    expect(index.get('shop', 'cart')).toBeUndefined();
    for (const q of [undefined, '', 'ca', 'cart']) {
      expect(
        queryServices(index, { q, namespace: 'shop', offset: 0, limit: 10 }),
      ).toEqual({ items: [], totalCount: 0, offset: 0, limit: 10 });
    }
  });
});
