import Box from '@material-ui/core/Box';
import { useTheme } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import BlockIcon from '@material-ui/icons/Block';
import CheckCircleIcon from '@material-ui/icons/CheckCircle';
import ErrorIcon from '@material-ui/icons/Error';
import HelpOutlineIcon from '@material-ui/icons/HelpOutline';
import HourglassEmptyIcon from '@material-ui/icons/HourglassEmpty';
import RateReviewIcon from '@material-ui/icons/RateReview';
import RemoveCircleOutlineIcon from '@material-ui/icons/RemoveCircleOutline';
import SyncProblemIcon from '@material-ui/icons/SyncProblem';
import type {
  PolicyClusterStatus,
  PolicyState,
} from '@meshport/backstage-plugin-mesh-common';
import type { ComponentType } from 'react';

/** What each state means to the person reading the page, in one sentence. */
export const POLICY_STATE_MEANING: Record<PolicyState, string> = {
  requested:
    'its pull request is open: it is not on the branch until the owners approve and merge it',
  applied:
    'every object the branch renders for it is live in the cluster, exactly as rendered',
  pending:
    'on the branch, but the cluster does not hold the rendered objects yet: the GitOps tool has not applied them',
  drifted:
    'a live object differs from what the branch renders: someone changed it in the cluster',
  missing:
    'the cluster held the rendered objects and now lacks one: it was deleted in the cluster',
  rejected:
    'Istio reports an error about a live object (its validation messages)',
  closed: 'its pull request was closed without merging',
  unknown:
    'no cluster it renders for could be read yet, so its state cannot be judged',
};

interface StateLook {
  icon: ComponentType<{ fontSize?: 'small' | 'inherit'; style?: object }>;
  /** A theme palette colour: only ever beside the text and icon, never alone. */
  color: 'error' | 'warning' | 'info' | 'success' | 'text';
}

const LOOK: Record<PolicyState, StateLook> = {
  rejected: { icon: ErrorIcon, color: 'error' },
  drifted: { icon: SyncProblemIcon, color: 'error' },
  missing: { icon: RemoveCircleOutlineIcon, color: 'error' },
  pending: { icon: HourglassEmptyIcon, color: 'info' },
  requested: { icon: RateReviewIcon, color: 'info' },
  applied: { icon: CheckCircleIcon, color: 'success' },
  closed: { icon: BlockIcon, color: 'text' },
  unknown: { icon: HelpOutlineIcon, color: 'text' },
};

/**
 * A state as an icon and its word, so it reads without colour; the meaning is the title (hover)
 * and, for screen readers, part of the label.
 */
export const PolicyStateLabel = (props: {
  state: PolicyState;
  /** e.g. the cluster, for a label read out of its row: "cluster-1: drifted". */
  prefix?: string;
}) => {
  const theme = useTheme();
  const { icon: Icon, color } = LOOK[props.state] ?? LOOK.unknown;
  const text = props.prefix ? `${props.prefix}: ${props.state}` : props.state;
  return (
    <Typography
      component="span"
      variant="body2"
      title={POLICY_STATE_MEANING[props.state]}
      data-state={props.state}
      style={{
        display: 'inline-flex',
        alignItems: 'center',
        gap: 4,
        whiteSpace: 'nowrap',
      }}
    >
      <Icon
        fontSize="small"
        style={{
          color:
            color === 'text'
              ? theme.palette.text.secondary
              : theme.palette[color].main,
        }}
        aria-hidden="true"
      />
      {text}
    </Typography>
  );
};

/** A policy's state in each cluster, one per line; a dash before any cluster holds it. */
export const ClusterStates = (props: { clusters: PolicyClusterStatus[] }) =>
  props.clusters.length === 0 ? (
    <>—</>
  ) : (
    <Box display="flex" flexDirection="column">
      {props.clusters.map(c => (
        <PolicyStateLabel key={c.cluster} prefix={c.cluster} state={c.state} />
      ))}
    </Box>
  );
