import {
  registerMswTestHooks,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http } from 'msw';
import { setupServer } from 'msw/node';
import { meshApiRef } from '../../api';
import { demoFleet } from '../../__testUtils__/demoFleet';
import {
  MESH_BASE_URL,
  meshBackendHandlers,
  meshTestClient,
} from '../../__testUtils__/meshBackend';
import { clusterFromSearch, searchWithCluster } from './clusterFilter';
import { FleetOverview } from './FleetOverviewPage';

describe('clusterFromSearch and searchWithCluster', () => {
  it('reads the cluster, treating blank as none', () => {
    expect(clusterFromSearch('?cluster=cluster-2')).toBe('cluster-2');
    expect(clusterFromSearch('?cluster=%20')).toBeUndefined();
    expect(clusterFromSearch('?cluster=')).toBeUndefined();
    expect(clusterFromSearch('')).toBeUndefined();
    expect(clusterFromSearch('?q=reviews')).toBeUndefined();
  });

  it('sets and removes the cluster, keeping the other parameters', () => {
    expect(searchWithCluster('?q=x', 'cluster-2')).toBe(
      '?q=x&cluster=cluster-2',
    );
    expect(searchWithCluster('?cluster=a&q=x', 'b')).toBe('?cluster=b&q=x');
    expect(searchWithCluster('?cluster=a&q=x')).toBe('?q=x');
    expect(searchWithCluster('?cluster=a')).toBe('');
    expect(searchWithCluster('', 'gke_p/1 x')).toBe('?cluster=gke_p%2F1+x');
  });
});

describe('the overview narrowed to one cluster', () => {
  const server = setupServer();
  registerMswTestHooks(server);
  const fleet = demoFleet();
  const asked: (string | null)[] = [];
  beforeEach(() => {
    asked.length = 0;
    window.history.replaceState(null, '', '/mesh');
    server.use(
      // Records which cluster each search asked for, then falls through to the backend's handler.
      http.get(`${MESH_BASE_URL}/services`, ({ request }) => {
        asked.push(new URL(request.url).searchParams.get('cluster'));
      }),
      ...meshBackendHandlers({ fleet }),
    );
  });

  function render() {
    return renderInTestApp(
      <TestApiProvider apis={[[meshApiRef, meshTestClient()]]}>
        <FleetOverview />
      </TestApiProvider>,
    );
  }

  it("lists a cluster's services when it is picked in the picture, and all again after", async () => {
    await render();
    expect(await screen.findByText('Services (11)')).toBeInTheDocument();

    await userEvent.click(
      screen.getByRole('link', { name: /^cluster-2: reachable/ }),
    );
    expect(
      await screen.findByRole('heading', { name: 'Services in cluster-2' }),
    ).toBeInTheDocument();
    expect(await screen.findByText('Services (5)')).toBeInTheDocument();
    expect(asked[asked.length - 1]).toBe('cluster-2');
    expect(window.location.search).toBe('?cluster=cluster-2');
    // the keyboard user lands on the list they asked for
    expect(screen.getByTestId('cluster-filter')).toHaveFocus();
    expect(screen.getByTestId('fleet-cluster-cluster-2')).toHaveAttribute(
      'aria-current',
      'true',
    );

    await userEvent.click(
      screen.getByRole('button', { name: 'Show every cluster’s services' }),
    );
    expect(await screen.findByText('Services (11)')).toBeInTheDocument();
    expect(asked[asked.length - 1]).toBeNull();
    expect(window.location.search).toBe('');
  }, 20_000);

  it('puts words a reader sees first, before the picture’s hidden ones', async () => {
    await render();
    await screen.findByTestId('fleet-picture');
    // what the demo e2e looks for on the overview: the first match must be visible text
    const first = screen.getAllByText(/gateway federation/i)[0];
    expect(first.tagName.toLowerCase()).not.toBe('title');
    expect(first.closest('[data-testid="fleet-legend"]')).not.toBeNull();
  });

  it("links each cluster's service count in the clusters table to the same list", async () => {
    await render();
    const clusters = (await screen.findByText('Clusters (4)')).closest(
      '.MuiPaper-root',
    ) as HTMLElement;
    const link = within(clusters).getByRole('link', {
      name: '2 services in cluster-3: show them',
    });
    expect(link).toHaveAttribute('href', '/mesh?cluster=cluster-3');
    await userEvent.click(link);
    expect(
      await screen.findByRole('heading', { name: 'Services in cluster-3' }),
    ).toBeInTheDocument();
    await waitFor(() => expect(asked[asked.length - 1]).toBe('cluster-3'));
  }, 20_000);

  it('opens narrowed from the address, and says so when the cluster is not in the fleet', async () => {
    window.history.replaceState(null, '', '/mesh?cluster=cluster-4');
    const first = await render();
    expect(
      await screen.findByRole('heading', { name: 'Services in cluster-4' }),
    ).toBeInTheDocument();
    expect(await screen.findByText('Services (2)')).toBeInTheDocument();
    // opening the page with a filter does not move the focus
    expect(screen.getByTestId('cluster-filter')).not.toHaveFocus();
    first.unmount();

    window.history.replaceState(null, '', '/mesh?cluster=nope');
    await render();
    expect(
      await screen.findByText(/The fleet has no cluster named "nope"/),
    ).toBeInTheDocument();
    expect(await screen.findByText('Services (11)')).toBeInTheDocument();
    expect(asked.every(c => c !== 'nope')).toBe(true);
  }, 20_000);
});
