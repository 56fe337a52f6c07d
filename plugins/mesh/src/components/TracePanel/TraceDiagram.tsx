import Box from '@material-ui/core/Box';
import { makeStyles } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import CheckCircleIcon from '@material-ui/icons/CheckCircle';
import ErrorIcon from '@material-ui/icons/Error';
import Alert from '@material-ui/lab/Alert';
import type { Leg, Trace } from '@meshport/backstage-plugin-mesh-policy';
import type { ReactNode } from 'react';
import {
  describeAuthz,
  describeLeg,
  describeOutcome,
  describeTls,
  describeTravel,
  formatShare,
  groupLegs,
} from './describeTrace';

const useStyles = makeStyles(theme => ({
  chain: {
    display: 'flex',
    alignItems: 'flex-start',
    flexWrap: 'wrap',
    gap: theme.spacing(1),
    margin: 0,
  },
  box: {
    border: `1px solid ${theme.palette.divider}`,
    borderRadius: theme.shape.borderRadius,
    padding: theme.spacing(1, 1.5),
    background: theme.palette.background.paper,
    minWidth: 120,
    maxWidth: 320,
    overflowWrap: 'anywhere',
  },
  arrow: {
    alignSelf: 'center',
    color: theme.palette.text.secondary,
    fontSize: '1.25rem',
  },
  destinations: {
    listStyle: 'none',
    margin: theme.spacing(1, 0, 0, 4),
    padding: 0,
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(1.5),
  },
  legs: {
    listStyle: 'none',
    margin: theme.spacing(1, 0, 0, 6),
    padding: 0,
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(1),
  },
  leg: {
    display: 'flex',
    alignItems: 'stretch',
    flexWrap: 'wrap',
    gap: theme.spacing(1),
    padding: theme.spacing(0.5),
    borderRadius: theme.shape.borderRadius,
    border: '2px solid transparent',
  },
  failing: {
    borderColor: theme.palette.error.main,
    background:
      theme.palette.type === 'dark'
        ? 'rgba(244, 67, 54, 0.12)'
        : 'rgba(244, 67, 54, 0.06)',
  },
  failText: { color: theme.palette.error.main, fontWeight: 500 },
  okText: { color: theme.palette.success.main },
}));

const Step = (props: { heading: string; children: ReactNode }) => {
  const classes = useStyles();
  return (
    <div className={classes.box}>
      <Typography variant="overline" component="div" color="textSecondary">
        {props.heading}
      </Typography>
      <Typography variant="body2" component="div">
        {props.children}
      </Typography>
    </div>
  );
};

const Arrow = () => {
  const classes = useStyles();
  return (
    <span className={classes.arrow} aria-hidden>
      →
    </span>
  );
};

const LegRow = (props: { leg: Leg }) => {
  const classes = useStyles();
  const { leg } = props;
  const fails = !!leg.failure;
  return (
    <li
      className={`${classes.leg} ${fails ? classes.failing : ''}`}
      aria-label={describeLeg(leg)}
      data-testid="trace-leg"
      data-cluster={leg.cluster ?? ''}
      data-fails={fails ? 'true' : 'false'}
    >
      <Step heading={`Cluster ${leg.cluster ?? '—'}`}>
        {describeTravel(leg)}
        {leg.gateway && !leg.gateway.hasChain && (
          <div className={classes.failText}>
            the gateway has no chain for this SNI
          </div>
        )}
        <div>{`${leg.readyEndpoints} ready endpoint${
          leg.readyEndpoints === 1 ? '' : 's'
        }${
          leg.localities.length ? ` · ${leg.localities.join(', ')}` : ''
        }`}</div>
      </Step>
      <Arrow />
      <Step heading="mTLS">
        <span className={leg.tls && !leg.tls.ok ? classes.failText : undefined}>
          {describeTls(leg)}
        </span>
      </Step>
      <Arrow />
      <Step heading="Authorization">
        <span
          className={
            leg.authz?.decision === 'deny' ? classes.failText : undefined
          }
        >
          {describeAuthz(leg)}
        </span>
      </Step>
      <Arrow />
      <Step heading="Outcome">
        <Box
          display="flex"
          alignItems="flex-start"
          style={{ gap: 4 }}
          className={fails ? classes.failText : classes.okText}
          data-testid="trace-leg-outcome"
        >
          {fails ? (
            <ErrorIcon fontSize="small" aria-hidden />
          ) : (
            <CheckCircleIcon fontSize="small" aria-hidden />
          )}
          <span>{describeOutcome(leg)}</span>
        </Box>
      </Step>
    </li>
  );
};

