import {
  registerMswTestHooks,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import type { ServiceDependencies } from '@meshport/backstage-plugin-mesh-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http } from 'msw';
import { setupServer } from 'msw/node';
import { meshApiRef } from '../../api';
import { allFindings, fleet } from '../../__testUtils__/fixtures';
import {
  backendError,
  MESH_BASE_URL,
  meshBackendHandlers,
  meshTestClient,
} from '../../__testUtils__/meshBackend';
import { ServiceLinkProvider } from '../ServiceLink';
import { ServicesTable } from './ServicesTable';

const ref = (id: string) => {
  const [namespace, name] = id.split('/');
  return { namespace, name };
};

/** productpage is called by the gateway; reviews by productpage, with failures and plaintext. */
const dependencies: ServiceDependencies = {
  window: '5m',
  windowSeconds: 300,
  evaluatedAt: fleet.generatedAt,
  source: 'snapshot',
  dependencies: [
    {
      from: ref('bookinfo/productpage'),
      to: ref('bookinfo/reviews'),
      requestsPerSecond: 10,
      connectionsPerSecond: 0,
      errorsPerSecond: 0.5,
      mtlsRequestsPerSecond: 8,
      plaintextRequestsPerSecond: 2,
      clusterPairs: [{ from: 'cluster-1', to: 'cluster-2' }],
    },
    {
      from: ref('istio-system/istio-ingressgateway'),
      to: ref('bookinfo/productpage'),
      requestsPerSecond: 20,
      connectionsPerSecond: 0,
      errorsPerSecond: 0,
      mtlsRequestsPerSecond: 20,
      plaintextRequestsPerSecond: 0,
      clusterPairs: [{ from: 'cluster-1', to: 'cluster-1' }],
    },
  ],
  clusters: fleet.clusters.map(c => ({
    cluster: c.name,
    state: 'ok',
    source: 'snapshot',
  })),
  partial: false,
};

describe('ServicesTable', () => {
  const server = setupServer();
  registerMswTestHooks(server);
  const asked: string[] = [];
  beforeEach(() => {
    asked.length = 0;
    server.use(
      ...meshBackendHandlers({ fleet, dependencies, findings: allFindings }),
    );
    server.events.on('request:start', ({ request }) => {
      const url = new URL(request.url);
      asked.push(`${url.pathname.replace(/^.*\/api\/mesh/, '')}${url.search}`);
    });
  });
  afterEach(() => server.events.removeAllListeners());

  function render() {
    return renderInTestApp(
      <TestApiProvider apis={[[meshApiRef, meshTestClient()]]}>
        <ServiceLinkProvider
          href={s => `/mesh/services/${s.namespace}/${s.name}`}
        >
          <ServicesTable />
        </ServiceLinkProvider>
      </TestApiProvider>,
    );
  }

  /** The services' names, top to bottom. */
  const order = () =>
    screen
      .getAllByRole('link')
      .map(a => a.textContent)
      .filter(t => t?.startsWith('bookinfo/'));

  /** The cells of a service's row. */
  const rowOf = (id: string) =>
    within(screen.getByRole('link', { name: id }).closest('tr')!);

  it("shows each service's request rate, error ratio, mTLS share and findings from one read each", async () => {
    await render();
    await screen.findByText('5.00%');
    const reviews = rowOf('bookinfo/reviews');
    expect(reviews.getByText('10.0 rps')).toBeInTheDocument();
    expect(reviews.getByText('5.00%')).toBeInTheDocument();
    expect(reviews.getByText('80.0%')).toBeInTheDocument();
    expect(reviews.getByText('1 error · 1 warning')).toBeInTheDocument();
    const productpage = rowOf('bookinfo/productpage');
    expect(productpage.getByText('20.0 rps')).toBeInTheDocument();
    expect(productpage.getByText('0%')).toBeInTheDocument();
    expect(productpage.getByText('100%')).toBeInTheDocument();
    expect(productpage.getByText('none')).toBeInTheDocument();
    expect(screen.queryByRole('alert')).toBeNull();

    // a search asks for services again, never for the figures
    await userEvent.type(screen.getByLabelText('Search services'), 'rev');
    await waitFor(() => expect(order()).toEqual(['bookinfo/reviews']));
    expect(asked.filter(a => a.startsWith('/dependencies'))).toEqual([
      '/dependencies?window=5m',
    ]);
    expect(asked.filter(a => a.startsWith('/findings'))).toEqual([
      '/findings?severity=error%2Cwarning&limit=500',
    ]);
  }, 20_000);

  it('sorts by each figure, from the keyboard too', async () => {
    await render();
    await screen.findByText('5.00%');
    // reviews: 10 rps, 5 % errors, 80 % mTLS, 2 findings; productpage: 20 rps, 0 %, 100 %, none
    const lowestFirst: Record<string, string[]> = {
      'Request rate': ['bookinfo/reviews', 'bookinfo/productpage'],
      'Error ratio': ['bookinfo/productpage', 'bookinfo/reviews'],
      'mTLS share': ['bookinfo/reviews', 'bookinfo/productpage'],
      Findings: ['bookinfo/productpage', 'bookinfo/reviews'],
    };
    for (const [column, ascending] of Object.entries(lowestFirst)) {
      const button = screen.getByRole('button', { name: column });
      // material-table keeps the direction when switching columns: read it off the icon
      const direction = () =>
        button.querySelector('[class*="iconDirectionDesc"]') ? 'desc' : 'asc';
      button.focus();
      await userEvent.keyboard('{Enter}');
      const first = direction();
      expect(order()).toEqual(
        first === 'asc' ? ascending : [...ascending].reverse(),
      );
      await userEvent.keyboard('{Enter}');
      expect(direction()).not.toBe(first);
      expect(order()).toEqual(
        direction() === 'asc' ? ascending : [...ascending].reverse(),
      );
    }
  }, 20_000);

  it('keeps services without traffic last, whichever the direction', async () => {
    server.use(
      ...meshBackendHandlers({
        fleet,
        findings: allFindings,
        // only reviews has traffic
        dependencies: {
          ...dependencies,
          dependencies: dependencies.dependencies.slice(0, 1),
        },
      }),
    );
    await render();
    await screen.findByText('5.00%');
    // its three figures, and its subsets (it has none)
    expect(rowOf('bookinfo/productpage').getAllByText('—')).toHaveLength(4);
    const byErrors = screen.getByRole('button', { name: 'Error ratio' });
    await userEvent.click(byErrors);
    expect(order()).toEqual(['bookinfo/reviews', 'bookinfo/productpage']);
    await userEvent.click(byErrors);
    expect(order()).toEqual(['bookinfo/reviews', 'bookinfo/productpage']);
  }, 20_000);

  it('says once above the table that no traffic source answers, and shows "—"', async () => {
    // the backend's answer without a traffic source (meshBackendHandlers' default)
    server.use(...meshBackendHandlers({ fleet, findings: allFindings }));
    await render();
    expect(
      await screen.findByText(/^No traffic figures: no traffic source/),
    ).toBeInTheDocument();
    expect(screen.getAllByText(/No traffic figures/)).toHaveLength(1);
    await waitFor(() =>
      expect(rowOf('bookinfo/reviews').getAllByText('—')).toHaveLength(3),
    );
    expect(
      rowOf('bookinfo/reviews').getByText('1 error · 1 warning'),
    ).toBeInTheDocument();
  });

  it('still lists the services when the figures cannot be read, saying why and what to do', async () => {
    server.use(
      http.get(`${MESH_BASE_URL}/dependencies`, () =>
        backendError(503, 'ServiceUnavailableError', 'Prometheus timed out'),
      ),
      http.get(`${MESH_BASE_URL}/findings`, () =>
        backendError(500, 'Error', 'analysis failed'),
      ),
    );
    await render();
    expect(
      await screen.findByText(
        /^The mesh backend failed while loading the traffic figures \(Prometheus timed out\): request rate, error ratio and mTLS share are left empty\. Look at the backend logs/,
      ),
    ).toBeInTheDocument();
    expect(
      await screen.findByText(
        /^The mesh backend failed while loading the findings \(analysis failed\): their counts are left empty/,
      ),
    ).toBeInTheDocument();
    expect(await screen.findByText('Services (2)')).toBeInTheDocument();
    // unknown, not "none": three figures and the findings
    expect(rowOf('bookinfo/reviews').getAllByText('—')).toHaveLength(4);
    expect(screen.queryByText('none')).toBeNull();
  });
});
