import {
  createExtensionTester,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { screen } from '@testing-library/react';
import { meshPoliciesPage } from './alpha';
import { meshApiRef } from './api';
import { fakeMeshApi } from './__testUtils__/fixtures';
import { policies } from './__testUtils__/policies';

describe('the plugin on the new frontend system', () => {
  const apis = [
    [meshApiRef, fakeMeshApi({ getPolicies: async () => policies })],
  ] as const;

  jest.setTimeout(20_000);

  it('serves the Policies page', async () => {
    renderInTestApp(createExtensionTester(meshPoliciesPage).reactElement(), {
      apis,
    });
    // the page is loaded lazily: slow on a busy machine
    expect(
      await screen.findByText('Policies (4)', undefined, { timeout: 10_000 }),
    ).toBeInTheDocument();
    expect(screen.getByRole('table', { name: 'Policies' })).toBeInTheDocument();
  });
});
