import { useApi } from '@backstage/core-plugin-api';
import type { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import type { FleetCluster } from '@meshport/backstage-plugin-mesh-common';
import useAsync from 'react-use/esm/useAsync';
import { meshApiRef } from '../../api';
import { parseServiceId } from '../../entity/meshServiceRef';
import { OptionPicker, PickerOption } from '../OptionPicker';
import { siblingValue } from '../siblingValue';

export interface MeshClusterPickerOptions {
  /** A field holding `<namespace>/<name>`: offer only the clusters that service runs in. */
  serviceField?: string;
}

/** Options: every fleet cluster, or those running the chosen service; stale ones marked. */
export function clusterOptions(
  clusters: FleetCluster[],
  runningIn?: string[],
): PickerOption<string>[] {
  return clusters
    .filter(c => !runningIn || runningIn.includes(c.name))
    .map(c => ({
      key: c.name,
      label: c.name,
      detail: `${c.network ? ` (${c.network})` : ''}${
        c.sync.state === 'ok' ? '' : ' — stale: its data may be out of date'
      }`,
      value: c.name,
    }))
    .sort((a, b) => a.key.localeCompare(b.key));
}

/** `ui:field: MeshClusterPicker` — a cluster of the fleet, stored as its name. */
export const MeshClusterPicker = (
  props: FieldExtensionComponentProps<string, MeshClusterPickerOptions>,
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
  const serviceField = uiSchema?.['ui:options']?.serviceField;
  const service = serviceField
    ? parseServiceId(
        siblingValue(formContext, serviceField) as string | undefined,
      )
    : undefined;
  const { value, loading, error } = useAsync(async () => {
    const [clusters, found] = await Promise.all([
      meshApi.getClusters(),
      service ? meshApi.getService(service) : Promise.resolve(undefined),
    ]);
    return clusterOptions(
      clusters.items,
      found?.instances.map(i => i.cluster),
    );
  }, [meshApi, service?.namespace, service?.name]);
  return (
    <OptionPicker<string>
      id={idSchema?.$id}
      options={value ?? []}
      value={formData}
      keyOf={name => name}
      loading={loading}
      loadError={error}
      what="the clusters"
      label={schema.title ?? 'Cluster'}
      description={
        schema.description ??
        (service
          ? `Clusters running ${service.namespace}/${service.name}`
          : 'A cluster of the fleet')
      }
      required={required}
      disabled={disabled}
      invalid={(rawErrors?.length ?? 0) > 0}
      onChange={onChange}
    />
  );
};
