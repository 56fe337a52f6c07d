import TextField from '@material-ui/core/TextField';
import Autocomplete from '@material-ui/lab/Autocomplete';
import { fieldHelperText } from './fieldHelperText';

/** One choice of a picker: `label` is what the input shows once chosen, `detail` follows it in the list. */
export interface PickerOption<T> {
  key: string;
  label: string;
  detail?: string;
  value: T;
}

export interface OptionPickerProps<T> {
  id?: string;
  options: PickerOption<T>[];
  value: T | undefined;
  /** The key of a stored value, so a value the options no longer hold still shows. */
  keyOf: (value: T) => string;
  loading: boolean;
  loadError?: Error;
  /** What failed to load, for the error text: "the clusters". */
  what: string;
  label: string;
  description?: string;
  required?: boolean;
  disabled?: boolean;
  invalid?: boolean;
  onChange: (value: T | undefined) => void;
  /** Set when options are searched on the server: typing is reported and not filtered locally. */
  onSearch?: (text: string) => void;
}

/** The autocomplete every mesh picker shares: options from the mesh API, errors that say what to do. */
export function OptionPicker<T>(props: OptionPickerProps<T>) {
  const { options, value, keyOf, onSearch } = props;
  const selected =
    value === undefined || value === null || value === ''
      ? null
      : options.find(o => o.key === keyOf(value)) ?? {
          key: keyOf(value),
          label: keyOf(value),
          value,
        };

  return (
    <Autocomplete<PickerOption<T>>
      id={props.id}
      options={options}
      value={selected}
      loading={props.loading}
      disabled={props.disabled}
      getOptionLabel={o => o.label}
      getOptionSelected={(a, b) => a.key === b.key}
      renderOption={o => `${o.label}${o.detail ?? ''}`}
      onChange={(_, option) => props.onChange(option?.value)}
      onInputChange={(_, text, reason) => {
        if (onSearch && reason === 'input') onSearch(text);
      }}
      filterOptions={onSearch ? all => all : undefined}
      renderInput={params => (
        <TextField
          {...params}
          label={props.label}
          margin="dense"
          variant="outlined"
          required={props.required}
          error={!!props.invalid || !!props.loadError}
          helperText={fieldHelperText(
            props.loadError,
            props.what,
            props.description,
          )}
        />
      )}
    />
  );
}
