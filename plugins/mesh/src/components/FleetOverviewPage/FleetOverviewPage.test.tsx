import {
  registerMswTestHooks,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http } from 'msw';
import { setupServer } from 'msw/node';
import { meshApiRef } from '../../api';
import { disputedReviews, fleet } from '../../__testUtils__/fixtures';
import {
  backendError,
  MESH_BASE_URL,
  meshBackendHandlers,
  meshTestClient,
} from '../../__testUtils__/meshBackend';
import { ServiceLinkProvider } from '../ServiceLink';
import { FleetOverviewPage } from './FleetOverviewPage';

describe('FleetOverviewPage', () => {
  const server = setupServer();
  registerMswTestHooks(server);
  beforeEach(() => server.use(...meshBackendHandlers({ fleet })));

  function render() {
    return renderInTestApp(
      <TestApiProvider apis={[[meshApiRef, meshTestClient()]]}>
        <ServiceLinkProvider
          href={s => `/mesh/services/${s.namespace}/${s.name}`}
        >
          <FleetOverviewPage />
        </ServiceLinkProvider>
      </TestApiProvider>,
    );
  }

  it('tells the user how to add clusters when none are discovered', async () => {
    server.use(
      ...meshBackendHandlers({
        fleet: { ...fleet, clusters: [], services: [] },
      }),
    );
    await render();
    expect(
      await screen.findByText('No clusters discovered yet'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/kubernetes\.clusterLocatorMethods/),
    ).toBeInTheDocument();
  });

  it('lists clusters with their sync state, version, network and trust domain', async () => {
    await render();
    expect(await screen.findByText('Clusters (2)')).toBeInTheDocument();
    expect(
      screen.getByText('stale: API server timed out after 10s'),
    ).toBeInTheDocument();
    expect(screen.getByText('unreachable (stale data)')).toBeInTheDocument();
    expect(screen.getByText('reachable')).toBeInTheDocument();
    expect(screen.getAllByText('Istio 1.24.2')).toHaveLength(2);
    expect(screen.getByRole('cell', { name: 'network-2' })).toBeInTheDocument();
    expect(screen.getAllByText('cluster.local')).toHaveLength(2);
    expect(screen.getByText('2026-11-22 09:00 UTC')).toBeInTheDocument();
  });

  it('tells a cluster discovery cannot authenticate to from an unreachable one, with what to configure', async () => {
    const message =
      "cluster gke-1: authProvider 'google' uses the token of the Backstage user viewing the page, and discovery runs in the background with no user; read this cluster with authProvider 'googleServiceAccount'";
    server.use(
      ...meshBackendHandlers({
        fleet: {
          ...fleet,
          clusters: fleet.clusters.map((c, i) =>
            i === 0
              ? {
                  ...c,
                  sync: {
                    state: 'never-synced' as const,
                    error: { reason: 'auth-config' as const, message },
                  },
                }
              : c,
          ),
        },
      }),
    );
    await render();
    expect(
      await screen.findByText('auth provider not usable by discovery'),
    ).toBeInTheDocument();
    expect(screen.getByText(`never-synced: ${message}`)).toBeInTheDocument();
  });

  it("says which malformed objects a cluster's sync skipped, and what it could not find out", async () => {
    server.use(
      ...meshBackendHandlers({
        fleet: {
          ...fleet,
          clusters: fleet.clusters.map((c, i) =>
            i === 0
              ? {
                  ...c,
                  skippedObjects: {
                    count: 2,
                    byKind: { Service: 1, Pod: 1 },
                    examples: [
                      {
                        kind: 'Service',
                        object: 'bookinfo/ratings-named',
                        reason:
                          'spec.ports[0].port "http" is not a port number (an integer from 1 to 65535)',
                      },
                      {
                        kind: 'Pod',
                        object: 'an object without a usable name',
                        reason: 'it has no metadata',
                      },
                    ],
                  },
                  warnings: ['remote clusters unknown: listing … was refused'],
                }
              : c,
          ),
        },
      }),
    );
    await render();
    expect(
      await screen.findByText(
        /^2 malformed objects skipped \(Service 1, Pod 1\)/,
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'Service bookinfo/ratings-named: spec.ports[0].port "http" is not a port number (an integer from 1 to 65535)',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'Pod an object without a usable name: it has no metadata',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText('remote clusters unknown: listing … was refused'),
    ).toBeInTheDocument();
  });

  it('shows the meshes and how clusters connect', async () => {
    await render();
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
    const searches: URLSearchParams[] = [];
    server.use(
      // Records the query, then falls through to the backend's handler.
      http.get(`${MESH_BASE_URL}/services`, ({ request }) => {
        searches.push(new URL(request.url).searchParams);
      }),
    );
    await render();
    expect(await screen.findByText('Services (2)')).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: 'bookinfo/reviews' }),
    ).toHaveAttribute('href', '/mesh/services/bookinfo/reviews');
    expect(screen.getByText('cluster-2 (stale)')).toBeInTheDocument();

    await userEvent.type(screen.getByLabelText('Search services'), 'product');
    expect(await screen.findByText('Services (1)')).toBeInTheDocument();
    expect(Object.fromEntries(searches[searches.length - 1])).toEqual({
      q: 'product',
      limit: '50',
    });
    expect(
      screen.queryByRole('link', { name: 'bookinfo/reviews' }),
    ).not.toBeInTheDocument();

    await userEvent.clear(screen.getByLabelText('Search services'));
    await userEvent.type(screen.getByLabelText('Search services'), 'zzz');
    await waitFor(() =>
      expect(screen.getByText(/No service matches "zzz"/)).toBeInTheDocument(),
    );
    // several debounced searches through the real client: seconds on a loaded machine
  }, 20_000);

  it('flags a service whose ownership is disputed instead of naming an owner', async () => {
    server.use(
      ...meshBackendHandlers({
        fleet: {
          ...fleet,
          services: fleet.services.map(s =>
            s.id === disputedReviews.id ? disputedReviews : s,
          ),
        },
      }),
    );
    await render();
    expect(await screen.findByText('ownership disputed')).toBeInTheDocument();
  });

  it('explains the error when the backend refuses', async () => {
    server.use(
      http.get(`${MESH_BASE_URL}/fleet`, () =>
        backendError(
          403,
          'NotAllowedError',
          'You are not allowed to read the mesh fleet (permission mesh.fleet.read)',
        ),
      ),
    );
    await render();
    expect(
      await screen.findByText(/You may not read the fleet/),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        /Reading the mesh needs the permission mesh\.fleet\.read/,
      ),
    ).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Retry' })).toBeInTheDocument();
  });
});
