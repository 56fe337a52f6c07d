import { orderForDiscovery } from './orderClusters';

describe('orderForDiscovery', () => {
  const sources = ['a', 'b', 'c', 'd', 'e'].map(name => ({ name }));

  it('reads clusters that timed out or were unreachable last, in their configured order', () => {
    const last: Record<string, 'timeout' | 'unreachable' | 'unauthorized'> = {
      a: 'timeout',
      c: 'unauthorized',
      d: 'unreachable',
    };
    expect(orderForDiscovery(sources, n => last[n]).map(s => s.name)).toEqual([
      'b',
      'c',
      'e',
      'a',
      'd',
    ]);
  });

  it('keeps the configured order when nothing hung', () => {
    expect(orderForDiscovery(sources, () => undefined)).toEqual(sources);
  });
});
