import {
  registerMswTestHooks,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http } from 'msw';
import { setupServer } from 'msw/node';
import { meshApiRef } from '../../api';
import { demoFleet } from '../../__testUtils__/demoFleet';
import { fieldProps } from '../../__testUtils__/fieldProps';
import {
  backendError,
  MESH_BASE_URL,
  meshBackendHandlers,
  meshTestClient,
} from '../../__testUtils__/meshBackend';
import {
  MeshPolicyPreview,
  MeshPolicyPreviewOptions,
} from './MeshPolicyPreview';
import { seedRouteForm } from '../../__testUtils__/templateForms';

/** The seed route with its third target's weight changed, as the split editor stores it. */
const withThirdWeight = (weight: unknown) => ({
  ...seedRouteForm,
  route: seedRouteForm.route.map((row, i) =>
    i === 2 ? { ...row, weight } : row,
  ),
});

const VIRTUAL_SERVICE =
  'rendered/cluster-1/bookinfo/reviews/virtualservice-meshport-reviews.yaml';

describe('MeshPolicyPreview', () => {
  const server = setupServer();
  registerMswTestHooks(server);
  beforeEach(() => server.use(...meshBackendHandlers({ fleet: demoFleet() })));

  // One client for a whole test, as the app has: a re-render must not fetch the fleet again.
  let client = meshTestClient();
  beforeEach(() => {
    client = meshTestClient();
  });

  function props(
    formData: Record<string, unknown>,
    kind: MeshPolicyPreviewOptions['kind'] = 'TrafficPolicy',
  ) {
    return fieldProps<undefined, MeshPolicyPreviewOptions>({
      required: false,
      schema: { title: 'Preview' },
      uiSchema: { 'ui:options': { kind } },
      formContext: { formData },
    });
  }

  const element = (p: ReturnType<typeof props>) => (
    <TestApiProvider apis={[[meshApiRef, client]]}>
      <MeshPolicyPreview {...p} />
    </TestApiProvider>
  );

  it('shows the VirtualService the seed route adds to cluster-1, and the subset cluster-2 must serve', async () => {
    const p = props(seedRouteForm);
    await renderInTestApp(element(p));

    const cluster1 = await screen.findByRole('region', {
      name: 'Resources for cluster-1',
    });
    expect(
      within(cluster1).getByText('cluster-1: adds 2 resources'),
    ).toBeInTheDocument();
    const virtualService = within(cluster1).getByRole('group', {
      name: VIRTUAL_SERVICE,
    });
    await waitFor(() =>
      expect(virtualService).toHaveTextContent(
        /kind: VirtualService.*subset: cluster-2-v3\s*weight: 75.*subset: cluster-1-v1\s*weight: 15.*subset: cluster-1-v2\s*weight: 10/,
      ),
    );
    // cluster-2 is on another network: its east-west gateway needs the subset (issue 15)
    expect(
      screen.getByRole('region', { name: 'Resources for cluster-2' }),
    ).toHaveTextContent('cluster-2: adds 1 resource');
    expect(
      screen.getByText(
        'No problems against the live fleet: the request adds 3 resources in 2 clusters.',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('group', {
        name: 'policies/bookinfo/reviews/trafficpolicy-reviews-from-cluster-1.yaml',
      }),
    ).toBeInTheDocument();
    // A read-only field: it never sets a value the form would submit or validate.
    expect(p.onChange).not.toHaveBeenCalled();
  });

  it('follows the edits, once the user pauses, and says when the weights do not add up to 100', async () => {
    const rendered = await renderInTestApp(element(props(seedRouteForm)));
    expect(
      await screen.findByRole('group', { name: VIRTUAL_SERVICE }),
    ).toBeInTheDocument();

    rendered.rerender(element(props(withThirdWeight(5))));
    // Debounced: the old preview stays, marked as updating, until the form is still.
    expect(screen.getByText('· updating…')).toBeInTheDocument();
    expect(
      screen.getByRole('group', { name: VIRTUAL_SERVICE }),
    ).toBeInTheDocument();

    expect(
      await screen.findByText(
        'Targets and weights: weights add up to 95, they must add up to 100',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText('The scaffolder would refuse this request'),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('group', { name: VIRTUAL_SERVICE }),
    ).not.toBeInTheDocument();
    expect(screen.queryByText('· updating…')).not.toBeInTheDocument();
  });

  it('shows the AuthorizationPolicy an access request adds to each cluster serving the service', async () => {
    await renderInTestApp(
      element(
        props(
          {
            service: 'bookinfo/reviews',
            source1: {
              cluster: 'cluster-1',
              namespace: 'bookinfo',
              serviceAccount: 'bookinfo-productpage',
            },
            methods: ['GET'],
          },
          'AccessPolicy',
        ),
      ),
    );
    for (const cluster of ['cluster-1', 'cluster-2']) {
      const region = await screen.findByRole('region', {
        name: `Resources for ${cluster}`,
      });
      const policy = within(region).getByRole('group', {
        name: `rendered/${cluster}/bookinfo/reviews/authorizationpolicy-meshport-bookinfo-bookinfo-productpage-cluster-1-to-reviews.yaml`,
      });
      await waitFor(() =>
        expect(policy).toHaveTextContent(
          /kind: AuthorizationPolicy.*principals:.*\/ns\/bookinfo\/sa\/bookinfo-productpage/,
        ),
      );
    }
  });

  it('says clearly that there is no preview when the fleet cannot be loaded, and that submitting still works', async () => {
    server.use(
      http.get(
        `${MESH_BASE_URL}/fleet`,
        () =>
          backendError(
            403,
            'NotAllowedError',
            'You are not allowed to read the mesh fleet (permission mesh.fleet.read)',
          ),
        { once: true },
      ),
    );
    await renderInTestApp(element(props(seedRouteForm)));
    expect(
      await screen.findByText('No preview: the fleet could not be loaded'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/needs the permission mesh\.fleet\.read/),
    ).toHaveTextContent(/You can still submit the request/);

    // The next answer is the fleet again.
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(
      await screen.findByRole('group', { name: VIRTUAL_SERVICE }),
    ).toBeInTheDocument();
  });

  it('tells the template author when the request kind is not set', async () => {
    await renderInTestApp(
      element(
        fieldProps<undefined, MeshPolicyPreviewOptions>({
          formContext: { formData: seedRouteForm },
        }),
      ),
    );
    expect(
      screen.getByText(
        /set ui:options\.kind of this field to TrafficPolicy or AccessPolicy/,
      ),
    ).toBeInTheDocument();
  });
});
