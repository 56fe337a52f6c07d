import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { Trace } from '@meshport/backstage-plugin-mesh-policy';
import { MeshApi, meshApiRef } from '../../api';
import {
  cluster1,
  cluster2,
  fakeMeshApi,
  reviews,
  reviewsTrace,
  traffic,
} from '../../__testUtils__/fixtures';
import { TracePanel } from './TracePanel';

function renderWith(api: MeshApi) {
  return renderInTestApp(
    <TestApiProvider apis={[[meshApiRef, api]]}>
      <TracePanel service={reviews} clusters={[cluster1, cluster2]} />
    </TestApiProvider>,
  );
}

describe('TracePanel', () => {
  it('traces from the busiest caller seen in traffic and draws one leg per serving cluster', async () => {
    const traceRequest = jest.fn(async () => reviewsTrace);
    await renderWith(fakeMeshApi({ traceRequest }));

    const diagram = await screen.findByRole('figure', {
      name: 'Where a request from bookinfo/productpage-v1 in cluster-1 to reviews.bookinfo.svc.cluster.local:9080 goes',
    });
    expect(traceRequest).toHaveBeenCalledWith({
      from: {
        cluster: 'cluster-1',
        namespace: 'bookinfo',
        serviceAccount: 'bookinfo-productpage',
        labels: { app: 'productpage', version: 'v1' },
      },
      to: { namespace: 'bookinfo', name: 'reviews' },
      port: 9080,
      path: undefined,
      method: 'GET',
    });
    expect(within(diagram).getByTestId('trace-route')).toHaveTextContent(
      'VirtualService bookinfo/reviews-shift, route "shift", timeout 5s',
    );
    const destinations = within(diagram).getAllByTestId('trace-destination');
    expect(destinations).toHaveLength(2);
    expect(destinations[0]).toHaveTextContent('50 % → subset v1');

    const legs = within(diagram).getAllByTestId('trace-leg');
    expect(legs.map(l => l.getAttribute('data-cluster'))).toEqual([
      'cluster-1',
      'cluster-2',
    ]);
    const [local, remote] = legs;
    expect(local).toHaveAttribute('data-fails', 'false');
    expect(local).toHaveTextContent("local: in the caller's cluster");
    expect(local).toHaveTextContent('ISTIO_MUTUAL · mutual TLS');
    expect(local).toHaveTextContent(
      'sidecar allows: no AuthorizationPolicy selects reviews',
    );
    expect(local).toHaveAccessibleName(
      '50 % to subset v1 in cluster-1: reaches 1 ready endpoint',
    );

    // the failing leg says why in words, not only in red
    expect(remote).toHaveAttribute('data-fails', 'true');
    expect(remote).toHaveTextContent(
      'east-west gateway istio-system/istio-eastwestgateway at 203.0.113.20, SNI outbound_.9080_.v3_.reviews.bookinfo.svc.cluster.local',
    );
    expect(remote).toHaveTextContent('the gateway has no chain for this SNI');
    expect(within(remote).getByTestId('trace-leg-outcome')).toHaveTextContent(
      'fails: the east-west gateway of cluster-2 has no chain for SNI',
    );
    expect(screen.getByTestId('trace-summary')).toHaveTextContent(
      '1 of 2 legs fail',
    );
    // the first render of a suite pays for loading MUI: slow on a busy machine
  }, 20_000);

  it('starts empty without traffic, and traces the caller the user picks', async () => {
    const user = userEvent.setup();
    const traceRequest = jest.fn(async () => ({
      ...reviewsTrace,
      legs: [reviewsTrace.legs[0]],
      ok: true,
    }));
    await renderWith(
      fakeMeshApi({
        traceRequest,
        getServiceTraffic: async () => ({ ...traffic, inbound: [] }),
      }),
    );
    expect(
      await screen.findByText(/^Pick a calling workload/),
    ).toBeInTheDocument();
    expect(traceRequest).not.toHaveBeenCalled();

    await user.click(screen.getByRole('button', { name: /Caller's cluster/ }));
    await user.click(await screen.findByRole('option', { name: 'cluster-1' }));
    await user.click(screen.getByRole('textbox', { name: 'Calling workload' }));
    await user.click(
      await screen.findByRole('option', {
        name: 'bookinfo/productpage-v1 (service account bookinfo-productpage)',
      }),
    );
    await waitFor(() => expect(traceRequest).toHaveBeenCalledTimes(1));
    expect(await screen.findByTestId('trace-summary')).toHaveTextContent(
      'Every leg reaches a ready endpoint',
    );

    await user.click(screen.getByRole('button', { name: /Method/ }));
    await user.click(await screen.findByRole('option', { name: 'POST' }));
    await waitFor(() =>
      expect(traceRequest).toHaveBeenLastCalledWith(
        expect.objectContaining({ method: 'POST', port: 9080 }),
      ),
    );
    // several menus opened by a simulated user: slow on a busy machine
  }, 30_000);

  it('says when the request fails before any leg', async () => {
    const failed: Trace = {
      ...reviewsTrace,
      route: undefined,
      legs: [],
      failure:
        'no route: VirtualService bookinfo/reviews-shift matches no request to /admin',
      ok: false,
    };
    await renderWith(fakeMeshApi({ traceRequest: async () => failed }));
    expect(await screen.findByTestId('trace-summary')).toHaveTextContent(
      'The request fails before any leg: no route',
    );
    expect(screen.queryAllByTestId('trace-leg')).toHaveLength(0);
  });

  it('explains a trace the backend refuses', async () => {
    await renderWith(
      fakeMeshApi({
        traceRequest: async () => {
          throw new Error(
            'fromCluster cluster-9 is not a cluster of the fleet',
          );
        },
      }),
    );
    expect(await screen.findByTestId('mesh-error')).toHaveTextContent(
      'fromCluster cluster-9 is not a cluster of the fleet',
    );
  });
  it("shows the backend's reason when it refuses the trace's input", async () => {
    const refused = Object.assign(
      new Error('Request failed with 400 Bad Request'),
      {
        name: 'ResponseError',
        statusCode: 400,
        body: {
          error: {
            name: 'InputError',
            message: 'port 1234 is not a port of bookinfo/reviews',
          },
        },
      },
    );
    await renderWith(
      fakeMeshApi({
        traceRequest: async () => {
          throw refused;
        },
      }),
    );
    const error = await screen.findByTestId('mesh-error');
    expect(error).toHaveTextContent(
      'port 1234 is not a port of bookinfo/reviews (Request failed with 400 Bad Request)',
    );
    expect(error).toHaveTextContent(/The mesh backend refused the request/);
  });
});
