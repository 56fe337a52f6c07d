import type {
  Finding,
  ServiceDependency,
} from '@meshport/backstage-plugin-mesh-common';
import {
  compareFigures,
  describeTrafficGaps,
  findingCounts,
  inboundFigures,
} from './serviceFigures';

function pair(
  from: string,
  to: string,
  figures: Partial<ServiceDependency>,
): ServiceDependency {
  const [fromNs, fromName] = from.split('/');
  const [toNs, toName] = to.split('/');
  return {
    from: { namespace: fromNs, name: fromName },
    to: { namespace: toNs, name: toName },
    requestsPerSecond: 0,
    connectionsPerSecond: 0,
    clusterPairs: [],
    ...figures,
  };
}

describe('inboundFigures', () => {
  it('sums every caller of a service, and derives its error ratio and mTLS share', () => {
    const figures = inboundFigures([
      pair('bookinfo/productpage', 'bookinfo/reviews', {
        requestsPerSecond: 8,
        errorsPerSecond: 0.2,
        mtlsRequestsPerSecond: 6,
        plaintextRequestsPerSecond: 2,
      }),
      pair('bookinfo/tester', 'bookinfo/reviews', {
        requestsPerSecond: 2,
        errorsPerSecond: 0.3,
        mtlsRequestsPerSecond: 2,
        plaintextRequestsPerSecond: 0,
      }),
      // reviews' own calls count for ratings, not for reviews
      pair('bookinfo/reviews', 'bookinfo/ratings', {
        requestsPerSecond: 4,
        errorsPerSecond: 0,
        mtlsRequestsPerSecond: 4,
        plaintextRequestsPerSecond: 0,
      }),
    ]);
    expect(figures.get('bookinfo/reviews')).toEqual({
      requestsPerSecond: 10,
      connectionsPerSecond: 0,
      errorRatio: 0.05,
      mtlsShare: 0.8,
    });
    expect(figures.get('bookinfo/ratings')?.mtlsShare).toBe(1);
    expect(figures.has('bookinfo/productpage')).toBe(false);
  });

  it('takes the lowest share of requests and connections, so plaintext TCP is not hidden', () => {
    const figures = inboundFigures([
      pair('istio-system/istio-ingressgateway', 'orders/orders', {
        requestsPerSecond: 9.8,
        errorsPerSecond: 0,
        mtlsRequestsPerSecond: 9.8,
        plaintextRequestsPerSecond: 0,
      }),
      pair('default/batch-export', 'orders/orders', {
        connectionsPerSecond: 1,
        mtlsConnectionsPerSecond: 0.25,
        plaintextConnectionsPerSecond: 0.75,
      }),
    ]);
    expect(figures.get('orders/orders')).toMatchObject({
      requestsPerSecond: 9.8,
      connectionsPerSecond: 1,
      mtlsShare: 0.25,
    });
  });

  it('leaves the share unknown when no receiving side classified the traffic, never 0 %', () => {
    const figures = inboundFigures([
      pair('orders/history', 'orders/archive', {
        connectionsPerSecond: 0.2,
        mtlsConnectionsPerSecond: 0,
        plaintextConnectionsPerSecond: 0,
      }),
    ]);
    expect(figures.get('orders/archive')).toEqual({
      requestsPerSecond: 0,
      connectionsPerSecond: 0.2,
      errorRatio: null,
      mtlsShare: null,
    });
  });

  it('leaves the ratios unknown for a source that does not report failures or transport', () => {
    const figures = inboundFigures([
      pair('bookinfo/productpage', 'bookinfo/details', {
        requestsPerSecond: 3,
      }),
    ]);
    expect(figures.get('bookinfo/details')).toEqual({
      requestsPerSecond: 3,
      connectionsPerSecond: 0,
      errorRatio: null,
      mtlsShare: null,
    });
  });

  it('has no entry for a pair without traffic, and skips malformed figures and pairs', () => {
    const figures = inboundFigures([
      pair('a/x', 'a/idle', { requestsPerSecond: 0 }),
      pair('a/x', 'a/odd', {
        requestsPerSecond: 2,
        errorsPerSecond: Number.NaN,
        connectionsPerSecond: -1,
      }),
      { requestsPerSecond: 5 } as unknown as ServiceDependency,
    ]);
    expect(figures.has('a/idle')).toBe(false);
    expect(figures.get('a/odd')).toEqual({
      requestsPerSecond: 2,
      connectionsPerSecond: 0,
      errorRatio: null,
      mtlsShare: null,
    });
    expect(figures.size).toBe(1);
    expect(inboundFigures([]).size).toBe(0);
  });
});

