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

describe('summarizeChange reads both layouts from the path alone', () => {
  // Unparsable files: the path is all there is to describe them by.
  const broken = 'kind: [\n';
  it.each([
    [
      'rendered/cluster-1/bookinfo/reviews/virtualservice-meshport-reviews.yaml',
      'cluster-1 virtualservice bookinfo/meshport-reviews',
    ],
    [
      'rendered/cluster-1/istio-system/gateway-meshport-istio-eastwestgateway.yaml',
      'cluster-1 gateway istio-system/meshport-istio-eastwestgateway',
    ],
    [
      'rendered/cluster-1/bookinfo/virtualservice-meshport-reviews.yaml',
      'cluster-1 virtualservice bookinfo/meshport-reviews',
    ],
    [
      'policies/bookinfo/reviews/trafficpolicy-reviews-shift.yaml',
      'policy trafficpolicy bookinfo/reviews-shift',
    ],
    [
      'policies/bookinfo/reviews/shop/accesspolicy-checkout-reads-reviews.yaml',
      'policy accesspolicy shop/checkout-reads-reviews',
    ],
    [
      'policies/bookinfo/trafficpolicy-reviews-shift.yaml',
      'policy trafficpolicy bookinfo/reviews-shift',
    ],
  ])('%s', (path, expected) => {
    const s = summarizeChange({}, { [path]: broken });
    const found = [
      ...s.policies.added.map(f => `policy ${f.kind} ${f.namespace}/${f.name}`),
      ...Object.entries(s.clusters).flatMap(([c, set]) =>
        set.added.map(f => `${c} ${f.kind} ${f.namespace}/${f.name}`),
      ),
    ];
    expect(found).toEqual([expected]);
  });

  it('ignores files outside the layout', () => {
    const s = summarizeChange(
      {},
      {
        'policies/bookinfo/a/b/c/trafficpolicy-x.yaml': broken,
        'rendered/cluster-1/x.yaml': broken,
        'README.md': '# hi\n',
      },
    );
    expect(s).toEqual({
      policies: { added: [], changed: [], removed: [] },
      clusters: {},
    });
  });
});
