import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';

/** The windows offered; the backend accepts 1m to 24h. */
export const WINDOWS = ['5m', '15m', '1h', '6h', '24h'] as const;

export const WindowSelect = (props: {
  value: string;
  onChange: (window: string) => void;
}) => (
  <TextField
    select
    size="small"
    label="Window"
    value={props.value}
    onChange={e => props.onChange(e.target.value)}
    variant="outlined"
    style={{ minWidth: 96 }}
  >
    {WINDOWS.map(w => (
      <MenuItem key={w} value={w}>
        {`last ${w}`}
      </MenuItem>
    ))}
  </TextField>
);