describe('findingCounts', () => {
  const finding = (
    severity: Finding['severity'],
    services: string[],
  ): Finding => ({
    code: 'MESH101',
    severity,
    title: 't',
    message: 'm',
    fix: 'f',
    objects: [],
    clusters: [],
    services,
    owners: [],
    key: `${severity}:${services.join(',')}`,
  });

  it('counts errors and warnings per service named, leaving info out', () => {
    const counts = findingCounts([
      finding('error', ['bookinfo/reviews', 'bookinfo/ratings']),
      finding('warning', ['bookinfo/reviews']),
      finding('warning', ['bookinfo/reviews', 'bookinfo/reviews']),
      finding('info', ['bookinfo/details']),
    ]);
    expect(counts.get('bookinfo/reviews')).toEqual({ error: 1, warning: 2 });
    expect(counts.get('bookinfo/ratings')).toEqual({ error: 1, warning: 0 });
    expect(counts.has('bookinfo/details')).toBe(false);
  });

  it('answers nothing for no findings or findings without services', () => {
    expect(findingCounts([]).size).toBe(0);
    expect(
      findingCounts([{ severity: 'error' } as unknown as Finding]).size,
    ).toBe(0);
  });
});

describe('compareFigures', () => {
  // material-table sorts `desc` by calling the comparator with its arguments swapped
  const sorted = (values: Array<number | null>, direction: 'asc' | 'desc') =>
    [...values].sort((a, b) =>
      direction === 'asc'
        ? compareFigures(a, b, 'asc')
        : compareFigures(b, a, 'desc'),
    );

  it('orders figures either way and keeps services without one last', () => {
    expect(sorted([0.5, null, 0, 1], 'asc')).toEqual([0, 0.5, 1, null]);
    expect(sorted([0.5, null, 0, 1], 'desc')).toEqual([1, 0.5, 0, null]);
    expect(compareFigures(undefined, null)).toBe(0);
  });
});

describe('describeTrafficGaps', () => {
  it('says nothing when every cluster answered', () => {
    expect(
      describeTrafficGaps({
        source: 'prometheus',
        clusters: [{ cluster: 'c1', state: 'ok', source: 'prometheus:c1' }],
      }),
    ).toEqual([]);
  });

  it('says once that no traffic source answers, with what to install', () => {
    const reason = 'the installed traffic source cannot list dependencies';
    expect(
      describeTrafficGaps({
        source: 'none',
        clusters: ['c1', 'c2', 'c3'].map(cluster => ({
          cluster,
          state: 'unavailable' as const,
          source: 'none',
          reason,
        })),
      }),
    ).toEqual([`No traffic figures: ${reason}.`]);
  });

  it('names each cluster whose figures are missing when others answered', () => {
    expect(
      describeTrafficGaps({
        source: 'prometheus',
        clusters: [
          { cluster: 'c1', state: 'ok', source: 'prometheus:c1' },
          {
            cluster: 'c2',
            state: 'unavailable',
            source: 'prometheus:c2',
            reason: 'connect ECONNREFUSED',
          },
        ],
      }),
    ).toEqual(['No figures from c2 (prometheus:c2): connect ECONNREFUSED.']);
  });
});
