import { multiNetwork, obj } from '../../../verify/__fixtures__/meshes';
import { namespaceOrServiceNotFound } from './namespaces';
import { malformed, REVIEWS_TEAM, run } from './__fixtures__/fleets';

const allowFrom = (namespaces: unknown) =>
  obj('AuthorizationPolicy', 'bookinfo', 'reviews-callers', {
    selector: { matchLabels: { app: 'reviews' } },
    rules: [{ from: [{ source: { namespaces } }] }],
  });

describe('MESH107 namespace or service not found', () => {
  it('reports a source namespace no cluster has', () => {
    const { findings } = run(namespaceOrServiceNotFound, multiNetwork(), {
      'cluster-1': [allowFrom(['frontend', 'bookinfo', 'istio-system'])],
    });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      code: 'MESH107',
      severity: 'warning',
      equivalent: { istio: 'IST0101', kiali: 'KIA0101' },
      objects: [{ cluster: 'cluster-1', kind: 'AuthorizationPolicy' }],
      services: ['bookinfo/reviews'],
      owners: [REVIEWS_TEAM],
    });
    expect(findings[0].message).toBe(
      'AuthorizationPolicy bookinfo/reviews-callers in cluster cluster-1 names source namespace frontend, but no cluster of the fleet has that namespace: the rule matches no caller.',
    );
  });

  it('matches namespace wildcards as Istio does', () => {
    const { findings } = run(namespaceOrServiceNotFound, multiNetwork(), {
      'cluster-1': [allowFrom(['book*', '*info', '*', 'front*'])],
    });
    expect(findings.map(f => f.key.split('|').pop())).toEqual([
      'namespace:front*',
    ]);
  });

  it('reports VirtualService and DestinationRule hosts whose namespace or service exists nowhere', () => {
    const { findings } = run(namespaceOrServiceNotFound, multiNetwork(), {
      'cluster-1': [
        obj('DestinationRule', 'bookinfo', 'old', {
          host: 'reviews.bookinfo-old.svc.cluster.local',
        }),
        obj('VirtualService', 'bookinfo', 'ratings', {
          hosts: ['ratings'],
          http: [{ route: [{ destination: { host: 'ratings' } }] }],
        }),
      ],
    });
    expect(findings.map(f => f.message)).toEqual([
      'DestinationRule bookinfo/old in cluster cluster-1 is for host reviews.bookinfo-old.svc.cluster.local, but no cluster of the fleet has namespace bookinfo-old: the object applies to nothing.',
      'VirtualService bookinfo/ratings in cluster cluster-1 is for host ratings, but no cluster of the fleet runs service ratings in namespace bookinfo: the object applies to nothing.',
    ]);
  });

  it('is silent for existing services, ServiceEntry hosts and external hosts', () => {
    const { findings } = run(namespaceOrServiceNotFound, multiNetwork(), {
      'cluster-1': [
        obj('DestinationRule', 'bookinfo', 'reviews', { host: 'reviews' }),
        obj('VirtualService', 'bookinfo', 'edge', {
          hosts: [
            'bookinfo.example.com',
            'productpage.bookinfo.svc.cluster.local',
          ],
          gateways: ['bookinfo-gateway'],
        }),
        obj('DestinationRule', 'bookinfo', 'ratings', {
          host: 'ratings.legacy.svc.cluster.local',
        }),
      ],
      'cluster-2': [
        obj('ServiceEntry', 'legacy', 'ratings', {
          hosts: ['ratings.legacy.svc.cluster.local'],
        }),
      ],
    });
    expect(findings).toEqual([]);
  });

  it('never throws on malformed objects', () => {
    const { findings, notes } = run(
      namespaceOrServiceNotFound,
      multiNetwork(),
      {
        'cluster-1': [
          ...malformed('AuthorizationPolicy'),
          ...malformed('DestinationRule'),
        ],
      },
    );
    expect(notes.filter(n => n.includes('failed'))).toEqual([]);
    expect(findings).toEqual([]);
  });
});
