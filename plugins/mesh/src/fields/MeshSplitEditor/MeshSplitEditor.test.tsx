import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { fireEvent, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { meshApiRef } from '../../api';
import { fakeMeshApi } from '../../__testUtils__/fixtures';
import {
  fieldProps,
  recordingValidation,
} from '../../__testUtils__/fieldProps';
import {
  evenWeights,
  MeshSplitEditor,
  type MeshSplitEditorOptions,
} from './MeshSplitEditor';
import { splitProblems, type SplitRow } from './splitRows';
import { validateMeshSplit } from './validateMeshSplit';

const v3in2: SplitRow = {
  cluster: 'cluster-2',
  subset: { version: 'v3' },
  weight: 75,
};
const v1in1: SplitRow = {
  cluster: 'cluster-1',
  subset: { version: 'v1' },
  weight: 15,
};
const v2in1: SplitRow = {
  cluster: 'cluster-1',
  subset: { version: 'v2' },
  weight: 10,
};

describe('splitProblems', () => {
  it('accepts the seed split 75/15/10', () => {
    expect(splitProblems([v3in2, v1in1, v2in1])).toEqual([]);
  });

  it('names each row that is wrong, and the sum', () => {
    expect(
      splitProblems([
        { weight: 50 },
        { ...v1in1, weight: 12.5 },
        { ...v1in1, weight: undefined },
      ]),
    ).toEqual([
      'Target 1: pick a subset',
      'Target 2: the weight must be a whole percent from 0 to 100',
      'Target 3 repeats target 2; remove one or merge their weights',
      'Target 3: give a weight',
      'The weights add up to 62.5 %; they must add up to 100 %',
    ]);
  });

  it('refuses more than eight targets', () => {
    const rows = Array.from({ length: 9 }, (_, i) => ({
      subset: { version: `v${i}` },
      weight: i === 0 ? 92 : 1,
    }));
    expect(splitProblems(rows)).toEqual(['At most 8 targets; remove 1']);
  });

  it('splits evenly in whole percents', () => {
    expect(evenWeights(3)).toEqual([34, 33, 33]);
    expect(evenWeights(1)).toEqual([100]);
  });

  it('validates as the form submits', () => {
    const { errors, validation } = recordingValidation();
    validateMeshSplit([{ ...v3in2, weight: 90 }], validation);
    expect(errors).toEqual([
      'The weights add up to 90 %; they must add up to 100 %',
    ]);
  });
});

describe('MeshSplitEditor', () => {
  const render = (formData?: SplitRow[]) => {
    const props = fieldProps<SplitRow[], MeshSplitEditorOptions>({
      formContext: { formData: { service: 'bookinfo/reviews' } },
      schema: { title: 'Targets and weights' },
      formData,
    });
    return renderInTestApp(
      <TestApiProvider apis={[[meshApiRef, fakeMeshApi()]]}>
        <MeshSplitEditor {...props} />
      </TestApiProvider>,
    ).then(() => props);
  };

  it('draws the seed split as a bar with its sum', async () => {
    await render([v3in2, v1in1, v2in1]);
    expect(screen.getByText('Total 100 %')).toBeInTheDocument();
    expect(screen.getByRole('img')).toHaveAccessibleName(
      'Split: version=v3 in cluster-2 75 %, version=v1 in cluster-1 15 %, version=v2 in cluster-1 10 %; total 100 %',
    );
  });

  it('says at the field what is left to place, and stores typed weights', async () => {
    const props = await render([{ ...v3in2, weight: 60 }, v1in1]);
    expect(
      screen.getByText('Total 75 % — 25 % left to place'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('The weights add up to 75 %; they must add up to 100 %'),
    ).toBeInTheDocument();
    fireEvent.change(screen.getByLabelText('Weight 1 (%)'), {
      target: { value: '85' },
    });
    expect(props.onChange).toHaveBeenLastCalledWith([
      { ...v3in2, weight: 85 },
      v1in1,
    ]);
  });

  it('adds a target with what is left, removes one, and splits evenly, by keyboard too', async () => {
    const props = await render([{ ...v3in2, weight: 60 }]);
    await userEvent.click(screen.getByRole('button', { name: 'Add a target' }));
    expect(props.onChange).toHaveBeenLastCalledWith([
      { ...v3in2, weight: 60 },
      { weight: 40 },
    ]);
    // the only row cannot be removed
    expect(
      screen.getByRole('button', { name: 'Remove target 1' }),
    ).toBeDisabled();

    const two = await render([v3in2, v1in1]);
    const even = screen.getAllByRole('button', { name: 'Split evenly' }).pop()!;
    even.focus();
    await userEvent.keyboard('{Enter}');
    expect(two.onChange).toHaveBeenLastCalledWith([
      { ...v3in2, weight: 50 },
      { ...v1in1, weight: 50 },
    ]);
  });

  it('picks a subset of the chosen service for a row', async () => {
    const props = await render([{ weight: 100 }]);
    await userEvent.click(screen.getByLabelText('Target 1'));
    await userEvent.click(await screen.findByText('version=v3 in cluster-2'));
    expect(props.onChange).toHaveBeenLastCalledWith([
      { cluster: 'cluster-2', subset: { version: 'v3' }, weight: 100 },
    ]);
  });
});

describe('validateMeshSplit on what the form starts with', () => {
  it('accepts no rows and placeholder rows: a request may set only a timeout', () => {
    const { errors, validation } = recordingValidation();
    validateMeshSplit([], validation);
    validateMeshSplit([{}], validation);
    expect(errors).toEqual([]);
  });
});
