import { useApi } from '@backstage/core-plugin-api';
import type { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import useDebounce from 'react-use/esm/useDebounce';
import { meshApiRef } from '../../api';
import { OptionPicker } from '../OptionPicker';

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
  const options = (value?.items ?? []).map(service => {
    const clusters = service.instances.map(i => i.cluster);
    return {
      key: service.id,
      label: service.id,
      detail: clusters.length ? ` — ${clusters.join(', ')}` : '',
      value: service.id,
    };
  });

  return (
    <OptionPicker<string>
      id={idSchema?.$id}
      options={options}
      value={formData}
      keyOf={id => id}
      loading={loading}
      loadError={error}
      what="the services"
      label={schema.title ?? 'Service'}
      description={
        schema.description ?? 'The mesh service, as <namespace>/<name>'
      }
      required={required}
      disabled={disabled}
      invalid={(rawErrors?.length ?? 0) > 0}
      onChange={onChange}
      onSearch={setInput}
    />
  );
};
