import type { ApiHolder } from '@backstage/core-plugin-api';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { meshApiRef } from '../../api';
import { fakeMeshApi, reviews } from '../../__testUtils__/fixtures';
import {
  fieldProps,
  recordingValidation,
} from '../../__testUtils__/fieldProps';
import { MeshSubsetPicker } from './MeshSubsetPicker';
import { SubsetTarget, subsetOptions } from './subsetOptions';
import { validateMeshSubset } from './validateMeshSubset';

describe('MeshSubsetPicker', () => {
  it('lists label values per cluster, and shared values for any cluster', () => {
    const twoClusters = {
      ...reviews,
      instances: [
        reviews.instances[0],
        { ...reviews.instances[1], subsets: { version: ['v1', 'v3'] } },
      ],
    };
    expect(subsetOptions(twoClusters).map(o => o.label)).toEqual([
      'version=v1 in any cluster (cluster-1, cluster-2)',
      'version=v1 in cluster-1',
      'version=v1 in cluster-2',
      'version=v2 in cluster-1',
      'version=v3 in cluster-2',
    ]);
    expect(subsetOptions(reviews)[2].value).toEqual({
      cluster: 'cluster-2',
      subset: { version: 'v3' },
    });
  });

  it('follows the service field and stores a route target', async () => {
    const props = fieldProps<SubsetTarget>({
      formContext: { formData: { service: 'bookinfo/reviews' } },
    });
    await renderInTestApp(
      <TestApiProvider apis={[[meshApiRef, fakeMeshApi()]]}>
        <MeshSubsetPicker {...props} />
      </TestApiProvider>,
    );
    await userEvent.click(screen.getByRole('textbox'));
    await userEvent.click(await screen.findByText('version=v3 in cluster-2'));
    expect(props.onChange).toHaveBeenCalledWith({
      cluster: 'cluster-2',
      subset: { version: 'v3' },
    });
  });

  it('asks for the service first', async () => {
    await renderInTestApp(
      <TestApiProvider apis={[[meshApiRef, fakeMeshApi()]]}>
        <MeshSubsetPicker
          {...fieldProps<SubsetTarget>({ formContext: { formData: {} } })}
        />
      </TestApiProvider>,
    );
    expect(
      await screen.findByText('Choose the service first (field "service")'),
    ).toBeInTheDocument();
    expect(screen.getByRole('textbox')).toBeDisabled();
  });

  it('rejects a subset the service does not have in that cluster', async () => {
    const { errors, validation } = recordingValidation();
    const apiHolder = { get: () => fakeMeshApi() } as unknown as ApiHolder;
    await validateMeshSubset(
      { cluster: 'cluster-1', subset: { version: 'v3' } },
      validation,
      { apiHolder, formData: { service: 'bookinfo/reviews' } },
    );
    expect(errors).toEqual([
      'bookinfo/reviews has no pods labelled version=v3 in cluster-1',
    ]);
  });
});
