import type { Leg } from '@meshport/backstage-plugin-mesh-policy';
import {
  productpage,
  reviews,
  reviewsTrace,
  traffic,
} from '../../__testUtils__/fixtures';
import { busiestCaller, callerOptions, servicePorts } from './callerOptions';
import {
  describeAuthz,
  describeLeg,
  describeTls,
  groupLegs,
} from './describeTrace';

const leg = reviewsTrace.legs[0];

describe('describeTrace', () => {
  it('groups legs by route destination, summing their shares', () => {
    const split: Leg[] = [
      { ...leg, destination: 1, cluster: 'cluster-2', share: 30 },
      { ...leg, destination: 0, share: 50 },
      { ...leg, destination: 1, cluster: 'cluster-1', share: 20 },
    ];
    const groups = groupLegs({ ...reviewsTrace, legs: split });
    expect(groups.map(g => [g.destination, g.share])).toEqual([
      [0, 50],
      [1, 50],
    ]);
    expect(groups[1].legs.map(l => l.cluster)).toEqual([
      'cluster-1',
      'cluster-2',
    ]);
  });

  it('says in words what fails and why', () => {
    expect(
      describeTls({
        ...leg,
        tls: {
          mode: 'DISABLE',
          mtls: false,
          ok: false,
          reason: 'PeerAuthentication STRICT',
        },
      }),
    ).toBe('DISABLE · plaintext · fails: PeerAuthentication STRICT');
    expect(
      describeAuthz({
        ...leg,
        authz: { enforcer: 'waypoint', decision: 'deny', reason: 'no rule' },
      }),
    ).toBe('waypoint denies: no rule');
    expect(
      describeLeg({
        ...leg,
        failure: 'RBAC: access denied',
        failureKind: 'authz',
      }),
    ).toBe('50 % to subset v1 in cluster-1: denied: RBAC: access denied');
  });

  it('never throws on a leg missing its optional parts', () => {
    const bare = {
      share: 100,
      destination: 0,
      host: 'h',
      endpointLabels: [],
      readyEndpoints: 0,
      localities: [],
    } as Leg;
    expect(describeLeg(bare)).toBe(
      '100 % to every endpoint in no cluster: reaches 0 ready endpoints',
    );
    expect(describeTls(bare)).toBe('not decided');
    expect(describeAuthz(bare)).toBe('not decided');
  });
});

describe('callerOptions', () => {
  it('offers each workload of a cluster with its service account and labels', () => {
    expect(callerOptions([productpage, reviews], 'cluster-1')).toEqual([
      expect.objectContaining({
        id: 'bookinfo/productpage-v1',
        cluster: 'cluster-1',
        namespace: 'bookinfo',
        serviceAccount: 'bookinfo-productpage',
        labels: { app: 'productpage', version: 'v1' },
      }),
      expect.objectContaining({ id: 'bookinfo/reviews-v1' }),
    ]);
    expect(callerOptions([productpage], 'cluster-2')).toEqual([]);
  });

  it('picks the busiest known caller from traffic', () => {
    expect(busiestCaller(traffic)).toEqual({
      service: { namespace: 'bookinfo', name: 'productpage' },
      cluster: 'cluster-1',
    });
    expect(busiestCaller({ ...traffic, inbound: [] })).toBeUndefined();
    expect(busiestCaller(undefined)).toBeUndefined();
  });

  it('lists each port once', () => {
    expect(servicePorts(reviews).map(p => p.port)).toEqual([9080]);
  });
});