/**
 * The verifier's chain as a picture: route → destinations with their weights → one leg per
 * serving cluster → mTLS → authorization → outcome. Every box says in words what its colour
 * says, so the picture reads the same to a screen reader and in greyscale.
 */
export const TraceDiagram = (props: { trace: Trace; callerName: string }) => {
  const classes = useStyles();
  const { trace } = props;
  const r = trace.request;
  const groups = groupLegs(trace);
  const failing = (trace.legs ?? []).filter(l => l.failure).length;
  let summary = 'Every leg reaches a ready endpoint';
  if (trace.failure) {
    summary = `The request fails before any leg: ${trace.failure}`;
  } else if ((trace.legs ?? []).length === 0) {
    summary = 'The request reaches no endpoint';
  } else if (failing) {
    summary = `${failing} of ${trace.legs.length} legs fail`;
  }
  return (
    <figure
      style={{ margin: 0 }}
      aria-label={`Where a request from ${props.callerName} to ${r.host}:${r.port} goes`}
      data-testid="trace-diagram"
    >
      <Alert
        severity={trace.ok && !failing ? 'success' : 'error'}
        style={{ marginBottom: 12 }}
        data-testid="trace-summary"
      >
        {summary}
      </Alert>
      <div className={classes.chain}>
        <Step heading="Caller">
          {props.callerName}
          <div>{`${r.method ?? 'GET'} ${r.path ?? '/'} → ${r.host}:${
            r.port
          }`}</div>
        </Step>
        <Arrow />
        <Step heading="Route">
          <span data-testid="trace-route">
            {trace.route?.virtualService
              ? `VirtualService ${trace.route.virtualService}, ${
                  trace.route.route
                    ? `route "${trace.route.route}"`
                    : `http[${trace.route.index ?? '?'}]`
                }${
                  trace.route.timeout ? `, timeout ${trace.route.timeout}` : ''
                }`
              : "No VirtualService: Istio's default route to every endpoint"}
          </span>
        </Step>
        {trace.failure ? (
          <>
            <Arrow />
            <Step heading="Outcome">
              <Box
                display="flex"
                style={{ gap: 4 }}
                className={classes.failText}
              >
                <ErrorIcon fontSize="small" aria-hidden />
                <span>{`fails: ${trace.failure}`}</span>
              </Box>
            </Step>
          </>
        ) : null}
      </div>
      {!trace.failure && (
        // Each destination under the route, its legs under it, one row each: cluster →
        // mTLS → authorization → outcome read left to right at any width the card has.
        <ol className={classes.destinations} aria-label="Destinations">
          {groups.map(g => (
            <li key={g.destination} data-testid="trace-destination">
              <div className={classes.chain}>
                <span className={classes.arrow} aria-hidden>
                  ↳
                </span>
                <Step heading={`Destination ${g.destination + 1}`}>
                  {`${formatShare(g.share)} → ${
                    g.subset ? `subset ${g.subset}` : 'every endpoint'
                  }`}
                  <div>{g.host}</div>
                </Step>
              </div>
              <ul
                className={classes.legs}
                aria-label={`Legs of destination ${g.destination + 1}`}
              >
                {g.legs.map(leg => (
                  <LegRow
                    key={`${leg.cluster}|${leg.subset}|${leg.travel}`}
                    leg={leg}
                  />
                ))}
              </ul>
            </li>
          ))}
        </ol>
      )}
      {trace.notes?.length > 0 && (
        <Box component="ul" mt={1} pl={2.5} data-testid="trace-notes">
          {trace.notes.map(n => (
            <li key={n}>
              <Typography variant="body2" color="textSecondary">
                {n}
              </Typography>
            </li>
          ))}
        </Box>
      )}
    </figure>
  );
};
