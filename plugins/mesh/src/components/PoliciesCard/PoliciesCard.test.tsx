import {
  registerMswTestHooks,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { meshApiRef } from '../../api';
import { fleet } from '../../__testUtils__/fixtures';
import {
  backendError,
  MESH_BASE_URL,
  meshBackendHandlers,
  meshTestClient,
} from '../../__testUtils__/meshBackend';
import { policies, repository } from '../../__testUtils__/policies';
import { PoliciesLinkProvider, searchWithFilters } from '../Policies';
import { PoliciesCard } from './PoliciesCard';

describe('PoliciesCard', () => {
  const server = setupServer();
  registerMswTestHooks(server);
  beforeEach(() => server.use(...meshBackendHandlers({ fleet, policies })));

  function render(service = { namespace: 'bookinfo', name: 'reviews' }) {
    return renderInTestApp(
      <TestApiProvider apis={[[meshApiRef, meshTestClient()]]}>
        <PoliciesLinkProvider
          href={filters => `/mesh/policies${searchWithFilters('', filters)}`}
        >
          <PoliciesCard service={service} />
        </PoliciesLinkProvider>
      </TestApiProvider>,
    );
  }

  it("lists the service's policies with their states per cluster and PRs, linked to the page filtered", async () => {
    await render();
    const table = await screen.findByRole('table', {
      name: 'Policies about this service',
    });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(3);
    expect(rows[0]).toHaveTextContent(
      'VirtualDestination bookinfo/reviews-globalowner platform-team',
    );
    expect(
      within(rows[0]).getByText('cluster-2: rejected'),
    ).toBeInTheDocument();
    expect(within(rows[1]).getByText('drifted')).toBeInTheDocument();
    expect(within(rows[1]).getByText('cluster-1: drifted')).toBeInTheDocument();
    expect(within(rows[2]).getByText('applied')).toBeInTheDocument();
    expect(
      within(rows[2]).getByRole('link', { name: /^#11 merged/ }),
    ).toHaveAttribute(
      'href',
      'https://github.com/meshport-demo/mesh-policies/pull/11',
    );
    expect(
      screen.getByRole('link', { name: /on the Policies page/ }),
    ).toHaveAttribute('href', '/mesh/policies?service=bookinfo%2Freviews');
  });

  it('shows a requested policy before it has clusters', async () => {
    await render({ namespace: 'bookinfo', name: 'ratings' });
    const table = await screen.findByRole('table', {
      name: 'Policies about this service',
    });
    const [row] = within(table).getAllByRole('row').slice(1);
    expect(within(row).getByText('requested')).toBeInTheDocument();
    expect(within(row).getByRole('link', { name: /^#14 open/ })).toBeVisible();
  });

  it('says the states are the last known when a repository could not be read', async () => {
    server.use(
      ...meshBackendHandlers({
        fleet,
        policies: {
          ...policies,
          repositories: [
            {
              ...repository,
              status: 'unauthorized',
              message: 'the token was refused',
            },
          ],
        },
      }),
    );
    await render();
    expect(
      await screen.findByText(
        `Last known states: ${repository.webUrl} is unauthorized (the token was refused).`,
      ),
    ).toBeInTheDocument();
  });

  it('says no policy is about the service, with how to propose one', async () => {
    await render({ namespace: 'bookinfo', name: 'details' });
    expect(await screen.findByTestId('policies-card-empty')).toHaveTextContent(
      'No Meshport policy is about bookinfo/details',
    );
  });

  it('says no repository is configured', async () => {
    server.use(...meshBackendHandlers({ fleet }));
    await render();
    expect(await screen.findByTestId('policies-card-empty')).toHaveTextContent(
      /mesh\.policyRepositories/,
    );
    expect(screen.queryByRole('link', { name: /Policies page/ })).toBeNull();
  });

  it('has no link when the app has no Policies page', async () => {
    await renderInTestApp(
      <TestApiProvider apis={[[meshApiRef, meshTestClient()]]}>
        <PoliciesCard service={{ namespace: 'bookinfo', name: 'reviews' }} />
      </TestApiProvider>,
    );
    await screen.findByRole('table', { name: 'Policies about this service' });
    expect(screen.queryByRole('link', { name: /Policies page/ })).toBeNull();
  });

  it('explains a failed load and retries', async () => {
    let calls = 0;
    server.use(
      http.get(`${MESH_BASE_URL}/policies`, () => {
        calls += 1;
        return calls === 1
          ? backendError(503, 'ServiceUnavailableError', 'policies not synced')
          : HttpResponse.json(policies);
      }),
    );
    await render();
    expect(await screen.findByTestId('mesh-error')).toHaveTextContent(
      'policies not synced',
    );
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(
      await screen.findByRole('table', { name: 'Policies about this service' }),
    ).toBeInTheDocument();
  });
});
