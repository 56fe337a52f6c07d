import type { Entity } from '@backstage/catalog-model';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen, waitFor } from '@testing-library/react';
import { MeshApi, meshApiRef } from '../../api';
import {
  fakeMeshApi,
  findingsResponse,
  missingSubset,
} from '../../__testUtils__/fixtures';
import { EntityMeshFindingsWarning } from './EntityMeshFindingsWarning';

function entity(annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'reviews', namespace: 'default', annotations },
    spec: { type: 'service', owner: 'team-books', lifecycle: 'production' },
  };
}

function renderWith(api: MeshApi, e: Entity) {
  return renderInTestApp(
    <TestApiProvider apis={[[meshApiRef, api]]}>
      <EntityProvider entity={e}>
        <div data-testid="overview">
          <EntityMeshFindingsWarning />
        </div>
      </EntityProvider>
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}

const reviewsEntity = entity({ 'meshport.dev/service': 'bookinfo/reviews' });

describe('EntityMeshFindingsWarning', () => {
  it('counts the errors of the service and links to the Mesh tab', async () => {
    const getFindings = jest.fn(async () =>
      findingsResponse([missingSubset, { ...missingSubset, key: 'other' }]),
    );
    await renderWith(fakeMeshApi({ getFindings }), reviewsEntity);
    const banner = await screen.findByTestId('mesh-findings-warning');
    expect(banner).toHaveTextContent(
      '2 mesh configuration errors in bookinfo/reviews — see the Mesh tab',
    );
    expect(
      screen.getByRole('link', { name: 'see the Mesh tab' }),
    ).toHaveAttribute('href', '/catalog/default/component/reviews/mesh');
    expect(getFindings).toHaveBeenCalledWith({
      service: 'bookinfo/reviews',
      severity: ['error'],
      limit: 1,
    });
  });

  it('renders nothing when the service has no errors', async () => {
    const getFindings = jest.fn(async () => findingsResponse([]));
    await renderWith(fakeMeshApi({ getFindings }), reviewsEntity);
    await waitFor(() => expect(getFindings).toHaveBeenCalled());
    expect(screen.getByTestId('overview')).toBeEmptyDOMElement();
  });

  it('renders nothing when the findings cannot be read', async () => {
    const getFindings = jest.fn(async () => {
      throw new Error('forbidden');
    });
    await renderWith(fakeMeshApi({ getFindings }), reviewsEntity);
    await waitFor(() => expect(getFindings).toHaveBeenCalled());
    expect(screen.getByTestId('overview')).toBeEmptyDOMElement();
  });

  it('renders nothing and asks nothing for an entity without a mesh service', async () => {
    const getFindings = jest.fn();
    await renderWith(fakeMeshApi({ getFindings }), entity({}));
    expect(screen.getByTestId('overview')).toBeEmptyDOMElement();
    expect(getFindings).not.toHaveBeenCalled();
  });
});
