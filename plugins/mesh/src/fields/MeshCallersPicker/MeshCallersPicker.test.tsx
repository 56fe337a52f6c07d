import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { meshApiRef } from '../../api';
import { fakeMeshApi, fleet, traffic } from '../../__testUtils__/fixtures';
import {
  fieldProps,
  recordingValidation,
} from '../../__testUtils__/fieldProps';
import type { IdentityValue } from '../MeshIdentityPicker/identityOptions';
import {
  MeshCallersPicker,
  type MeshCallersPickerOptions,
} from './MeshCallersPicker';
import { observedCallers } from './observedCallers';
import { validateMeshCallers } from './validateMeshCallers';

const productpage = {
  cluster: 'cluster-1',
  namespace: 'bookinfo',
  serviceAccount: 'bookinfo-productpage',
};
const reviewsIn2 = {
  cluster: 'cluster-2',
  namespace: 'bookinfo',
  serviceAccount: 'bookinfo-reviews',
};

describe('observedCallers', () => {
  it("names each caller by its workloads' service accounts, summing its edges", () => {
    expect(observedCallers(traffic, fleet)).toEqual({
      callers: [
        {
          key: 'cluster-1/bookinfo/bookinfo-productpage',
          identity: productpage,
          service: 'bookinfo/productpage',
          rate: 10,
          unit: 'req/s',
        },
      ],
      unnamed: [],
    });
  });

  it('cannot name a caller the fleet does not know, or from an unknown cluster', () => {
    const [edge] = traffic.inbound;
    const result = observedCallers(
      {
        inbound: [
          {
            ...edge,
            peer: { namespace: 'istio-system', name: 'istio-ingressgateway' },
          },
          {
            ...edge,
            peerCluster: { name: 'c9', clusterId: 'c9', known: false },
          },
        ],
      },
      fleet,
    );
    expect(result.callers).toEqual([]);
    expect(result.unnamed).toEqual([
      'bookinfo/productpage (c9)',
      'istio-system/istio-ingressgateway (cluster-1)',
    ]);
  });
});

describe('MeshCallersPicker', () => {
  const render = (
    overrides: Parameters<
      typeof fieldProps<IdentityValue[], MeshCallersPickerOptions>
    >[0],
    api = fakeMeshApi(),
  ) => {
    const props = fieldProps<IdentityValue[], MeshCallersPickerOptions>({
      formContext: { formData: { service: 'bookinfo/reviews' } },
      schema: { title: 'Callers' },
      ...overrides,
    });
    return renderInTestApp(
      <TestApiProvider apis={[[meshApiRef, api]]}>
        <MeshCallersPicker {...props} />
      </TestApiProvider>,
    ).then(() => props);
  };

  it('offers the callers seen in traffic, checked until removed', async () => {
    const props = await render({});
    await waitFor(() =>
      expect(props.onChange).toHaveBeenCalledWith([productpage]),
    );
    expect(
      screen.getByText('Seen calling bookinfo/reviews in the last 1h'),
    ).toBeInTheDocument();
    expect(
      screen.getByLabelText(
        'bookinfo/bookinfo-productpage in cluster-1 — bookinfo/productpage, 10 req/s',
      ),
    ).toBeInTheDocument();
  });

  it('offers them too when the form starts the field empty or with a placeholder item', async () => {
    const props = await render({ formData: [{} as never] });
    await waitFor(() =>
      expect(props.onChange).toHaveBeenCalledWith([productpage]),
    );
  });

  it('removes an offered caller when unchecked, and adds one from the fleet', async () => {
    const props = await render({ formData: [productpage] });
    const box = await screen.findByLabelText(
      /bookinfo-productpage in cluster-1/,
    );
    expect(box).toBeChecked();
    await userEvent.click(box);
    expect(props.onChange).toHaveBeenLastCalledWith([]);

    await userEvent.click(screen.getByLabelText('Add a caller'));
    await userEvent.click(
      await screen.findByText(
        'spiffe://cluster.local/ns/bookinfo/sa/bookinfo-reviews (cluster-2)',
      ),
    );
    expect(props.onChange).toHaveBeenLastCalledWith([productpage, reviewsIn2]);
  });

  it('keeps what the user chose: nothing is offered over an existing value', async () => {
    const props = await render({ formData: [reviewsIn2] });
    await screen.findByText('Seen calling bookinfo/reviews in the last 1h');
    expect(props.onChange).not.toHaveBeenCalled();
    await userEvent.click(
      screen.getByRole('button', {
        name: 'Remove cluster-2/bookinfo/bookinfo-reviews',
      }),
    );
    expect(props.onChange).toHaveBeenLastCalledWith([]);
  });

  it('asks for the service first, and says when traffic cannot be read', async () => {
    await render({ formContext: { formData: {} } });
    expect(screen.getByText(/Pick the service first/)).toBeInTheDocument();
    await render(
      {},
      fakeMeshApi({
        getServiceTraffic: async () => {
          throw new Error('metrics down');
        },
      }),
    );
    expect(
      await screen.findByText(
        /Could not read who called bookinfo\/reviews \(metrics down\)/,
      ),
    ).toBeInTheDocument();
  });
});

describe('validateMeshCallers', () => {
  it('names the row of a bad or repeated caller', () => {
    const { errors, validation } = recordingValidation();
    validateMeshCallers(
      [
        productpage,
        { cluster: 'cluster-1', namespace: 'Book Info' },
        productpage,
      ],
      validation,
    );
    expect(errors).toEqual([
      'Caller 2: "Book Info" is not a Kubernetes namespace',
      'Caller 3 repeats caller 1 (cluster-1/bookinfo/bookinfo-productpage); remove one',
    ]);
  });

  it('accepts no value yet, and asks for one caller when the list holds none', () => {
    const { errors, validation } = recordingValidation();
    validateMeshCallers(undefined, validation);
    expect(errors).toEqual([]);
    validateMeshCallers([{} as never], validation);
    expect(errors).toEqual([
      'Choose at least one caller: one the mesh saw calling the service, or add one',
    ]);
  });
});
