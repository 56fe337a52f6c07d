import { useApi } from '@backstage/core-plugin-api';
import type { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import useAsync from 'react-use/esm/useAsync';
import { meshApiRef } from '../../api';
import { parseServiceId } from '../../entity/meshServiceRef';
import { OptionPicker } from '../OptionPicker';
import { siblingValue } from '../siblingValue';
import { SubsetTarget, subsetOptions, targetKey } from './subsetOptions';

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
  return (
    <OptionPicker<SubsetTarget>
      id={idSchema?.$id}
      options={value ?? []}
      value={formData?.subset ? formData : undefined}
      keyOf={targetKey}
      loading={loading}
      loadError={error}
      what="the subsets"
      label={schema.title ?? 'Subset'}
      description={
        service
          ? schema.description ??
            `Pod label values of ${service.namespace}/${service.name}, per cluster`
          : `Choose the service first (field "${serviceField}")`
      }
      required={required}
      disabled={disabled || !service}
      invalid={(rawErrors?.length ?? 0) > 0}
      onChange={onChange}
    />
  );
};
