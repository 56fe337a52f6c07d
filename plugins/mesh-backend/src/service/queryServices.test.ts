import fc from 'fast-check';
import type { MeshService } from '@meshport/backstage-plugin-mesh-common';
import { queryServices, ServiceQuery } from './queryServices';
import { ServiceIndex } from './ServiceIndex';

function service(
  namespace: string,
  name: string,
  clusters: string[],
  owner?: string,
): MeshService {
  return {
    id: `${namespace}/${name}`,
    namespace,
    name,
    ...(owner ? { owner } : {}),
    instances: clusters.map(cluster => ({
      cluster,
      workloads: [{ name: `${name}-v1` }],
    })) as unknown as MeshService['instances'],
  };
}

/** What the query means, written as plainly as possible. */
function expected(
  services: MeshService[],
  query: ServiceQuery,
  mayRead: (s: MeshService) => boolean = () => true,
) {
  const needle = query.q?.toLowerCase();
  const matching = services.filter(
    s =>
      mayRead(s) &&
      (!query.namespace || s.namespace === query.namespace) &&
      (!query.cluster || s.instances.some(i => i.cluster === query.cluster)) &&
      (!needle ||
        [
          s.id,
          s.owner ?? '',
          ...s.instances.flatMap(i => i.workloads.map(w => w.name)),
        ].some(v => v.toLowerCase().includes(needle))),
  );
  return {
    items: matching.slice(query.offset, query.offset + query.limit),
    totalCount: matching.length,
  };
}

describe('queryServices', () => {
  const fleet = new ServiceIndex([
    service('shop', 'checkout', ['cluster-1', 'cluster-2'], 'payments'),
    service('shop', 'cart', ['cluster-1']),
    service('identity', 'users', ['cluster-4'], 'Identity-Team'),
    service('identity', 'checkout-audit', ['cluster-2']),
  ]);
  const page = { offset: 0, limit: 50 };

  it('searches ids, owners and workload names, case-insensitively, in fleet order', () => {
    const ids = (q: string, more: Partial<ServiceQuery> = {}) =>
      queryServices(fleet, { ...page, q, ...more }).items.map(s => s.id);
    expect(ids('CHECKOUT')).toEqual([
      'shop/checkout',
      'identity/checkout-audit',
    ]);
    expect(ids('identity-team')).toEqual(['identity/users']);
    expect(ids('cart-v1')).toEqual(['shop/cart']);
    expect(ids('checkout', { namespace: 'identity' })).toEqual([
      'identity/checkout-audit',
    ]);
    expect(ids('checkout', { cluster: 'cluster-1' })).toEqual([
      'shop/checkout',
    ]);
    expect(ids('p/')).toEqual(['shop/checkout', 'shop/cart']);
    expect(ids('nothing-like-this')).toEqual([]);
  });

  it('does not match across the boundary of two values', () => {
    // id "shop/cart" followed by workload "cart-v1": "cart" + "cart" must not join up
    expect(queryServices(fleet, { ...page, q: 'cartcart' }).totalCount).toBe(0);
    expect(
      queryServices(fleet, { ...page, q: 'cart\u0000cart' }).totalCount,
    ).toBe(0);
  });

  it('agrees with a plain filter for any query', () => {
    const names = ['a', 'ab', 'abc', 'b-a', 'cab', 'bca-b'];
    const arbitraryService = fc
      .record({
        namespace: fc.constantFrom('n1', 'n2', 'ab'),
        name: fc.constantFrom(...names),
        clusters: fc.subarray(['c1', 'c2', 'c3'], { minLength: 1 }),
        owner: fc.option(fc.constantFrom('Ab', 'team-c'), { nil: undefined }),
      })
      .map(s => service(s.namespace, s.name, s.clusters, s.owner));
    const arbitraryQuery = fc.record({
      q: fc.option(
        fc.string({
          unit: fc.constantFrom('a', 'B', 'c', '-', '/'),
          maxLength: 5,
        }),
        { nil: undefined },
      ),
      namespace: fc.option(fc.constantFrom('n1', 'n2', 'zz'), {
        nil: undefined,
      }),
      cluster: fc.option(fc.constantFrom('c1', 'c3'), { nil: undefined }),
      offset: fc.nat(6),
      limit: fc.integer({ min: 1, max: 4 }),
    });
    fc.assert(
      fc.property(
        fc.array(arbitraryService, { maxLength: 30 }),
        fc.array(arbitraryQuery, { minLength: 1, maxLength: 5 }),
        (services, queries) => {
          // several queries against one fleet's index, as the store serves them
          const index = new ServiceIndex(services);
          // every caller's predicate: the one reading all (paged without a walk), another
          // that reads all, one that reads some
          const some = (s: MeshService) => s.name.length % 2 === 0;
          for (const query of queries) {
            for (const mayRead of [undefined, () => true, some]) {
              const { items, totalCount } = queryServices(
                index,
                query,
                mayRead,
              );
              expect({ items, totalCount }).toEqual(
                expected(services, query, mayRead),
              );
            }
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
