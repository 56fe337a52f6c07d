import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import type { Fleet } from '@meshport/backstage-plugin-mesh-common';
import { MeshApi, meshApiRef } from '../../api';
import { FleetOverviewPage } from './FleetOverviewPage';

const emptyFleet: Fleet = {
  generatedAt: '2026-11-22T00:00:00.000Z',
  clusters: [],
  meshes: [],
  services: [],
  links: [],
};

function renderWith(api: MeshApi) {
  return renderInTestApp(
    <TestApiProvider apis={[[meshApiRef, api]]}>
      <FleetOverviewPage />
    </TestApiProvider>,
  );
}

describe('FleetOverviewPage', () => {
  it('tells the user how to add clusters when none are discovered', async () => {
    await renderWith({ getFleet: async () => emptyFleet });
    expect(
      await screen.findByText('No clusters discovered yet'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/kubernetes\.clusterLocatorMethods/),
    ).toBeInTheDocument();
  });

  it('lists clusters with their sync state and stale reason', async () => {
    await renderWith({
      getFleet: async () => ({
        ...emptyFleet,
        clusters: [
          {
            name: 'cluster-2',
            sync: {
              state: 'stale',
              lastSuccessAt: '2026-11-22T00:00:00.000Z',
              error: { reason: 'timeout', message: 'timed out after 10s' },
            },
            regions: [],
            zones: [],
            network: 'network-2',
            controlPlanes: [],
            eastWestGateways: [],
          },
        ],
      }),
    });
    expect(await screen.findByText('cluster-2')).toBeInTheDocument();
    expect(screen.getByText('stale: timed out after 10s')).toBeInTheDocument();
    expect(screen.getByText('network-2')).toBeInTheDocument();
  });

  it('shows the error when the backend refuses', async () => {
    await renderWith({
      getFleet: async () => {
        throw new Error('mesh backend unavailable');
      },
    });
    expect(
      await screen.findByText(/mesh backend unavailable/),
    ).toBeInTheDocument();
  });
});
