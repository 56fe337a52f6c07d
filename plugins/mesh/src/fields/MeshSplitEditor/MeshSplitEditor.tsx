import { useApi } from '@backstage/core-plugin-api';
import type { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import FormHelperText from '@material-ui/core/FormHelperText';
import IconButton from '@material-ui/core/IconButton';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { useTheme } from '@material-ui/core/styles';
import DeleteIcon from '@material-ui/icons/Delete';
import useAsync from 'react-use/esm/useAsync';
import { meshApiRef } from '../../api';
import { parseServiceId } from '../../entity/meshServiceRef';
import { OptionPicker } from '../OptionPicker';
import { ServiceListFieldSet } from '../ServiceListFieldSet';
import { siblingValue } from '../siblingValue';
import {
  subsetOptions,
  targetKey,
  type SubsetTarget,
} from '../MeshSubsetPicker/subsetOptions';
import {
  MAX_SPLIT_ROWS,
  rowTarget,
  splitProblems,
  splitTotal,
  type SplitRow,
} from './splitRows';

export interface MeshSplitEditorOptions {
  /** The field holding the destination service. Default `service`. */
  serviceField?: string;
  /** Only subsets of this label key, e.g. `version`. */
  labelKey?: string;
}

const describeTarget = (row: SplitRow) => {
  const target = rowTarget(row);
  if (!target) return 'no subset yet';
  const labels = Object.entries(target.subset)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  return `${labels} in ${target.cluster ?? 'any cluster'}`;
};

/** Whole percents that add up to 100, as even as they go; the first rows take the remainder. */
export function evenWeights(count: number): number[] {
  const base = Math.floor(100 / count);
  return Array.from(
    { length: count },
    (_, i) => base + (i < 100 - base * count ? 1 : 0),
  );
}

/**
 * `ui:field: MeshSplitEditor` — a route's weighted targets as the route action takes them
 * (`[{ cluster?, subset, weight }]`): add and remove targets (subset pickers of the chosen
 * service, per cluster or any), type weights, and see the split as a bar with its sum.
 */
export const MeshSplitEditor = (
  props: FieldExtensionComponentProps<SplitRow[], MeshSplitEditorOptions>,
) => {
  const {
    formData,
    onChange,
    rawErrors,
    required,
    schema,
    uiSchema,
    formContext,
    idSchema,
    disabled,
  } = props;
  const theme = useTheme();
  const meshApi = useApi(meshApiRef);
  const options = uiSchema?.['ui:options'] ?? {};
  const service = parseServiceId(
    siblingValue(formContext, options.serviceField ?? 'service') as
      | string
      | undefined,
  );
  const subsets = useAsync(
    async () =>
      service
        ? subsetOptions(await meshApi.getService(service), options.labelKey)
        : [],
    [meshApi, service?.namespace, service?.name, options.labelKey],
  );

  // rows with neither a subset nor a weight are the form's placeholders (an empty item)
  const given = Array.isArray(formData)
    ? formData.filter(r => r && (r.subset || r.weight !== undefined))
    : [];
  const rows: SplitRow[] = given.length > 0 ? given : [{ weight: 100 }];
  const set = (next: SplitRow[]) => onChange(next);
  const update = (index: number, patch: Partial<SplitRow>) =>
    set(rows.map((r, i) => (i === index ? { ...r, ...patch } : r)));
  const total = splitTotal(rows);
  const problems = splitProblems(rows);
  const palette = [
    theme.palette.primary.main,
    theme.palette.secondary.main,
    theme.palette.success?.main ?? '#2e7d32',
    theme.palette.warning?.main ?? '#ed6c02',
    theme.palette.info?.main ?? '#0288d1',
  ];
  const label = schema.title ?? 'Targets and weights';

  return (
    <ServiceListFieldSet
      label={label}
      description={schema.description}
      required={required}
      disabled={disabled}
      rawErrors={rawErrors}
      // the problems are listed under the bar, from the same rules the validation applies
      listErrors={false}
      serviceChosen={!!service}
      offeredOnceChosen="its subsets in each cluster are offered here"
    >
      {rows.map((row, index) => {
        const target = rowTarget(row);
        return (
          <Box
            key={index}
            display="flex"
            alignItems="flex-start"
            style={{ gap: theme.spacing(1) }}
            mt={1}
          >
            <Box flexGrow={1}>
              <OptionPicker<SubsetTarget>
                id={`${idSchema?.$id}-target-${index}`}
                options={subsets.value ?? []}
                value={target}
                keyOf={targetKey}
                loading={subsets.loading}
                loadError={subsets.error}
                what="the subsets"
                label={`Target ${index + 1}`}
                disabled={disabled || !service}
                onChange={next =>
                  update(index, {
                    cluster: next?.cluster,
                    subset: next?.subset,
                  })
                }
              />
            </Box>
            <TextField
              id={`${idSchema?.$id}-weight-${index}`}
              label={`Weight ${index + 1} (%)`}
              type="number"
              margin="normal"
              style={{ width: 140 }}
              inputProps={{ min: 0, max: 100, step: 1 }}
              value={row.weight ?? ''}
              disabled={disabled}
              onChange={e => {
                const text = e.target.value;
                update(index, {
                  weight: text === '' ? undefined : Number(text),
                });
              }}
            />
            <Box mt={3}>
              <IconButton
                aria-label={`Remove target ${index + 1}`}
                disabled={disabled || rows.length === 1}
                onClick={() => set(rows.filter((_, i) => i !== index))}
              >
                <DeleteIcon />
              </IconButton>
            </Box>
          </Box>
        );
      })}
      <Box display="flex" style={{ gap: theme.spacing(1) }} mt={1}>
        <Button
          variant="outlined"
          size="small"
          disabled={disabled || rows.length >= MAX_SPLIT_ROWS}
          onClick={() => set([...rows, { weight: Math.max(0, 100 - total) }])}
        >
          Add a target
        </Button>
        <Button
          size="small"
          disabled={disabled || rows.length < 2}
          onClick={() => {
            const weights = evenWeights(rows.length);
            set(rows.map((r, i) => ({ ...r, weight: weights[i] })));
          }}
        >
          Split evenly
        </Button>
      </Box>
      <Box
        mt={2}
        display="flex"
        height={28}
        border={1}
        borderColor={total === 100 ? 'divider' : 'error.main'}
        role="img"
        aria-label={`Split: ${rows
          .map(r => `${describeTarget(r)} ${r.weight ?? 0} %`)
          .join(', ')}; total ${total} %`}
        data-testid="mesh-split-bar"
      >
        {rows.map((r, i) =>
          (r.weight ?? 0) > 0 ? (
            <Box
              key={i}
              width={`${Math.min(r.weight ?? 0, 100)}%`}
              bgcolor={palette[i % palette.length]}
              color="common.white"
              display="flex"
              alignItems="center"
              justifyContent="center"
              overflow="hidden"
              fontSize={12}
              title={`${describeTarget(r)}: ${r.weight} %`}
            >
              {r.weight} %
            </Box>
          ) : null,
        )}
      </Box>
      <Typography
        variant="body2"
        color={total === 100 ? 'textSecondary' : 'error'}
        aria-live="polite"
      >
        Total {total} %{total < 100 && ` — ${100 - total} % left to place`}
        {total > 100 && ` — ${total - 100} % too much`}
      </Typography>
      {problems.length > 0 && (
        <FormHelperText
          error
          component="ul"
          style={{ margin: 0, paddingLeft: theme.spacing(2) }}
        >
          {problems.map(p => (
            <li key={p}>{p}</li>
          ))}
        </FormHelperText>
      )}
    </ServiceListFieldSet>
  );
};
