import { renderInTestApp } from '@backstage/test-utils';
import type { Fleet } from '@meshport/backstage-plugin-mesh-common';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { demoFleet } from '../../__testUtils__/demoFleet';
import { FleetPicture } from './FleetPicture';

describe('FleetPicture', () => {
  const demo = demoFleet();

  async function render(fleet: Fleet = demo, selected?: string) {
    const onSelectCluster = jest.fn();
    await renderInTestApp(
      <FleetPicture
        clusters={fleet.clusters}
        meshes={fleet.meshes}
        links={fleet.links}
        services={fleet.services}
        selectedCluster={selected}
        onSelectCluster={onSelectCluster}
        clusterHref={name => `/mesh?cluster=${name}`}
      />,
    );
    return onSelectCluster;
  }

  function withStaleCluster3(): Fleet {
    return {
      ...demo,
      clusters: demo.clusters.map(c =>
        c.name === 'cluster-3'
          ? {
              ...c,
              sync: {
                state: 'stale' as const,
                lastSuccessAt: '2026-11-22T09:00:00.000Z',
                error: {
                  reason: 'timeout' as const,
                  message: 'API server timed out after 10s',
                },
              },
            }
          : c,
      ),
    };
  }

  it('draws each mesh with its networks, clusters, services and gateways', async () => {
    await render();
    const picture = screen.getByTestId('fleet-picture');
    expect(
      within(picture).getByText('istio-mesh1 · Istio'),
    ).toBeInTheDocument();
    expect(
      within(picture).getByText('istio-mesh2 · Istio'),
    ).toBeInTheDocument();
    expect(
      within(picture).getByText('linkerd-cluster-4 · Linkerd'),
    ).toBeInTheDocument();
    expect(
      within(picture)
        .getAllByTestId('fleet-network')
        .map(n => n.textContent),
    ).toEqual(['network-1', 'network-2', 'network-3', 'network not labelled']);

    const two = screen.getByTestId('fleet-cluster-cluster-2');
    expect(within(two).getByText('cluster-2')).toBeInTheDocument();
    expect(within(two).getByText('● reachable')).toBeInTheDocument();
    expect(within(two).getByText('5 services')).toBeInTheDocument();
    expect(
      within(two).getByText('east-west 35.203.44.7:15443'),
    ).toBeInTheDocument();
    expect(
      within(screen.getByTestId('fleet-cluster-cluster-4')).getByText(
        'no east-west gateway',
      ),
    ).toBeInTheDocument();
  });

  it('draws each kind of link in its own style, with words for each', async () => {
    await render();
    const links = screen.getAllByTestId('fleet-link');
    expect(links.map(l => l.getAttribute('data-kind'))).toEqual([
      'shared-endpoint-discovery',
      'gateway-federation',
      'gateway-federation',
    ]);
    expect(links[0]).toHaveAccessibleName(
      "cluster-1 ↔ cluster-2: shared control plane (endpoint discovery); each reaches the other's services",
    );
    const dash = (i: number) =>
      links[i].querySelector('path')!.getAttribute('stroke-dasharray');
    expect(dash(0)).toBeNull();
    expect(dash(1)).toBe('9 5');
  });

  it('has a legend in words for every line style and cluster state', async () => {
    await render();
    const legend = screen.getByRole('list', { name: 'Legend' });
    for (const words of [
      'shared control plane (endpoint discovery)',
      'gateway federation (east-west gateway)',
      'Linkerd multicluster link',
      'reachable: data is current',
      'stale: last sync failed, last known data shown',
      'never synced: no data yet',
    ]) {
      expect(within(legend).getByText(words)).toBeInTheDocument();
    }
  });

  it('colours a stale cluster apart, says it in words, and gives the reason in its tooltip', async () => {
    await render(withStaleCluster3());
    const stale = screen.getByTestId('fleet-cluster-cluster-3');
    const ok = screen.getByTestId('fleet-cluster-cluster-2');
    expect(stale).toHaveAttribute('data-health', 'stale');
    expect(within(stale).getByText('▲ stale: unreachable')).toBeInTheDocument();
    const band = (node: HTMLElement) =>
      node.querySelectorAll('rect')[1].getAttribute('fill');
    expect(band(stale)).not.toBe(band(ok));
    expect(stale.querySelector('title')!.textContent).toBe(
      'cluster-3: stale: unreachable, 2 services, east-west gateway 34.77.120.9:15443. Last sync failed: API server timed out after 10s. Last successful sync: 2026-11-22 09:00 UTC.',
    );
    // the links that touch it are faded and say why
    const federation = screen
      .getAllByTestId('fleet-link')
      .filter(l => l.getAttribute('data-kind') === 'gateway-federation');
    expect(federation[0]).toHaveAccessibleName(
      /cluster-3 not synced now: the link may no longer hold/,
    );
  });

  it('links each cluster to its services, by click and by keyboard', async () => {
    const onSelectCluster = await render();
    await userEvent.tab();
    expect(screen.getByTestId('fleet-cluster-cluster-1')).toHaveFocus();
    await userEvent.keyboard('{Enter}');
    expect(onSelectCluster).toHaveBeenLastCalledWith('cluster-1');

    const two = screen.getByRole('link', { name: /^cluster-2: reachable/ });
    expect(two).toHaveAttribute('href', '/mesh?cluster=cluster-2');
    expect(two).toHaveAccessibleName(
      'cluster-2: reachable, 5 services, east-west gateway 35.203.44.7:15443. Show its services',
    );
    await userEvent.click(two);
    expect(onSelectCluster).toHaveBeenLastCalledWith('cluster-2');
  });

  it('marks the selected cluster', async () => {
    await render(demo, 'cluster-3');
    expect(screen.getByTestId('fleet-cluster-cluster-3')).toHaveAttribute(
      'aria-current',
      'true',
    );
    expect(screen.getByTestId('fleet-cluster-cluster-2')).not.toHaveAttribute(
      'aria-current',
    );
  });

  it('says when there is nothing to draw, and when a link names an unknown cluster', async () => {
    await render({
      ...demo,
      links: [
        ...demo.links,
        { from: 'cluster-1', to: 'gone', via: 'gateway-federation' },
      ],
    });
    expect(
      screen.getByText(
        '1 link names a cluster the fleet does not describe: it is not drawn.',
      ),
    ).toBeInTheDocument();
  });

  it('draws no picture for a fleet without clusters', async () => {
    await render({
      ...demo,
      clusters: [],
      meshes: [],
      links: [],
      services: [],
    });
    expect(screen.getByText('No cluster to draw yet.')).toBeInTheDocument();
    expect(screen.queryByTestId('fleet-picture')).not.toBeInTheDocument();
  });
});
