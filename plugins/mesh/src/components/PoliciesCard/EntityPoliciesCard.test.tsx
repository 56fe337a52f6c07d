import type { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import {
  registerMswTestHooks,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { setupServer } from 'msw/node';
import { meshApiRef } from '../../api';
import { fleet } from '../../__testUtils__/fixtures';
import {
  meshBackendHandlers,
  meshTestClient,
} from '../../__testUtils__/meshBackend';
import { policies } from '../../__testUtils__/policies';
import { legacyPoliciesRouteRef } from '../../routes';
import { LegacyEntityPoliciesCard } from './EntityPoliciesCard';

const entity = (annotations: Record<string, string>): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'reviews', annotations },
  spec: { type: 'service', owner: 'bookinfo-team', lifecycle: 'production' },
});

describe('LegacyEntityPoliciesCard', () => {
  const server = setupServer();
  registerMswTestHooks(server);
  beforeEach(() => server.use(...meshBackendHandlers({ fleet, policies })));

  const render = (e: Entity, mountedRoutes = {}) =>
    renderInTestApp(
      <TestApiProvider apis={[[meshApiRef, meshTestClient()]]}>
        <EntityProvider entity={e}>
          <LegacyEntityPoliciesCard />
        </EntityProvider>
      </TestApiProvider>,
      { mountedRoutes },
    );

  it("shows the entity's service's policies, linked to the mounted Policies page filtered by it", async () => {
    await render(entity({ 'meshport.dev/service': 'bookinfo/reviews' }), {
      '/mesh/policies': legacyPoliciesRouteRef,
    });
    expect(
      await screen.findByRole('link', { name: /on the Policies page/ }),
    ).toHaveAttribute('href', '/mesh/policies?service=bookinfo%2Freviews');
    expect(screen.getByText('drifted')).toBeInTheDocument();
  });

  it('has no link when the app did not mount the Policies page', async () => {
    await render(entity({ 'meshport.dev/service': 'bookinfo/reviews' }));
    expect(
      await screen.findByRole('table', { name: 'Policies about this service' }),
    ).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: /Policies page/ })).toBeNull();
  });

  it('renders nothing for an entity that names no mesh service', async () => {
    const { container } = await render(entity({}));
    expect(container).toBeEmptyDOMElement();
  });
});
