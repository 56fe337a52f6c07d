import { renderInTestApp } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import { reviews } from '../../__testUtils__/fixtures';
import { MeshConfigCard } from './MeshConfigCard';

describe('MeshConfigCard', () => {
  it('lists Meshport-rendered config first, then hand-written, each with its clusters', async () => {
    await renderInTestApp(<MeshConfigCard instances={reviews.instances} />);
    const rows = within(
      screen.getByRole('table', { name: 'Mesh config that applies' }),
    )
      .getAllByRole('row')
      .slice(1);
    expect(rows).toHaveLength(2);
    expect(within(rows[0]).getByText('VirtualService')).toBeInTheDocument();
    expect(
      within(rows[0]).getByText(
        'Meshport policy bookinfo/trafficpolicy-reviews-shift',
      ),
    ).toBeInTheDocument();
    expect(within(rows[0]).getByText('cluster-1')).toBeInTheDocument();
    expect(within(rows[1]).getByText('DestinationRule')).toBeInTheDocument();
    expect(within(rows[1]).getByText('hand-written')).toBeInTheDocument();
    expect(
      within(rows[1]).getByText('all (cluster-1, cluster-2)'),
    ).toBeInTheDocument();
  });

  it('says the defaults apply when nothing touches the service', async () => {
    await renderInTestApp(
      <MeshConfigCard
        instances={reviews.instances.map(i => ({ ...i, config: [] }))}
      />,
    );
    expect(screen.getByText(/the mesh defaults apply/)).toBeInTheDocument();
  });
});
