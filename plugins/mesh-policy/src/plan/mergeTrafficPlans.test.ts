import type { TrafficPolicy } from '../schema/trafficPolicy';
import { mergeTrafficPlans } from './mergeTrafficPlans';
import type { ClientPlan } from './types';

const destination = { service: 'reviews', namespace: 'bookinfo' };

function plan(
  policy: string,
  client: string,
  spec: Partial<TrafficPolicy['spec']>,
  extra: Partial<ClientPlan> = {},
): ClientPlan {
  return {
    policy,
    client,
    mesh: 'istio',
    destination,
    sources: [],
    matches: [],
    policySpec: { destination, ...spec },
    ...extra,
  };
}

describe('mergeTrafficPlans', () => {
  it('returns nothing for no plans', () => {
    expect(mergeTrafficPlans([])).toEqual({ destinations: [], conflicts: [] });
  });

  it('keeps a destination-wide field without making an empty route', () => {
    const outlierDetection = { consecutive5xxErrors: 5 };
    const { destinations, conflicts } = mergeTrafficPlans([
      plan('trafficpolicy.bookinfo.eject', 'cluster-1', { outlierDetection }),
    ]);
    expect(conflicts).toEqual([]);
    expect(destinations).toEqual([
      {
        client: 'cluster-1',
        mesh: 'istio',
        destination,
        groups: [],
        outlierDetection,
        policies: ['trafficpolicy.bookinfo.eject'],
      },
    ]);
  });

  it('gives a field to the first policy by ref, whatever order the plans come in', () => {
    const plans = ['cluster-2', 'cluster-1'].flatMap(client => [
      plan('trafficpolicy.bookinfo.slow', client, { timeout: '10s' }),
      plan('trafficpolicy.bookinfo.fast', client, { timeout: '1s' }),
    ]);
    const forward = mergeTrafficPlans(plans);
    expect(mergeTrafficPlans([...plans].reverse())).toEqual(forward);
    expect(forward.destinations.map(d => d.groups[0].timeout)).toEqual([
      '1s',
      '1s',
    ]);
    expect(forward.conflicts).toEqual([
      {
        kind: 'field',
        field: 'timeout',
        policies: [
          'trafficpolicy.bookinfo.fast',
          'trafficpolicy.bookinfo.slow',
        ],
        clusters: ['cluster-1', 'cluster-2'],
        message:
          'trafficpolicy.bookinfo.fast and trafficpolicy.bookinfo.slow both set timeout for reviews.bookinfo from the same sources in cluster-1, cluster-2: merge them into one policy, or give them different sources or matches',
      },
    ]);
  });

  it('puts a narrower route first and fills its unset fields from the broader one', () => {
    const api = [{ path: { prefix: '/api' } }];
    const { destinations, conflicts } = mergeTrafficPlans([
      plan('trafficpolicy.bookinfo.all', 'cluster-1', { timeout: '5s' }),
      plan(
        'trafficpolicy.bookinfo.api',
        'cluster-1',
        { match: api, retries: { attempts: 3 } },
        { matches: api },
      ),
    ]);
    expect(conflicts).toEqual([]);
    expect(destinations[0].groups).toEqual([
      expect.objectContaining({
        matches: api,
        policies: ['trafficpolicy.bookinfo.api'],
        retries: { attempts: 3 },
        timeout: '5s',
      }),
      expect.objectContaining({
        matches: [],
        policies: ['trafficpolicy.bookinfo.all'],
        timeout: '5s',
      }),
    ]);
    expect(destinations[0].groups[1].retries).toBeUndefined();
  });
});
