import type { MeshService } from '@meshport/backstage-plugin-mesh-common';
import fc from 'fast-check';
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

  it('answers as a fresh index when built from the one before, whatever changed', () => {
    const owners = ['team-a', 'team-b', 'payments-team', undefined];
    const workloads = ['checkout-v1', 'cart', 'users-api', 'cart-v2'];
    const named = (
      n: number,
      owner: string | undefined,
      workload: string,
    ): MeshService => ({
      ...service(n % 2 ? 'shop' : 'identity', `svc-${n}`),
      ...(owner ? { owner: `group:default/${owner}` } : {}),
      instances: [
        {
          cluster: 'c1',
          stale: false,
          labels: {},
          ports: [],
          selector: {},
          endpoints: { ready: 1, total: 1 },
          subsets: {},
          workloads: [
            {
              kind: 'Deployment',
              name: workload,
              serviceAccount: 'default',
              identity: 'spiffe://cluster.local/ns/shop/sa/default',
              labels: {},
              pods: { ready: 1, total: 1 },
              dataPlaneMode: 'sidecar',
            },
          ],
          identities: [],
          dataPlaneMode: 'sidecar',
          localities: [],
          mtls: { mode: 'unknown' },
          config: [],
        } as unknown as MeshService['instances'][number],
      ],
    });
    const change = fc.record({
      at: fc.nat(),
      owner: fc.constantFrom(...owners),
      workload: fc.constantFrom(...workloads),
      // most changes touch a service; some add or remove one
      kind: fc.constantFrom('touch', 'touch', 'touch', 'add', 'remove'),
    });
    const needles = [
      'svc',
      'svc-1',
      'team',
      'payments',
      'cart',
      'v2',
      'api',
      'shop/svc-3',
    ];
    fc.assert(
      fc.property(fc.array(change, { maxLength: 12 }), changes => {
        let services = Array.from({ length: 8 }, (_, n) =>
          named(n, owners[n % 4], workloads[n % 4]),
        );
        let index = new ServiceIndex(services);
        let next = services.length;
        for (const { at, owner, workload, kind } of changes) {
          const i = at % Math.max(services.length, 1);
          services = [...services];
          if (kind === 'add') services.push(named(next++, owner, workload));
          else if (kind === 'remove') services.splice(i, 1);
          else if (services[i])
            services[i] = {
              ...named(0, owner, workload),
              id: services[i].id,
              namespace: services[i].namespace,
              name: services[i].name,
            };
          index = new ServiceIndex(services, index);
          const fresh = new ServiceIndex(services);
          expect(index.text).toEqual(fresh.text);
          expect([...index.byNamespace]).toEqual([...fresh.byNamespace]);
          for (const needle of needles)
            expect(index.trigrams.search(needle)).toEqual(
              fresh.trigrams.search(needle),
            );
          for (const s of services)
            expect(index.get(s.namespace, s.name)).toBe(s);
        }
      }),
      { numRuns: 100 },
    );
  });
});
