import { useApi } from '@backstage/core-plugin-api';
import type { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import useAsync from 'react-use/esm/useAsync';
import { meshApiRef } from '../../api';
import { OptionPicker } from '../OptionPicker';
import { IdentityValue, identityKey, identityOptions } from './identityOptions';

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
  return (
    <OptionPicker<IdentityValue>
      id={idSchema?.$id}
      options={value ?? []}
      value={formData?.cluster ? formData : undefined}
      keyOf={identityKey}
      loading={loading}
      loadError={error}
      what="the identities"
      label={schema.title ?? 'Caller identity'}
      description={
        schema.description ??
        'The workload allowed to call: cluster, namespace and service account'
      }
      required={required}
      disabled={disabled}
      invalid={(rawErrors?.length ?? 0) > 0}
      onChange={onChange}
    />
  );
};
