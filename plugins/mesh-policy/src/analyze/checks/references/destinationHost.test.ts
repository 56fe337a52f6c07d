import { fleet, multiNetwork, obj } from '../../../verify/__fixtures__/meshes';
import { destinationHostNotFound } from './destinationHost';
import {
  malformed,
  PRODUCTPAGE_TEAM,
  REVIEWS,
  REVIEWS_TEAM,
  run,
} from './__fixtures__/fleets';

const routeTo = (host: string, name = 'reviews') =>
  obj('VirtualService', 'bookinfo', name, {
    hosts: ['reviews'],
    http: [{ route: [{ destination: { host } }] }],
  });

/** cluster-3 runs productpage and is linked to nobody. */
function islands() {
  return fleet(
    [
      { name: 'cluster-1', network: 'n1', region: 'r1' },
      { name: 'cluster-3', network: 'n3', region: 'r3' },
    ],
    [
      {
        namespace: 'bookinfo',
        name: 'reviews',
        instances: [{ cluster: 'cluster-1', versions: ['v1'] }],
      },
      {
        namespace: 'bookinfo',
        name: 'productpage',
        instances: [{ cluster: 'cluster-3', versions: ['v1'] }],
      },
    ],
  );
}

describe('MESH101 destination host not found', () => {
  it('reports a destination no cluster runs, naming the VirtualService and its owners', () => {
    const { findings } = run(destinationHostNotFound, multiNetwork(), {
      'cluster-1': [routeTo('ratings')],
    });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      code: 'MESH101',
      severity: 'error',
      equivalent: { istio: 'IST0101', kiali: 'KIA1101' },
      objects: [
        {
          cluster: 'cluster-1',
          kind: 'VirtualService',
          namespace: 'bookinfo',
          name: 'reviews',
        },
      ],
      services: ['bookinfo/reviews'],
      owners: [REVIEWS_TEAM],
    });
    expect(findings[0].message).toContain(
      'VirtualService bookinfo/reviews in cluster cluster-1 routes (http route 0) to ratings',
    );
    expect(findings[0].message).toContain(
      'no cluster runs service ratings in namespace bookinfo',
    );
  });

  it('reports a service that runs only in a cluster the VirtualService cluster cannot reach, naming both teams', () => {
    const { findings } = run(destinationHostNotFound, islands(), {
      'cluster-1': [routeTo('productpage')],
    });
    expect(findings).toHaveLength(1);
    expect(findings[0].message).toContain('which runs only in cluster-3');
    expect(findings[0].fix).toContain('Connect cluster cluster-1 to cluster-3');
    expect(findings[0].clusters).toEqual(['cluster-1', 'cluster-3']);
    expect(findings[0].services).toEqual([
      'bookinfo/productpage',
      'bookinfo/reviews',
    ]);
    expect(findings[0].owners).toEqual([PRODUCTPAGE_TEAM, REVIEWS_TEAM]);
  });

  it('explains that <svc>.<ns> is taken literally', () => {
    const { findings } = run(destinationHostNotFound, multiNetwork(), {
      'cluster-1': [routeTo('productpage.bookinfo')],
    });
    expect(findings).toHaveLength(1);
    expect(findings[0].fix).toContain('productpage.bookinfo.svc.cluster.local');
  });

  it('names a ServiceEntry that exists only in another cluster', () => {
    const se = obj('ServiceEntry', 'bookinfo', 'payments', {
      hosts: ['payments.example.com'],
      ports: [{ number: 443, name: 'tls', protocol: 'TLS' }],
      resolution: 'DNS',
    });
    const { findings } = run(destinationHostNotFound, multiNetwork(), {
      'cluster-1': [routeTo('payments.example.com')],
      'cluster-2': [se],
    });
    expect(findings).toHaveLength(1);
    expect(findings[0].message).toContain(
      'ServiceEntry bookinfo/payments in cluster cluster-2 defines it',
    );
    expect(findings[0].objects.map(o => `${o.cluster}/${o.kind}`)).toEqual([
      'cluster-1/VirtualService',
      'cluster-2/ServiceEntry',
    ]);
  });

  it('accepts local services, services of clusters it reads, and its own ServiceEntries', () => {
    const se = obj('ServiceEntry', 'bookinfo', 'payments', {
      hosts: ['payments.example.com'],
      ports: [{ number: 443, name: 'tls', protocol: 'TLS' }],
    });
    const vs = obj('VirtualService', 'bookinfo', 'reviews', {
      hosts: ['reviews'],
      http: [
        {
          route: [
            { destination: { host: REVIEWS }, weight: 50 },
            { destination: { host: 'productpage' }, weight: 50 },
          ],
          mirror: { host: 'payments.example.com' },
        },
      ],
    });
    // reviews v3 runs in cluster-2 only: cluster-2 reaches cluster-1's productpage.
    const { findings } = run(destinationHostNotFound, multiNetwork(), {
      'cluster-1': [vs, se],
      'cluster-2': [routeTo('productpage')],
    });
    expect(findings).toEqual([]);
  });

  it('never throws on malformed objects', () => {
    const { findings, notes } = run(destinationHostNotFound, multiNetwork(), {
      'cluster-1': malformed('VirtualService'),
    });
    expect(notes.filter(n => n.includes('failed'))).toEqual([]);
    expect(findings).toEqual([]);
  });
});
