import FormControl from '@material-ui/core/FormControl';
import FormHelperText from '@material-ui/core/FormHelperText';
import FormLabel from '@material-ui/core/FormLabel';
import Typography from '@material-ui/core/Typography';
import type { ReactNode } from 'react';

/**
 * The frame of a field holding a list about the form's chosen service (the split editor, the
 * callers picker): a fieldset with its legend and description, what to do while no service
 * is chosen, and the form's errors for the field under it.
 */
export function ServiceListFieldSet(props: {
  label: string;
  description?: string;
  required?: boolean;
  disabled?: boolean;
  rawErrors?: string[];
  /** False when the field lists its problems itself (the fieldset is still marked invalid). */
  listErrors?: boolean;
  /** Whether the form's service field holds a service yet. */
  serviceChosen: boolean;
  /** What the field offers once it does, e.g. "its subsets in each cluster are offered here". */
  offeredOnceChosen: string;
  children: ReactNode;
}) {
  const invalid = (props.rawErrors?.length ?? 0) > 0;
  return (
    <FormControl
      component="fieldset"
      required={props.required}
      error={invalid}
      disabled={props.disabled}
      fullWidth
      margin="normal"
    >
      <FormLabel component="legend">{props.label}</FormLabel>
      {props.description && (
        <FormHelperText>{props.description}</FormHelperText>
      )}
      {!props.serviceChosen && (
        <Typography variant="body2" color="textSecondary">
          Pick the service first: {props.offeredOnceChosen}.
        </Typography>
      )}
      {props.children}
      {invalid && props.listErrors !== false && (
        <FormHelperText error>{props.rawErrors!.join(' ')}</FormHelperText>
      )}
    </FormControl>
  );
}
