import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ApiHolder } from '@backstage/core-plugin-api';
import { MeshApi, meshApiRef } from '../../api';
import { fakeMeshApi } from '../../__testUtils__/fixtures';
import {
  fieldProps,
  recordingValidation,
} from '../../__testUtils__/fieldProps';
import { MeshServicePicker } from './MeshServicePicker';
import { validateMeshService } from './validateMeshService';

function holder(api: MeshApi): ApiHolder {
  return {
    get: ref => (ref.id === meshApiRef.id ? api : undefined),
  } as ApiHolder;
}

describe('MeshServicePicker', () => {
  it('offers the fleet services with their clusters and stores <namespace>/<name>', async () => {
    const props = fieldProps<string>({ schema: { title: 'Service' } });
    await renderInTestApp(
      <TestApiProvider apis={[[meshApiRef, fakeMeshApi()]]}>
        <MeshServicePicker {...props} />
      </TestApiProvider>,
    );
    await userEvent.click(screen.getByRole('textbox', { name: /Service/ }));
    expect(
      await screen.findByText('bookinfo/reviews — cluster-1, cluster-2'),
    ).toBeInTheDocument();
    await userEvent.click(
      screen.getByText('bookinfo/reviews — cluster-1, cluster-2'),
    );
    expect(props.onChange).toHaveBeenCalledWith('bookinfo/reviews');
  });

  it('shows a pre-filled value (from ?formData=) before the options load', async () => {
    await renderInTestApp(
      <TestApiProvider apis={[[meshApiRef, fakeMeshApi()]]}>
        <MeshServicePicker
          {...fieldProps<string>({ formData: 'bookinfo/reviews' })}
        />
      </TestApiProvider>,
    );
    expect(screen.getByRole('textbox')).toHaveValue('bookinfo/reviews');
  });

  it('says so when the services cannot be loaded', async () => {
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [
            meshApiRef,
            fakeMeshApi({
              getServices: async () => {
                throw new Error('503 Service Unavailable');
              },
            }),
          ],
        ]}
      >
        <MeshServicePicker {...fieldProps<string>()} />
      </TestApiProvider>,
    );
    expect(
      await screen.findByText(
        /Could not load the services from the mesh backend \(503/,
      ),
    ).toBeInTheDocument();
  });
});

describe('validateMeshService', () => {
  it('rejects a value that is not <namespace>/<name>', async () => {
    const { errors, validation } = recordingValidation();
    await validateMeshService('reviews', validation, {
      apiHolder: holder(fakeMeshApi()),
    });
    expect(errors).toEqual([
      '"reviews" is not <namespace>/<name> of a Kubernetes Service, e.g. bookinfo/reviews',
    ]);
  });

  it('rejects a service the fleet does not have, accepts one it has', async () => {
    const api = fakeMeshApi({
      getService: async ref => {
        if (ref.name === 'reviews') return await fakeMeshApi().getService(ref);
        throw Object.assign(new Error('not found'), { statusCode: 404 });
      },
    });
    const missing = recordingValidation();
    await validateMeshService('bookinfo/nope', missing.validation, {
      apiHolder: holder(api),
    });
    expect(missing.errors).toEqual([
      'No service bookinfo/nope in any cluster of the fleet: pick one from the list',
    ]);
    const present = recordingValidation();
    await validateMeshService('bookinfo/reviews', present.validation, {
      apiHolder: holder(api),
    });
    expect(present.errors).toEqual([]);
  });
});
