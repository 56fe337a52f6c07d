import type { Entity } from '@backstage/catalog-model';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import {
  registerMswTestHooks,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { meshApiRef } from '../../api';
import {
  allFindings,
  disputedReviews,
  fleet,
  mtls,
  reviewsTrace,
  traffic,
} from '../../__testUtils__/fixtures';
import {
  MESH_BASE_URL,
  meshBackendHandlers,
  meshTestClient,
} from '../../__testUtils__/meshBackend';
import { EntityMeshContent } from './EntityMeshContent';

function entity(annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'reviews', annotations },
    spec: { type: 'service', owner: 'team-books', lifecycle: 'production' },
  };
}

describe('EntityMeshContent', () => {
  const server = setupServer();
  registerMswTestHooks(server);
  beforeEach(() =>
    server.use(...meshBackendHandlers({ fleet, traffic, mtls })),
  );

  function renderFor(e: Entity) {
    return renderInTestApp(
      <TestApiProvider apis={[[meshApiRef, meshTestClient()]]}>
        <EntityProvider entity={e}>
          <EntityMeshContent />
        </EntityProvider>
      </TestApiProvider>,
      { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
    );
  }

  it('shows instances, traffic, mTLS and config of the annotated service', async () => {
    await renderFor(entity({ 'meshport.dev/service': 'bookinfo/reviews' }));
    expect(
      await screen.findByText('Instances (2 clusters)'),
    ).toBeInTheDocument();
    expect(
      await screen.findByText('7.50 rps · 2.00% err · p95 45 ms'),
    ).toBeInTheDocument();
    expect(
      await screen.findByRole('table', { name: 'mTLS per cluster' }),
    ).toBeInTheDocument();
    expect(screen.getByText('Mesh config')).toBeInTheDocument();
    expect(await screen.findByTestId('policies-card-empty')).toHaveTextContent(
      /No policy repository is configured/,
    );
    // a whole Mesh tab of cards: slow on a busy machine
  }, 20_000);

  it("shows the service's findings and where requests from its busiest caller go", async () => {
    let traceUrl: URL | undefined;
    server.use(
      ...meshBackendHandlers({
        fleet,
        traffic,
        mtls,
        findings: allFindings,
        trace: reviewsTrace,
      }),
    );
    server.use(
      http.get(`${MESH_BASE_URL}/trace`, ({ request }) => {
        traceUrl = new URL(request.url);
        return HttpResponse.json(reviewsTrace);
      }),
    );
    await renderFor(entity({ 'meshport.dev/service': 'bookinfo/reviews' }));
    const findings = await screen.findByRole('list', {
      name: 'Findings of bookinfo/reviews',
    });
    // only reviews' findings: ratings' is another service's
    expect(within(findings).getAllByTestId('finding')).toHaveLength(2);
    const legs = await screen.findAllByTestId('trace-leg');
    expect(legs.map(l => l.getAttribute('data-cluster'))).toEqual([
      'cluster-1',
      'cluster-2',
    ]);
    expect(traceUrl?.searchParams.get('fromCluster')).toBe('cluster-1');
    expect(traceUrl?.searchParams.get('fromNamespace')).toBe('bookinfo');
    expect(traceUrl?.searchParams.get('fromServiceAccount')).toBe(
      'bookinfo-productpage',
    );
    expect(traceUrl?.searchParams.get('fromLabels')).toBe(
      'app=productpage,version=v1',
    );
    expect(traceUrl?.searchParams.get('to')).toBe('bookinfo/reviews');
    expect(traceUrl?.searchParams.get('port')).toBe('9080');
    expect(traceUrl?.searchParams.get('method')).toBe('GET');
    expect(traceUrl?.searchParams.has('path')).toBe(false);
  }, 20_000);

  it('flags a service whose clusters dispute its owner, naming the claims', async () => {
    server.use(
      ...meshBackendHandlers({
        fleet: {
          ...fleet,
          services: fleet.services.map(s =>
            s.id === disputedReviews.id ? disputedReviews : s,
          ),
        },
        traffic,
        mtls,
      }),
    );
    await renderFor(entity({ 'meshport.dev/service': 'bookinfo/reviews' }));
    expect(
      await screen.findByText(
        /the ownership of mesh service bookinfo\/reviews is in conflict, so it has no owner: group:default\/mallory-team \(Service label in a-dev\) vs group:default\/team-books \(Service label in cluster-1\)/,
      ),
    ).toBeInTheDocument();
    expect(screen.queryByText(/owned by/)).not.toBeInTheDocument();
  });

  it('opens the request templates pre-filled with the service', async () => {
    await renderFor(entity({ 'meshport.dev/service': 'bookinfo/reviews' }));
    const formData = encodeURIComponent(
      JSON.stringify({ service: 'bookinfo/reviews' }),
    );
    // MUI renders the link buttons as <a role="button">.
    expect(
      (await screen.findByText('Request a route')).closest('a'),
    ).toHaveAttribute(
      'href',
      `/create/templates/default/request-mesh-route?formData=${formData}`,
    );
    expect(screen.getByText('Request access').closest('a')).toHaveAttribute(
      'href',
      `/create/templates/default/request-mesh-access?formData=${formData}`,
    );
  });

  it('asks for traffic, mTLS, findings and the busiest caller without waiting for the service', async () => {
    // The service's answer is held back: every other request of the tab must start anyway,
    // so the tab's data arrives in one round trip, not two.
    let release: () => void = () => {};
    const held = new Promise<void>(resolve => {
      release = resolve;
    });
    const asked: string[] = [];
    server.events.on('request:start', ({ request }) => {
      const url = new URL(request.url);
      asked.push(`${url.pathname.replace(/^.*\/api\/mesh/, '')}${url.search}`);
    });
    server.use(
      http.get(`${MESH_BASE_URL}/services/bookinfo/reviews`, async () => {
        await held;
        return HttpResponse.json(
          fleet.services.find(s => s.id === 'bookinfo/reviews'),
        );
      }),
    );
    await renderFor(entity({ 'meshport.dev/service': 'bookinfo/reviews' }));
    expect(
      await screen.findByText('7.50 rps · 2.00% err · p95 45 ms'),
    ).toBeInTheDocument();
    expect(asked).toEqual(
      expect.arrayContaining([
        '/services/bookinfo/reviews',
        '/services/bookinfo/reviews/traffic?window=15m',
        '/services/bookinfo/reviews/traffic?window=1h',
        '/services/bookinfo/reviews/mtls?window=15m',
        expect.stringMatching(/^\/findings\?.*service=bookinfo%2Freviews/),
      ]),
    );
    expect(screen.queryByText('Instances (2 clusters)')).toBeNull();
    release();
    expect(
      await screen.findByText('Instances (2 clusters)'),
    ).toBeInTheDocument();
    server.events.removeAllListeners();
  }, 20_000);

  it('tells the user to add the annotation when the entity has none', async () => {
    await renderFor(entity({}));
    expect(
      screen.getByText('This entity has no meshport.dev/service annotation'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/Add meshport.dev\/service with <namespace>\/<name>/),
    ).toBeInTheDocument();
  });

  it('explains an unknown service', async () => {
    await renderFor(entity({ 'meshport.dev/service': 'bookinfo/gone' }));
    expect(
      await screen.findByText(/Meshport does not know service bookinfo\/gone/),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/Check that the namespace and name match/),
    ).toBeInTheDocument();
  });

  it('explains a backend that cannot be reached', async () => {
    server.use(
      http.get(`${MESH_BASE_URL}/services/bookinfo/reviews`, () =>
        HttpResponse.error(),
      ),
    );
    await renderFor(entity({ 'meshport.dev/service': 'bookinfo/reviews' }));
    expect(
      await screen.findByText(/to load service bookinfo\/reviews/),
    ).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Retry' })).toBeInTheDocument();
  });
});
