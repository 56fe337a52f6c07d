import {
  registerMswTestHooks,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { meshApiRef } from '../../api';
import {
  backendError,
  MESH_BASE_URL,
  meshBackendHandlers,
  meshTestClient,
} from '../../__testUtils__/meshBackend';
import { fleet } from '../../__testUtils__/fixtures';
import {
  applied,
  drifted,
  policies,
  repository,
} from '../../__testUtils__/policies';
import { ServiceLinkProvider } from '../ServiceLink';
import { Policies } from './PoliciesPage';

describe('Policies page', () => {
  const server = setupServer();
  registerMswTestHooks(server);
  beforeEach(() => {
    window.history.replaceState(null, '', '/mesh/policies');
    server.use(...meshBackendHandlers({ fleet, policies }));
  });

  function render() {
    return renderInTestApp(
      <TestApiProvider apis={[[meshApiRef, meshTestClient()]]}>
        <ServiceLinkProvider
          href={s => `/mesh/services/${s.namespace}/${s.name}`}
        >
          <Policies />
        </ServiceLinkProvider>
      </TestApiProvider>,
    );
  }

  const rows = () =>
    within(screen.getByRole('table', { name: 'Policies' }))
      .getAllByRole('row')
      .slice(1);

  it('lists every policy worst first with its state in words, per cluster, PR and timings', async () => {
    await render();
    expect(await screen.findByText('Policies (4)')).toBeInTheDocument();
    const [rejectedRow, driftedRow, requestedRow, appliedRow] = rows();
    expect(within(rejectedRow).getByText('rejected')).toBeInTheDocument();
    expect(
      within(rejectedRow).getByText('cluster-2: rejected'),
    ).toBeInTheDocument();
    expect(within(driftedRow).getByText('drifted')).toBeInTheDocument();
    expect(
      within(driftedRow).getByText('cluster-1: drifted'),
    ).toBeInTheDocument();
    expect(
      within(driftedRow).getByText('cluster-2: applied'),
    ).toBeInTheDocument();
    expect(within(requestedRow).getByText('requested')).toBeInTheDocument();
    expect(
      within(requestedRow).getByRole('link', { name: /^#14 open/ }),
    ).toHaveAttribute(
      'href',
      'https://github.com/meshport-demo/mesh-policies/pull/14',
    );
    expect(
      within(requestedRow).getByText(
        'reviewers: meshport-demo/bookinfo-team, ana-books',
      ),
    ).toBeInTheDocument();
    expect(
      within(requestedRow).getByText('awaiting review'),
    ).toBeInTheDocument();
    expect(within(appliedRow).getByText('applied')).toBeInTheDocument();
    expect(
      within(appliedRow).getByText(
        'merged after 2 h 30 min, applied 3 min later',
      ),
    ).toBeInTheDocument();
    expect(within(appliedRow).getByText('bookinfo-team')).toBeInTheDocument();
    expect(
      within(appliedRow).getByRole('link', { name: 'bookinfo/reviews' }),
    ).toHaveAttribute('href', '/mesh/services/bookinfo/reviews');
    // the state's meaning is its title, and every state has an icon beside its word
    expect(within(driftedRow).getByText('drifted')).toHaveAttribute(
      'title',
      expect.stringMatching(/differs from what the branch renders/),
    );
  });

  it("shows the repository's sync, last sync, commit and CODEOWNERS status", async () => {
    await render();
    const repo = await screen.findByTestId('policy-repository');
    expect(
      within(repo).getByRole('link', {
        name: new RegExp(`^${repository.webUrl}`),
      }),
    ).toBeInTheDocument();
    expect(
      within(repo).getByText(
        'synced · last sync 2026-11-22 10:00 UTC at 3f1c2a9',
      ),
    ).toBeInTheDocument();
    expect(
      within(repo).getByText('CODEOWNERS matches the catalog’s owners'),
    ).toBeInTheDocument();
  });

  it.each([
    [
      'rate-limited' as const,
      'GitHub rate limit reached; retrying at 10:15 UTC',
      'rate-limited by the SCM',
    ],
    [
      'unauthorized' as const,
      'The token of integrations.github[0] was refused: renew it',
      'token refused',
    ],
    [
      'not-found' as const,
      'github.com/meshport-demo/mesh-policies does not exist or the token cannot see it',
      'repository or branch not found',
    ],
  ])(
    'says a %s repository keeps the last known states, with its message',
    async (status, message, text) => {
      server.use(
        ...meshBackendHandlers({
          fleet,
          policies: {
            ...policies,
            repositories: [
              {
                ...repository,
                status,
                message,
                codeOwners: 'out-of-date',
                codeOwnersMessage:
                  "CODEOWNERS differs from the catalog's owners in the rules of bookinfo/reviews",
              },
            ],
          },
        }),
      );
      await render();
      const repo = await screen.findByTestId('policy-repository');
      expect(
        within(repo).getByText(new RegExp(`^${text}`)),
      ).toBeInTheDocument();
      expect(
        within(repo).getByText(
          `${message} The states below are the last known ones.`,
        ),
      ).toBeInTheDocument();
      expect(
        within(repo).getByText(/CODEOWNERS is out of date with the catalog/),
      ).toBeInTheDocument();
      expect(
        within(repo).getByText(
          "CODEOWNERS differs from the catalog's owners in the rules of bookinfo/reviews",
        ),
      ).toBeInTheDocument();
      expect(rows()).toHaveLength(4);
    },
  );

  it('opens a drifted row to the field-level diff and what to do, by keyboard', async () => {
    await render();
    await screen.findByText('Policies (4)');
    const toggle = screen.getByRole('button', {
      name: `Show the clusters of ${drifted.ref}`,
    });
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
    toggle.focus();
    await userEvent.keyboard('{Enter}');
    expect(toggle).toHaveAttribute('aria-expanded', 'true');
    const diff = screen.getByRole('table', {
      name: 'Drift of VirtualService bookinfo/reviews-shift in cluster-1',
    });
    const diffRows = within(diff).getAllByRole('row');
    expect(diffRows[1]).toHaveTextContent('spec.http[0].route[0].weight9050');
    expect(diffRows[3]).toHaveTextContent(
      'metadata.annotations.edited-by(not set)kubectl',
    );
    expect(
      screen.getByText(/re-apply the branch to cluster-1/),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        /make it in the policy \(policies\/bookinfo\/reviews\/trafficpolicy-reviews-shift\.yaml\) by a pull request/,
      ),
    ).toBeInTheDocument();
    await userEvent.keyboard(' ');
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
    expect(screen.queryByRole('table', { name: /^Drift of/ })).toBeNull();
  });

  it("shows Istio's validation messages of a rejected object", async () => {
    await render();
    await userEvent.click(
      await screen.findByRole('button', {
        name: 'Show the clusters of virtualdestination.bookinfo.reviews-global',
      }),
    );
    expect(
      screen.getByText(
        'Istio ERROR IST0101: Referenced host not found: "reviews.bookinfo.global"',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText(/Fix what Istio reports/)).toBeInTheDocument();
  });

  it('says a requested policy has no clusters until it is merged', async () => {
    await render();
    await userEvent.click(
      await screen.findByRole('button', {
        name: 'Show the clusters of trafficpolicy.bookinfo.ratings-timeout',
      }),
    );
    expect(screen.getByText(/Not on the branch yet/)).toBeInTheDocument();
  });

  it('lists orphans in their own section', async () => {
    await render();
    const orphans = await screen.findByRole('table', {
      name: 'Orphaned objects',
    });
    expect(
      within(orphans).getByText('DestinationRule bookinfo/old-reviews-subsets'),
    ).toBeInTheDocument();
    expect(screen.getByText('Orphaned objects (1)')).toBeInTheDocument();
  });

  it('filters by state, asking the backend and keeping it in the address', async () => {
    let asked: URLSearchParams | undefined;
    server.events.on('request:start', ({ request }) => {
      if (new URL(request.url).pathname.endsWith('/policies'))
        asked = new URL(request.url).searchParams;
    });
    await render();
    await screen.findByText('Policies (4)');
    const state = screen.getByRole('combobox', { name: 'State' });
    expect(
      within(state).getByRole('option', { name: 'drifted (1)' }),
    ).toBeInTheDocument();
    await userEvent.selectOptions(state, 'drifted');
    await waitFor(() => expect(rows()).toHaveLength(1));
    expect(asked?.get('state')).toBe('drifted');
    expect(window.location.search).toBe('?state=drifted');
    expect(
      within(rows()[0]).getByText('reviews-shift', { exact: false }),
    ).toBeInTheDocument();
  });

  it('applies the text filters on Enter, and clears them all', async () => {
    await render();
    await screen.findByText('Policies (4)');
    await userEvent.click(screen.getByRole('textbox', { name: 'Service' }));
    await userEvent.paste('bookinfo/ratings');
    await userEvent.keyboard('{Enter}');
    await waitFor(() => expect(rows()).toHaveLength(1));
    expect(window.location.search).toBe('?service=bookinfo%2Fratings');
    await userEvent.click(screen.getByRole('textbox', { name: 'Cluster' }));
    await userEvent.paste('cluster-9');
    await userEvent.keyboard('{Enter}');
    expect(
      await screen.findByText('No policy matches these filters.'),
    ).toBeInTheDocument();
    await userEvent.click(
      screen.getByRole('button', { name: 'Clear filters' }),
    );
    await waitFor(() => expect(rows()).toHaveLength(4));
    expect(window.location.search).toBe('');
    expect(screen.getByRole('textbox', { name: 'Service' })).toHaveValue('');
  }, 15_000);

  it('starts from the filters in the address, team and cluster included', async () => {
    window.history.replaceState(
      null,
      '',
      `/mesh/policies?team=${encodeURIComponent(
        'group:default/platform-team',
      )}&cluster=cluster-2`,
    );
    await render();
    await waitFor(() => expect(rows()).toHaveLength(1));
    expect(rows()[0]).toHaveTextContent('reviews-global');
    expect(screen.getByRole('textbox', { name: 'Team' })).toHaveValue(
      'group:default/platform-team',
    );
  });

  it('says a state in the address is not one, and shows every state', async () => {
    window.history.replaceState(null, '', '/mesh/policies?state=broken');
    await render();
    expect(
      await screen.findByText(/"broken" is not a policy state/),
    ).toBeInTheDocument();
    expect(rows()).toHaveLength(4);
  });

  it('tells how to configure a repository when none is', async () => {
    server.use(...meshBackendHandlers({ fleet }));
    await render();
    expect(
      await screen.findByText('No policy repository configured'),
    ).toBeInTheDocument();
    expect(
      screen.getAllByText(/mesh\.policyRepositories/).length,
    ).toBeGreaterThan(0);
  });

  it('says when the repositories hold no policy yet', async () => {
    server.use(
      ...meshBackendHandlers({
        fleet,
        policies: { ...policies, items: [], orphans: [] },
      }),
    );
    await render();
    expect(await screen.findByTestId('policies-empty')).toHaveTextContent(
      /hold no policy/,
    );
  });

  it('says no repository could be read yet rather than that none holds a policy', async () => {
    server.use(
      ...meshBackendHandlers({
        fleet,
        policies: {
          ...policies,
          repositories: [
            {
              ...repository,
              status: 'unauthorized',
              message:
                'Bad credentials: renew the token of integrations.github',
              lastSyncAt: undefined,
              commit: undefined,
            },
          ],
          items: [],
          orphans: [],
        },
      }),
    );
    await render();
    expect(await screen.findByTestId('policies-empty')).toHaveTextContent(
      'No repository has been read yet',
    );
    expect(
      screen.getByText('token refused · last sync never'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'Bad credentials: renew the token of integrations.github',
      ),
    ).toBeInTheDocument();
  });

  it('says when only some policies are shown', async () => {
    server.use(
      http.get(`${MESH_BASE_URL}/policies`, () =>
        HttpResponse.json({ ...policies, items: [applied], totalCount: 900 }),
      ),
    );
    await render();
    expect(
      await screen.findByText(/Showing the first 1 of 900 policies/),
    ).toBeInTheDocument();
  });

  it('explains a failed load and retries', async () => {
    let calls = 0;
    server.use(
      http.get(`${MESH_BASE_URL}/policies`, () => {
        calls += 1;
        return calls === 1
          ? backendError(400, 'InputError', 'state "x" is not a policy state')
          : HttpResponse.json(policies);
      }),
    );
    await render();
    expect(await screen.findByTestId('mesh-error')).toHaveTextContent(
      'state "x" is not a policy state',
    );
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByText('Policies (4)')).toBeInTheDocument();
  });

  it('shows progress while loading', async () => {
    server.use(
      http.get(`${MESH_BASE_URL}/policies`, () => new Promise(() => {})),
    );
    await render();
    expect(screen.getByTestId('progress')).toBeInTheDocument();
  });
});
