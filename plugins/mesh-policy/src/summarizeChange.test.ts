import { renderRepository } from './render';
import { formatChangeSummary, summarizeChange } from './summarizeChange';
import { multiPrimaryFleet } from './__fixtures__/fleets';
import {
  accessGrant,
  seedPolicy,
  timeoutPolicy,
} from './__fixtures__/policies';

describe('summarizeChange', () => {
  it('lists added, changed and removed objects per cluster', () => {
    const before = renderRepository(
      [seedPolicy(), accessGrant()],
      multiPrimaryFleet(),
    ).files;
    const after = renderRepository(
      [seedPolicy(), timeoutPolicy('slow', '10s')],
      multiPrimaryFleet(),
    ).files;
    const s = summarizeChange(before, after);
    expect(s.policies.added.map(f => f.name)).toEqual(['slow']);
    expect(s.policies.removed.map(f => f.name)).toEqual([
      'productpage-reads-reviews',
    ]);
    expect(
      s.clusters['cluster-1'].changed.map(f => `${f.kind}/${f.name}`),
    ).toEqual([
      'DestinationRule/meshport-reviews',
      'VirtualService/meshport-reviews',
    ]);
    expect(s.clusters['cluster-2'].removed.map(f => f.kind)).toEqual([
      'AuthorizationPolicy',
    ]);
    expect(formatChangeSummary(s)).toContain(
      '#### cluster-2\n\n- removed AuthorizationPolicy `bookinfo/meshport-bookinfo-productpage-reads-reviews`',
    );
    expect(formatChangeSummary(summarizeChange(after, after))).toBe(
      'No changes.\n',
    );
  });
});
