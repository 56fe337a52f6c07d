import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { meshApiRef } from '../../api';
import { fakeMeshApi, fleet } from '../../__testUtils__/fixtures';
import {
  fieldProps,
  recordingValidation,
} from '../../__testUtils__/fieldProps';
import { IdentityValue, identityOptions } from './identityOptions';
import {
  MeshIdentityPicker,
  MeshIdentityPickerOptions,
} from './MeshIdentityPicker';
import { validateMeshIdentity } from './validateMeshIdentity';

describe('MeshIdentityPicker', () => {
  it('lists each workload identity once per cluster, with its SPIFFE id', () => {
    expect(identityOptions(fleet).map(o => o.label)).toEqual([
      'spiffe://cluster.local/ns/bookinfo/sa/bookinfo-productpage (cluster-1)',
      'spiffe://cluster.local/ns/bookinfo/sa/bookinfo-reviews (cluster-1)',
      'spiffe://cluster.local/ns/bookinfo/sa/bookinfo-reviews (cluster-2)',
    ]);
    expect(identityOptions(fleet, true).map(o => o.key)).toContain(
      'cluster-1/bookinfo/*',
    );
  });

  it('stores cluster, namespace and service account', async () => {
    const props = fieldProps<IdentityValue, MeshIdentityPickerOptions>();
    await renderInTestApp(
      <TestApiProvider apis={[[meshApiRef, fakeMeshApi()]]}>
        <MeshIdentityPicker {...props} />
      </TestApiProvider>,
    );
    await userEvent.click(screen.getByRole('textbox'));
    await userEvent.click(
      await screen.findByText(
        'spiffe://cluster.local/ns/bookinfo/sa/bookinfo-productpage (cluster-1)',
      ),
    );
    expect(props.onChange).toHaveBeenCalledWith({
      cluster: 'cluster-1',
      namespace: 'bookinfo',
      serviceAccount: 'bookinfo-productpage',
    });
  });

  it('rejects names that are not Kubernetes names', () => {
    const { errors, validation } = recordingValidation();
    validateMeshIdentity(
      { cluster: 'cluster-1', namespace: 'Book Info', serviceAccount: 'a/b' },
      validation,
    );
    expect(errors).toEqual([
      '"Book Info" is not a Kubernetes namespace',
      '"a/b" is not a Kubernetes service account name',
    ]);
  });
});
