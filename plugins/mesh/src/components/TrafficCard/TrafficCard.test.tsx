import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { MeshApi, meshApiRef } from '../../api';
import { fakeMeshApi, traffic } from '../../__testUtils__/fixtures';
import { TrafficCard } from './TrafficCard';

const service = { namespace: 'bookinfo', name: 'reviews' };

function renderWith(api: MeshApi) {
  return renderInTestApp(
    <TestApiProvider apis={[[meshApiRef, api]]}>
      <TrafficCard
        service={service}
        window="15m"
        clusters={['cluster-1', 'cluster-2']}
      />
    </TestApiProvider>,
  );
}

describe('TrafficCard', () => {
  it('draws callers per cluster into each instance with their figures, and the charts', async () => {
    await renderWith(fakeMeshApi());
    expect(
      await screen.findByRole('img', {
        name: 'Traffic of bookinfo/reviews between clusters',
      }),
    ).toBeInTheDocument();
    expect(
      screen.getByText('7.50 rps · 2.00% err · p95 45 ms'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('2.50 rps · 0% err · p95 120 ms'),
    ).toBeInTheDocument();
    expect(screen.getAllByTestId('traffic-edge')).toHaveLength(3);
    expect(screen.getAllByTestId('traffic-node-self')).toHaveLength(2);
    expect(
      screen.getByRole('img', {
        name: 'Inbound requests per second, by cluster',
      }),
    ).toBeInTheDocument();
    expect(screen.getAllByTestId('chart-line')).toHaveLength(4);
  });

  it('says which cluster has no traffic source and how to configure it', async () => {
    await renderWith(
      fakeMeshApi({
        getServiceTraffic: async () => ({
          ...traffic,
          inbound: traffic.inbound.slice(0, 1),
          clusters: [
            { cluster: 'cluster-1', state: 'ok', source: 'prometheus:global' },
            { cluster: 'cluster-2', state: 'unavailable', source: 'none' },
          ],
          partial: true,
        }),
      }),
    );
    expect(
      await screen.findByText(
        /No traffic source configured for cluster-2 — install the Prometheus traffic module and set mesh\.clusters\[\]\.prometheus\.url/,
      ),
    ).toBeInTheDocument();
  });

  it('explains an empty window instead of drawing nothing', async () => {
    await renderWith(
      fakeMeshApi({
        getServiceTraffic: async () => ({
          ...traffic,
          inbound: [],
          outbound: [],
        }),
      }),
    );
    expect(
      await screen.findByText(
        /No traffic to or from bookinfo\/reviews in the last 15m/,
      ),
    ).toBeInTheDocument();
  });
});
