import Box from '@material-ui/core/Box';
import { useTheme } from '@material-ui/core/styles';
import ErrorIcon from '@material-ui/icons/Error';
import InfoIcon from '@material-ui/icons/Info';
import WarningIcon from '@material-ui/icons/Warning';
import type { FindingSeverity } from '@meshport/backstage-plugin-mesh-common';

/** A severity as icon and word: colour alone would say nothing to some readers. */
export const SeverityLabel = (props: { severity: FindingSeverity }) => {
  const theme = useTheme();
  const { severity } = props;
  let icon: JSX.Element;
  if (severity === 'error') {
    icon = (
      <ErrorIcon
        fontSize="small"
        style={{ color: theme.palette.error.main }}
        aria-hidden
      />
    );
  } else if (severity === 'warning') {
    icon = (
      <WarningIcon
        fontSize="small"
        style={{ color: theme.palette.warning.main }}
        aria-hidden
      />
    );
  } else {
    icon = (
      <InfoIcon
        fontSize="small"
        style={{ color: theme.palette.info.main }}
        aria-hidden
      />
    );
  }
  return (
    <Box
      component="span"
      display="inline-flex"
      alignItems="center"
      style={{ gap: 4 }}
      data-testid="finding-severity"
    >
      {icon}
      <span>{severity}</span>
    </Box>
  );
};
