import { useApi } from '@backstage/core-plugin-api';
import type { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import TextField from '@material-ui/core/TextField';
import Autocomplete from '@material-ui/lab/Autocomplete';
import type { MeshService } from '@meshport/backstage-plugin-mesh-common';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import useDebounce from 'react-use/esm/useDebounce';
import { meshApiRef } from '../../api';
import { fieldHelperText } from '../fieldHelperText';

/** Options offered per search; typing narrows them down on the server. */
const LIMIT = 50;

/**
 * `ui:field: MeshServicePicker` — a mesh service of the fleet, stored as `<namespace>/<name>`.
 */
export const MeshServicePicker = (
  props: FieldExtensionComponentProps<string>,
) => {
  const {
    formData,
    onChange,
    rawErrors,
    required,
    schema,
    idSchema,
    disabled,
  } = props;
  const meshApi = useApi(meshApiRef);
  const [input, setInput] = useState('');
  const [query, setQuery] = useState('');
  useDebounce(() => setQuery(input.trim()), 250, [input]);
  const { value, loading, error } = useAsync(
    () => meshApi.getServices({ q: query || undefined, limit: LIMIT }),
    [meshApi, query],
  );
  const services = new Map<string, MeshService>(
    (value?.items ?? []).map(s => [s.id, s]),
  );

  return (
    <Autocomplete<string>
      id={idSchema?.$id}
      options={[...services.keys()]}
      value={formData || null}
      loading={loading}
      disabled={disabled}
      onChange={(_, selected) => onChange(selected ?? undefined)}
      onInputChange={(_, text, reason) => {
        if (reason === 'input') setInput(text);
      }}
      filterOptions={options => options}
      renderOption={id => {
        const clusters = services.get(id)?.instances.map(i => i.cluster) ?? [];
        return `${id}${clusters.length ? ` — ${clusters.join(', ')}` : ''}`;
      }}
      renderInput={params => (
        <TextField
          {...params}
          label={schema.title ?? 'Service'}
          margin="dense"
          variant="outlined"
          required={required}
          error={(rawErrors?.length ?? 0) > 0 || !!error}
          helperText={fieldHelperText(
            error,
            'the services',
            schema.description ?? 'The mesh service, as <namespace>/<name>',
          )}
        />
      )}
    />
  );
};
