import { describeMetricsStatus } from './describeMetricsStatus';

describe('describeMetricsStatus', () => {
  it('says which config key to set when a cluster has no Prometheus', () => {
    expect(
      describeMetricsStatus({
        cluster: 'cluster-2',
        state: 'unavailable',
        source: 'none',
      }),
    ).toMatch(
      /^No Prometheus configured for cluster-2 — set mesh\.clusters\[\]\.prometheus\.url/,
    );
  });

  it('passes on the backend reason for a failing Prometheus', () => {
    expect(
      describeMetricsStatus({
        cluster: 'cluster-1',
        state: 'partial',
        source: 'prometheus:cluster-1',
        reason: 'query timed out after 5s',
      }),
    ).toBe(
      'Some figures of cluster-1 are missing (prometheus:cluster-1): query timed out after 5s.',
    );
  });

  it('says nothing about a healthy cluster', () => {
    expect(
      describeMetricsStatus({ cluster: 'c', state: 'ok', source: 'snapshot' }),
    ).toBeUndefined();
  });
});
