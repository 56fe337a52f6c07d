import { useApi } from '@backstage/core-plugin-api';
import type { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import TextField from '@material-ui/core/TextField';
import Autocomplete from '@material-ui/lab/Autocomplete';
import useAsync from 'react-use/esm/useAsync';
import { meshApiRef } from '../../api';
import { fieldHelperText } from '../fieldHelperText';
import {
  IdentityOption,
  IdentityValue,
  identityKey,
  identityOptions,
} from './identityOptions';

export interface MeshIdentityPickerOptions {
  /** Also offer whole namespaces (every service account in them). */
  allowNamespace?: boolean;
}

/**
 * `ui:field: MeshIdentityPicker` — a caller identity, stored as
 * `{ cluster, namespace, serviceAccount? }`, the AccessPolicy's source.
 */
export const MeshIdentityPicker = (
  props: FieldExtensionComponentProps<IdentityValue, MeshIdentityPickerOptions>,
) => {
  const {
    formData,
    onChange,
    rawErrors,
    required,
    schema,
    uiSchema,
    idSchema,
    disabled,
  } = props;
  const meshApi = useApi(meshApiRef);
  const allowNamespace = !!uiSchema?.['ui:options']?.allowNamespace;
  const { value, loading, error } = useAsync(
    async () => identityOptions(await meshApi.getFleet(), allowNamespace),
    [meshApi, allowNamespace],
  );
  const options = value ?? [];
  const selected =
    formData && formData.cluster
      ? options.find(o => o.key === identityKey(formData)) ?? {
          key: identityKey(formData),
          label: identityKey(formData),
          value: formData,
        }
      : null;

  return (
    <Autocomplete<IdentityOption>
      id={idSchema?.$id}
      options={options}
      value={selected}
      loading={loading}
      disabled={disabled}
      getOptionLabel={o => o.label}
      getOptionSelected={(a, b) => a.key === b.key}
      onChange={(_, option) => onChange(option?.value)}
      renderInput={params => (
        <TextField
          {...params}
          label={schema.title ?? 'Caller identity'}
          margin="dense"
          variant="outlined"
          required={required}
          error={(rawErrors?.length ?? 0) > 0 || !!error}
          helperText={fieldHelperText(
            error,
            'the identities',
            schema.description ??
              'The workload allowed to call: cluster, namespace and service account',
          )}
        />
      )}
    />
  );
};
