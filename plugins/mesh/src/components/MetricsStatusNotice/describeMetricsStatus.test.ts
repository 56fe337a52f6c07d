import { describeMetricsStatus } from './describeMetricsStatus';

describe('describeMetricsStatus', () => {
  it('says which module to install and key to set when the backend has no traffic source', () => {
    expect(
      describeMetricsStatus({
        cluster: 'cluster-2',
        state: 'unavailable',
        source: 'none',
      }),
    ).toMatch(
      /^No traffic source configured for cluster-2 — install the Prometheus traffic module and set mesh\.clusters\[\]\.prometheus\.url/,
    );
  });

  it("passes on the backend's reason when it has no traffic source", () => {
    expect(
      describeMetricsStatus({
        cluster: 'cluster-2',
        state: 'unavailable',
        source: 'none',
        reason: 'no traffic source is configured for cluster-2 — install X',
      }),
    ).toBe(
      'No traffic figures for cluster-2: no traffic source is configured for cluster-2 — install X.',
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
