import type { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import {
  registerMswTestHooks,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { meshApiRef } from '../../api';
import {
  disputedReviews,
  fleet,
  mtls,
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
    expect(screen.getByText('Policies and mesh config')).toBeInTheDocument();
  });

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
