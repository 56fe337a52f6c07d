import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { screen, within } from '@testing-library/react';
import { MeshApi, meshApiRef } from '../../api';
import {
  fakeMeshApi,
  findingsResponse,
  missingSubset,
  unnamedPort,
} from '../../__testUtils__/fixtures';
import { FindingsCard } from './FindingsCard';

const service = { namespace: 'bookinfo', name: 'reviews' };

function renderWith(api: MeshApi) {
  return renderInTestApp(
    <TestApiProvider apis={[[meshApiRef, api]]}>
      <FindingsCard service={service} />
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}

describe('FindingsCard', () => {
  it("lists the service's findings worst first, with fix, objects, owners and equivalents", async () => {
    const getFindings = jest.fn(async () =>
      // the backend's order is not trusted: the warning comes first here
      findingsResponse([unnamedPort, missingSubset]),
    );
    await renderWith(fakeMeshApi({ getFindings }));
    const list = await screen.findByRole('list', {
      name: 'Findings of bookinfo/reviews',
    });
    expect(getFindings).toHaveBeenCalledWith(
      expect.objectContaining({ service: 'bookinfo/reviews' }),
    );
    expect(screen.getByText('1 error · 1 warning')).toBeInTheDocument();
    const items = within(list).getAllByTestId('finding');
    expect(items).toHaveLength(2);
    const [first, second] = items;
    expect(first).toHaveAccessibleName(
      'error MESH103: Subset missing where its traffic lands',
    );
    // severity as a word, not colour alone
    expect(within(first).getByTestId('finding-severity')).toHaveTextContent(
      'error',
    );
    expect(first).toHaveTextContent(
      'Fix: Add subset v3 (labels version: v3) to DestinationRule bookinfo/reviews in cluster cluster-2',
    );
    expect(
      within(first).getByText(
        'VirtualService bookinfo/reviews-shift @ cluster-1',
      ),
    ).toBeInTheDocument();
    expect(first).toHaveTextContent(
      'from policy bookinfo/trafficpolicy-reviews-shift',
    );
    expect(
      within(first).getByText('DestinationRule bookinfo/reviews @ cluster-2')
        .parentElement,
    ).toHaveTextContent('proposed');
    expect(
      within(first).getByRole('link', { name: 'team-books' }),
    ).toHaveAttribute('href', '/catalog/default/group/team-books');
    expect(
      within(first).getByRole('link', { name: 'platform' }),
    ).toBeInTheDocument();
    expect(within(first).getByTestId('finding-equivalent')).toHaveTextContent(
      'same as Istio IST0101 · Kiali KIA1107',
    );
    expect(second).toHaveAccessibleName(
      'warning MESH701: Port without protocol',
    );
    expect(within(second).queryByTestId('finding-equivalent')).toBeNull();
  });

  it('shows the notes of what the analysis could not look at', async () => {
    await renderWith(
      fakeMeshApi({
        getFindings: async () =>
          findingsResponse(
            [],
            [
              'Checks that need traffic were skipped: no traffic source is installed',
            ],
          ),
      }),
    );
    expect(await screen.findByTestId('findings-note')).toHaveTextContent(
      'Checks that need traffic were skipped',
    );
    expect(screen.getByTestId('findings-empty')).toHaveTextContent(
      /^No findings/,
    );
  });

  it('says there are no findings', async () => {
    await renderWith(
      fakeMeshApi({ getFindings: async () => findingsResponse([]) }),
    );
    expect(await screen.findByTestId('findings-empty')).toBeInTheDocument();
    expect(screen.getByText('No findings')).toBeInTheDocument();
  });

  it('explains a failed load and offers a retry', async () => {
    await renderWith(
      fakeMeshApi({
        getFindings: async () => {
          throw new Error('backend exploded');
        },
      }),
    );
    const error = await screen.findByTestId('mesh-error');
    expect(error).toHaveTextContent('backend exploded');
    expect(
      within(error).getByRole('button', { name: 'Retry' }),
    ).toBeInTheDocument();
  });

  it('keeps an owner that is not an entity ref as text', async () => {
    await renderWith(
      fakeMeshApi({
        getFindings: async () =>
          findingsResponse([{ ...unnamedPort, owners: ['team-books'] }]),
      }),
    );
    const item = await screen.findByTestId('finding');
    expect(item).toHaveTextContent('Owner: team-books');
    expect(within(item).queryByRole('link')).toBeNull();
  });
});
