import { useApi } from '@backstage/core-plugin-api';
import type { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import TextField from '@material-ui/core/TextField';
import Autocomplete from '@material-ui/lab/Autocomplete';
import type { FleetCluster } from '@meshport/backstage-plugin-mesh-common';
import useAsync from 'react-use/esm/useAsync';
import { meshApiRef } from '../../api';
import { parseServiceId } from '../../entity/meshServiceRef';
import { fieldHelperText } from '../fieldHelperText';
import { siblingValue } from '../siblingValue';

export interface MeshClusterPickerOptions {
  /** A field holding `<namespace>/<name>`: offer only the clusters that service runs in. */
  serviceField?: string;
}

/** Options: every fleet cluster, or those running the chosen service; stale ones marked. */
export function clusterOptions(
  clusters: FleetCluster[],
  runningIn?: string[],
): { name: string; label: string }[] {
  return clusters
    .filter(c => !runningIn || runningIn.includes(c.name))
    .map(c => ({
      name: c.name,
      label: `${c.name}${c.network ? ` (${c.network})` : ''}${
        c.sync.state === 'ok' ? '' : ' — stale: its data may be out of date'
      }`,
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
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
  const options = value ?? [];
  const labels = new Map(options.map(o => [o.name, o.label]));

  return (
    <Autocomplete<string>
      id={idSchema?.$id}
      options={options.map(o => o.name)}
      value={formData || null}
      loading={loading}
      disabled={disabled}
      onChange={(_, selected) => onChange(selected ?? undefined)}
      renderOption={name => labels.get(name) ?? name}
      renderInput={params => (
        <TextField
          {...params}
          label={schema.title ?? 'Cluster'}
          margin="dense"
          variant="outlined"
          required={required}
          error={(rawErrors?.length ?? 0) > 0 || !!error}
          helperText={fieldHelperText(
            error,
            'the clusters',
            schema.description ??
              (service
                ? `Clusters running ${service.namespace}/${service.name}`
                : 'A cluster of the fleet'),
          )}
        />
      )}
    />
  );
};
