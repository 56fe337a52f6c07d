import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MeshApi, meshApiRef } from '../../api';
import { fakeMeshApi, fleet } from '../../testing/fixtures';
import { ServiceLinkProvider } from '../ServiceLink';
import { FleetOverviewPage } from './FleetOverviewPage';

function renderWith(api: MeshApi) {
  return renderInTestApp(
    <TestApiProvider apis={[[meshApiRef, api]]}>
      <ServiceLinkProvider
        href={s => `/mesh/services/${s.namespace}/${s.name}`}
      >
        <FleetOverviewPage />
      </ServiceLinkProvider>
    </TestApiProvider>,
  );
}

describe('FleetOverviewPage', () => {
  it('tells the user how to add clusters when none are discovered', async () => {
    await renderWith(
      fakeMeshApi({
        getFleet: async () => ({ ...fleet, clusters: [], services: [] }),
      }),
    );
    expect(
      await screen.findByText('No clusters discovered yet'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/kubernetes\.clusterLocatorMethods/),
    ).toBeInTheDocument();
  });

  it('lists clusters with their sync state, version, network and trust domain', async () => {
    await renderWith(fakeMeshApi());
    expect(await screen.findByText('Clusters (2)')).toBeInTheDocument();
    expect(
      screen.getByText('stale: API server timed out after 10s'),
    ).toBeInTheDocument();
    expect(screen.getByText('unreachable (stale data)')).toBeInTheDocument();
    expect(screen.getByText('reachable')).toBeInTheDocument();
    expect(screen.getAllByText('Istio 1.24.2')).toHaveLength(2);
    expect(screen.getByText('network-2')).toBeInTheDocument();
    expect(screen.getAllByText('cluster.local')).toHaveLength(2);
    expect(screen.getByText('2026-11-22 09:00 UTC')).toBeInTheDocument();
  });

  it('shows the meshes and how clusters connect', async () => {
    await renderWith(fakeMeshApi());
    expect(
      await screen.findByText('istio-mesh1 (istio) — cluster-1, cluster-2'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'cluster-1 → cluster-2: shared control plane (endpoint discovery)',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'cluster-2 → cluster-1: gateway federation (east-west gateway)',
      ),
    ).toBeInTheDocument();
  });

  it('searches services on the backend and links each to its page', async () => {
    const api = fakeMeshApi();
    const getServices = jest.spyOn(api, 'getServices');
    await renderWith(api);
    expect(await screen.findByText('Services (2)')).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: 'bookinfo/reviews' }),
    ).toHaveAttribute('href', '/mesh/services/bookinfo/reviews');
    expect(screen.getByText('cluster-2 (stale)')).toBeInTheDocument();

    await userEvent.type(screen.getByLabelText('Search services'), 'product');
    expect(await screen.findByText('Services (1)')).toBeInTheDocument();
    expect(getServices).toHaveBeenLastCalledWith({ q: 'product', limit: 50 });
    expect(
      screen.queryByRole('link', { name: 'bookinfo/reviews' }),
    ).not.toBeInTheDocument();

    await userEvent.clear(screen.getByLabelText('Search services'));
    await userEvent.type(screen.getByLabelText('Search services'), 'zzz');
    await waitFor(() =>
      expect(screen.getByText(/No service matches "zzz"/)).toBeInTheDocument(),
    );
  });

  it('explains the error when the backend refuses', async () => {
    await renderWith(
      fakeMeshApi({
        getFleet: async () => {
          throw Object.assign(new Error('forbidden'), { statusCode: 403 });
        },
      }),
    );
    expect(
      await screen.findByText(/You may not read the fleet/),
    ).toBeInTheDocument();
    expect(screen.getByText(/mesh\.fleet\.read/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Retry' })).toBeInTheDocument();
  });
});
