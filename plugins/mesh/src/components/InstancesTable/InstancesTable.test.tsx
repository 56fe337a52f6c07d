import { renderInTestApp } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import { cluster1, cluster2, reviews } from '../../__testUtils__/fixtures';
import { InstancesTable } from './InstancesTable';

describe('InstancesTable', () => {
  it('shows each cluster with its network, endpoints, subsets and data plane', async () => {
    await renderInTestApp(
      <InstancesTable
        instances={reviews.instances}
        clusters={[cluster1, cluster2]}
      />,
    );
    expect(screen.getByText('Instances (2 clusters)')).toBeInTheDocument();
    const rows = screen.getAllByRole('row').slice(1);
    expect(within(rows[0]).getByText('cluster-1')).toBeInTheDocument();
    expect(within(rows[0]).getByText('network-1')).toBeInTheDocument();
    expect(within(rows[0]).getByText('version: v1, v2')).toBeInTheDocument();
    expect(within(rows[0]).getByText('2/2 ready')).toBeInTheDocument();
    expect(
      within(rows[0]).getByText('STRICT (istio-system/default)'),
    ).toBeInTheDocument();
    expect(within(rows[1]).getByText('version: v3')).toBeInTheDocument();
    expect(within(rows[1]).getByText('ambient')).toBeInTheDocument();
    expect(within(rows[1]).getByText('1/2 ready')).toBeInTheDocument();
  });

  it('marks a stale instance with the time of the last sync and the error', async () => {
    await renderInTestApp(
      <InstancesTable
        instances={reviews.instances}
        clusters={[cluster1, cluster2]}
      />,
    );
    const rows = screen.getAllByRole('row').slice(1);
    expect(within(rows[0]).queryByText('stale')).not.toBeInTheDocument();
    expect(within(rows[1]).getByText('stale')).toBeInTheDocument();
    expect(
      within(rows[1]).getByText(
        'last synced 2026-11-22 09:00 UTC — API server timed out after 10s',
      ),
    ).toBeInTheDocument();
  });

  it('explains an empty list', async () => {
    await renderInTestApp(<InstancesTable instances={[]} clusters={[]} />);
    expect(
      screen.getByText(/No cluster runs this service right now/),
    ).toBeInTheDocument();
  });
});
