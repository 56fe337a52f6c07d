import { useEffect, useMemo, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import type { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import Box from '@material-ui/core/Box';
import Checkbox from '@material-ui/core/Checkbox';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import FormGroup from '@material-ui/core/FormGroup';
import FormHelperText from '@material-ui/core/FormHelperText';
import IconButton from '@material-ui/core/IconButton';
import Typography from '@material-ui/core/Typography';
import DeleteIcon from '@material-ui/icons/Delete';
import useAsync from 'react-use/esm/useAsync';
import { meshApiRef } from '../../api';
import { parseServiceId } from '../../entity/meshServiceRef';
import {
  identityKey,
  identityOptions,
  type IdentityValue,
} from '../MeshIdentityPicker/identityOptions';
import { OptionPicker } from '../OptionPicker';
import { ServiceListFieldSet } from '../ServiceListFieldSet';
import { siblingValue } from '../siblingValue';
import { observedCallers } from './observedCallers';

export interface MeshCallersPickerOptions {
  /** The field holding the service being called. Default `service`. */
  serviceField?: string;
  /** How far back calls count, e.g. `1h` (1m to 24h). Default `1h`. */
  window?: string;
}

const round = (n: number) => (n >= 10 ? n.toFixed(0) : n.toPrecision(2));

/**
 * `ui:field: MeshCallersPicker` — the callers of an AccessPolicy, as a list of identities
 * `{ cluster, namespace, serviceAccount? }`. It offers the callers the mesh saw calling the
 * chosen service over the window (checked at first, each removable) and lets more be added
 * from the fleet's identities (or whole namespaces).
 */
export const MeshCallersPicker = (
  props: FieldExtensionComponentProps<
    IdentityValue[],
    MeshCallersPickerOptions
  >,
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
  const options = uiSchema?.['ui:options'] ?? {};
  const window = options.window ?? '1h';
  const service = parseServiceId(
    siblingValue(formContext, options.serviceField ?? 'service') as
      | string
      | undefined,
  );
  // entries without a cluster are the form's placeholders (an empty item), not callers
  const chosen = useMemo(
    () => (Array.isArray(formData) ? formData.filter(c => c && c.cluster) : []),
    [formData],
  );

  const fleet = useAsync(() => meshApi.getFleet(), [meshApi]);
  const seen = useAsync(async () => {
    if (!service || !fleet.value) return undefined;
    const traffic = await meshApi.getServiceTraffic(service, { window });
    return observedCallers(traffic, fleet.value);
  }, [meshApi, service?.namespace, service?.name, window, fleet.value]);

  // Offer what the mesh saw, once per chosen service: checked while the field is empty, each
  // removable (unchecking every caller does not bring them back).
  const [proposedFor, setProposedFor] = useState<string>();
  const serviceKey = service
    ? `${service.namespace}/${service.name}`
    : undefined;
  useEffect(() => {
    if (!seen.value || !serviceKey || proposedFor === serviceKey) return;
    setProposedFor(serviceKey);
    // the scaffolder's form starts an array field as [] (rjsf's default for arrays): empty is
    // "not set yet" until the callers were offered once for this service
    const untouched = chosen.length === 0;
    if (untouched && seen.value.callers.length > 0)
      onChange(seen.value.callers.map(c => c.identity));
  }, [seen.value, serviceKey, proposedFor, chosen.length, onChange]);

  const observed = seen.value?.callers ?? [];
  const observedKeys = new Set(observed.map(c => c.key));
  const chosenKeys = new Set(chosen.map(identityKey));
  const manual = chosen.filter(c => !observedKeys.has(identityKey(c)));
  const allOptions = useMemo(
    () => (fleet.value ? identityOptions(fleet.value, true) : []),
    [fleet.value],
  );
  const toggle = (identity: IdentityValue, on: boolean) => {
    const key = identityKey(identity);
    onChange(
      on ? [...chosen, identity] : chosen.filter(c => identityKey(c) !== key),
    );
  };
  const label = schema.title ?? 'Callers';

  return (
    <ServiceListFieldSet
      label={label}
      description={schema.description}
      required={required}
      disabled={disabled}
      rawErrors={rawErrors}
      serviceChosen={!!service}
      offeredOnceChosen="the callers the mesh saw calling it are offered here"
    >
      {service && (seen.loading || fleet.loading) && (
        <Typography variant="body2" color="textSecondary">
          Reading who called {serviceKey} in the last {window}…
        </Typography>
      )}
      {service && (seen.error || fleet.error) && (
        <Typography variant="body2" color="error" role="alert">
          Could not read who called {serviceKey} (
          {(seen.error ?? fleet.error)!.message}); add the callers below.
        </Typography>
      )}
      {service && seen.value && (
        <Box mt={1}>
          <Typography variant="subtitle2" component="p">
            {observed.length > 0
              ? `Seen calling ${serviceKey} in the last ${window}`
              : `No caller of ${serviceKey} was seen in the last ${window}`}
          </Typography>
          <FormGroup aria-label={`Callers seen calling ${serviceKey}`}>
            {observed.map(c => (
              <FormControlLabel
                key={c.key}
                control={
                  <Checkbox
                    checked={chosenKeys.has(c.key)}
                    onChange={e => toggle(c.identity, e.target.checked)}
                    name={c.key}
                  />
                }
                label={`${c.identity.namespace}/${
                  c.identity.serviceAccount
                } in ${c.identity.cluster} — ${c.service}, ${round(c.rate)} ${
                  c.unit
                }`}
              />
            ))}
          </FormGroup>
          {seen.value.unnamed.length > 0 && (
            <FormHelperText>
              Also seen, but with no workload identity in the fleet to name:{' '}
              {seen.value.unnamed.join(', ')}
            </FormHelperText>
          )}
        </Box>
      )}
      {manual.map((caller, index) => (
        <Box key={identityKey(caller)} display="flex" alignItems="center">
          <Box flexGrow={1}>
            <OptionPicker<IdentityValue>
              id={`${idSchema?.$id}-manual-${index}`}
              options={allOptions}
              value={caller}
              keyOf={identityKey}
              loading={fleet.loading}
              loadError={fleet.error}
              what="the identities"
              label={`Caller ${index + 1} (added)`}
              disabled={disabled}
              onChange={next => {
                const key = identityKey(caller);
                onChange(
                  next
                    ? chosen.map(c => (identityKey(c) === key ? next : c))
                    : chosen.filter(c => identityKey(c) !== key),
                );
              }}
            />
          </Box>
          <IconButton
            aria-label={`Remove ${identityKey(caller)}`}
            onClick={() => toggle(caller, false)}
            disabled={disabled}
          >
            <DeleteIcon />
          </IconButton>
        </Box>
      ))}
      <OptionPicker<IdentityValue>
        key={`add-${chosen.length}`}
        id={`${idSchema?.$id}-add`}
        options={allOptions.filter(o => !chosenKeys.has(o.key))}
        value={undefined}
        keyOf={identityKey}
        loading={fleet.loading}
        loadError={fleet.error}
        what="the identities"
        label="Add a caller"
        description="Any workload identity of the fleet, or a whole namespace"
        disabled={disabled}
        onChange={next => {
          if (next && !chosenKeys.has(identityKey(next)))
            onChange([...chosen, next]);
        }}
      />
    </ServiceListFieldSet>
  );
};
