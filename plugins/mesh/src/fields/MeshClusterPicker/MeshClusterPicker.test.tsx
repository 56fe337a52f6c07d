import type { ApiHolder } from '@backstage/core-plugin-api';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { meshApiRef } from '../../api';
import {
  cluster1,
  cluster2,
  fakeMeshApi,
  productpage,
} from '../../__testUtils__/fixtures';
import {
  fieldProps,
  recordingValidation,
} from '../../__testUtils__/fieldProps';
import {
  clusterOptions,
  MeshClusterPicker,
  MeshClusterPickerOptions,
} from './MeshClusterPicker';
import { validateMeshCluster } from './validateMeshCluster';

describe('MeshClusterPicker', () => {
  it('labels clusters with their network and marks stale ones', () => {
    expect(
      clusterOptions([cluster2, cluster1]).map(o => `${o.label}${o.detail}`),
    ).toEqual([
      'cluster-1 (network-1)',
      'cluster-2 (network-2) — stale: its data may be out of date',
    ]);
    expect(
      clusterOptions([cluster1, cluster2], ['cluster-2']).map(o => o.key),
    ).toEqual(['cluster-2']);
  });

  it('offers only the clusters of the service chosen in another field', async () => {
    const props = fieldProps<string, MeshClusterPickerOptions>({
      uiSchema: { 'ui:options': { serviceField: 'service' } },
      formContext: { formData: { service: productpage.id } },
    });
    await renderInTestApp(
      <TestApiProvider apis={[[meshApiRef, fakeMeshApi()]]}>
        <MeshClusterPicker {...props} />
      </TestApiProvider>,
    );
    expect(
      await screen.findByText('Clusters running bookinfo/productpage'),
    ).toBeInTheDocument();
    await userEvent.click(screen.getByRole('textbox'));
    expect(
      await screen.findByText('cluster-1 (network-1)'),
    ).toBeInTheDocument();
    expect(screen.queryByText(/cluster-2/)).not.toBeInTheDocument();
    await userEvent.click(screen.getByText('cluster-1 (network-1)'));
    expect(props.onChange).toHaveBeenCalledWith('cluster-1');
  });

  it('rejects a cluster the fleet does not have', async () => {
    const { errors, validation } = recordingValidation();
    const apiHolder = { get: () => fakeMeshApi() } as unknown as ApiHolder;
    await validateMeshCluster('cluster-9', validation, { apiHolder });
    expect(errors).toEqual([
      'No cluster "cluster-9" in the fleet; known clusters: cluster-1, cluster-2',
    ]);
  });
});
