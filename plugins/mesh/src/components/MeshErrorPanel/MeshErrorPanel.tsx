import { WarningPanel } from '@backstage/core-components';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import { explainError } from './explainError';

/**
 * The backend's own words when it gave any: a ResponseError's message is only the HTTP status,
 * while its body says what was wrong (e.g. which query parameter of a trace is bad).
 */
export function errorDetail(error: Error): string {
  const body = (error as { body?: { error?: { message?: unknown } } }).body;
  const message = body?.error?.message;
  return typeof message === 'string' && message
    ? `${message} (${error.message})`
    : error.message;
}

/** A failed load, explained, with a way to retry. */
export const MeshErrorPanel = (props: {
  error: Error;
  what: string;
  onRetry?: () => void;
}) => {
  const { title, hint } = explainError(props.error, props.what);
  return (
    // The test id lets end-to-end tests assert that no load failed, whatever the wording.
    <div data-testid="mesh-error">
      <WarningPanel severity="error" title={title} defaultExpanded>
        <Typography variant="body2" paragraph>
          {hint}
        </Typography>
        <Typography variant="body2" color="textSecondary" paragraph>
          {errorDetail(props.error)}
        </Typography>
        {props.onRetry && (
          <Button variant="outlined" size="small" onClick={props.onRetry}>
            Retry
          </Button>
        )}
      </WarningPanel>
    </div>
  );
};
