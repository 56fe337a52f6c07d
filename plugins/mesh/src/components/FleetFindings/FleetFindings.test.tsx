import type { Entity } from '@backstage/catalog-model';
import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MeshApi, meshApiRef } from '../../api';
import { fakeMeshApi, findingsResponse } from '../../__testUtils__/fixtures';
import { ServiceLinkProvider } from '../ServiceLink';
import { FleetFindings } from './FleetFindings';

const reviewsEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'reviews.bookinfo',
    namespace: 'default',
    annotations: { 'meshport.dev/service': 'bookinfo/reviews' },
  },
  spec: { type: 'service', owner: 'team-books', lifecycle: 'production' },
};

function renderWith(api: MeshApi, withCatalog = true) {
  const apis: any[] = [[meshApiRef, api]];
  if (withCatalog) {
    apis.push([catalogApiRef, catalogApiMock({ entities: [reviewsEntity] })]);
  }
  return renderInTestApp(
    <TestApiProvider apis={apis as any}>
      <ServiceLinkProvider
        href={s => `/mesh/services/${s.namespace}/${s.name}`}
      >
        <FleetFindings />
      </ServiceLinkProvider>
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}

function tableTitled(title: string) {
  return screen
    .getAllByRole('table')
    .find(t => t.closest('[class*="MuiPaper"]')?.textContent?.includes(title))!;
}

describe('FleetFindings', () => {
  it('counts findings per cluster and per service, linking services to their entity pages', async () => {
    await renderWith(fakeMeshApi());
    expect(await screen.findByTestId('findings-total')).toHaveTextContent(
      '1 error · 1 warning · 1 info',
    );
    const list = screen.getByRole('list', { name: 'Findings of the fleet' });
    expect(
      within(list)
        .getAllByTestId('finding')
        .map(f => f.getAttribute('aria-label')),
    ).toEqual([
      'error MESH103: Subset missing where its traffic lands',
      'warning MESH701: Port without protocol',
      'info MESH502: Failover without outlier detection',
    ]);

    const clusters = tableTitled('Per cluster');
    const cluster2 = within(clusters)
      .getAllByRole('row')
      .find(r => r.textContent?.startsWith('cluster-2'))!;
    // cluster-2: one error (MESH103), one warning (MESH701), no info
    expect(
      within(cluster2)
        .getAllByRole('cell')
        .map(c => c.textContent),
    ).toEqual(['cluster-2', '1', '1', '0']);

    // reviews has an entity in the catalog: linked there; ratings has none: its mesh page
    await waitFor(() =>
      expect(
        screen.getByRole('link', { name: 'bookinfo/reviews' }),
      ).toHaveAttribute('href', '/catalog/default/component/reviews.bookinfo'),
    );
    expect(
      screen.getByRole('link', { name: 'bookinfo/ratings' }),
    ).toHaveAttribute('href', '/mesh/services/bookinfo/ratings');
  }, 30_000);

  it('filters by severity and by team on the server', async () => {
    const user = userEvent.setup();
    const api = fakeMeshApi();
    const getFindings = jest.fn(api.getFindings);
    await renderWith({ ...api, getFindings });
    await screen.findByTestId('findings-total', {}, { timeout: 10_000 });

    await user.click(screen.getByRole('checkbox', { name: 'info' }));
    await waitFor(() =>
      expect(screen.getByTestId('findings-total')).toHaveTextContent(
        /^1 error · 1 warning$/,
      ),
    );
    expect(getFindings).toHaveBeenLastCalledWith(
      expect.objectContaining({ severity: ['error', 'warning'] }),
    );
    expect(screen.queryByText(/MESH502/)).toBeNull();

    await user.click(screen.getByRole('button', { name: /Team/ }));
    await user.click(
      await screen.findByRole('option', { name: 'group:default/platform' }),
    );
    await waitFor(() =>
      expect(screen.getByTestId('findings-total')).toHaveTextContent(
        /^1 error$/,
      ),
    );
    expect(getFindings).toHaveBeenLastCalledWith(
      expect.objectContaining({ owner: 'group:default/platform' }),
    );
    // the other teams are still offered
    await user.click(screen.getByRole('button', { name: /Team/ }));
    expect(
      await screen.findByRole('option', { name: 'group:default/team-ratings' }),
    ).toBeInTheDocument();
  }, 30_000);

  it('says when there are no findings, and shows the notes', async () => {
    await renderWith(
      fakeMeshApi({
        getFindings: async () =>
          findingsResponse(
            [],
            ['cluster-3 was never synced: its config is unknown'],
          ),
      }),
      false,
    );
    expect(await screen.findByTestId('findings-total')).toHaveTextContent(
      'No findings',
    );
    expect(screen.getByTestId('findings-note')).toHaveTextContent(
      'cluster-3 was never synced',
    );
    expect(screen.queryByRole('table')).toBeNull();
  });

  it('explains a failed load', async () => {
    await renderWith(
      fakeMeshApi({
        getFindings: async () => {
          throw new Error('analysis unavailable');
        },
      }),
    );
    expect(await screen.findByTestId('mesh-error')).toHaveTextContent(
      'analysis unavailable',
    );
  });
});
