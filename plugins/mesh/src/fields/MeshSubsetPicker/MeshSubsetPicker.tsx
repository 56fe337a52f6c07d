import { useApi } from '@backstage/core-plugin-api';
import type { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import TextField from '@material-ui/core/TextField';
import Autocomplete from '@material-ui/lab/Autocomplete';
import useAsync from 'react-use/esm/useAsync';
import { meshApiRef } from '../../api';
import { parseServiceId } from '../../entity/meshServiceRef';
import { fieldHelperText } from '../fieldHelperText';
import { siblingValue } from '../siblingValue';
import {
  SubsetOption,
  SubsetTarget,
  subsetOptions,
  targetKey,
} from './subsetOptions';

export interface MeshSubsetPickerOptions {
  /** The field holding the service, `<namespace>/<name>`; default `service`. */
  serviceField?: string;
  /** Only this pod label, e.g. `version`. */
  labelKey?: string;
}

/**
 * `ui:field: MeshSubsetPicker` — a subset of the service chosen in another field, stored as
 * `{ cluster?, subset: { <label>: <value> } }`, the policy API's route target.
 */
export const MeshSubsetPicker = (
  props: FieldExtensionComponentProps<SubsetTarget, MeshSubsetPickerOptions>,
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
  const meshApi = useApi(meshApiRef);
  const uiOptions = uiSchema?.['ui:options'];
  const serviceField = uiOptions?.serviceField ?? 'service';
  const serviceId = siblingValue(formContext, serviceField) as
    | string
    | undefined;
  const service = parseServiceId(serviceId);
  const { value, loading, error } = useAsync(
    async () =>
      service
        ? subsetOptions(await meshApi.getService(service), uiOptions?.labelKey)
        : [],
    [meshApi, service?.namespace, service?.name, uiOptions?.labelKey],
  );
  const options = value ?? [];
  const selected =
    formData && formData.subset
      ? options.find(o => o.key === targetKey(formData)) ?? {
          key: targetKey(formData),
          label: targetKey(formData),
          value: formData,
        }
      : null;

  return (
    <Autocomplete<SubsetOption>
      id={idSchema?.$id}
      options={options}
      value={selected}
      loading={loading}
      disabled={disabled || !service}
      getOptionLabel={o => o.label}
      getOptionSelected={(a, b) => a.key === b.key}
      onChange={(_, option) => onChange(option?.value)}
      renderInput={params => (
        <TextField
          {...params}
          label={schema.title ?? 'Subset'}
          margin="dense"
          variant="outlined"
          required={required}
          error={(rawErrors?.length ?? 0) > 0 || !!error}
          helperText={fieldHelperText(
            error,
            'the subsets',
            service
              ? schema.description ??
                  `Pod label values of ${service.namespace}/${service.name}, per cluster`
              : `Choose the service first (field "${serviceField}")`,
          )}
        />
      )}
    />
  );
};
