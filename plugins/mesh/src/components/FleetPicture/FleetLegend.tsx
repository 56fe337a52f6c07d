import Typography from '@material-ui/core/Typography';
import { makeStyles, useTheme } from '@material-ui/core/styles';
import {
  healthColor,
  HEALTH_MARK,
  LINK_DASH,
  linkColor,
} from './fleetPictureStyle';
import {
  ClusterHealth,
  HEALTH_LEGEND,
  LINK_KIND_LABEL,
  LINK_KINDS,
} from './layoutFleetPicture';

const useStyles = makeStyles(theme => ({
  legend: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(1, 3),
    listStyle: 'none',
    padding: 0,
    margin: theme.spacing(1, 0, 0),
  },
  item: { display: 'flex', alignItems: 'center', gap: theme.spacing(1) },
}));

/** What each line style and colour means, in words. */
export const FleetLegend = () => {
  const theme = useTheme();
  const classes = useStyles();
  return (
    <ul
      className={classes.legend}
      aria-label="Legend"
      data-testid="fleet-legend"
    >
      {LINK_KINDS.map(kind => (
        <li key={kind} className={classes.item}>
          <svg width={40} height={10} aria-hidden="true">
            <line
              x1={2}
              y1={5}
              x2={38}
              y2={5}
              stroke={linkColor(theme, kind)}
              strokeWidth={2.5}
              strokeDasharray={LINK_DASH[kind]}
            />
          </svg>
          <Typography variant="body2" component="span">
            {LINK_KIND_LABEL[kind]}
          </Typography>
        </li>
      ))}
      {(['ok', 'stale', 'never-synced'] as ClusterHealth[]).map(health => (
        <li key={health} className={classes.item}>
          <span
            aria-hidden="true"
            style={{ color: healthColor(theme, health) }}
          >
            {HEALTH_MARK[health]}
          </span>
          <Typography variant="body2" component="span">
            {HEALTH_LEGEND[health]}
          </Typography>
        </li>
      ))}
      <li className={classes.item}>
        <Typography variant="body2" component="span">
          Arrows point from the clients’ cluster to the services’ cluster; a
          faded line touches a cluster not synced now.
        </Typography>
      </li>
    </ul>
  );
};
