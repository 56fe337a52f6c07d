import Chip from '@material-ui/core/Chip';
import Tooltip from '@material-ui/core/Tooltip';
import Alert from '@material-ui/lab/Alert';
import {
  describeClaims,
  describeOwnershipConflict,
  MeshService,
} from '@meshport/backstage-plugin-mesh-common';

/**
 * A service whose clusters name different owners has no owner until someone settles it:
 * said where people look, with the competing claims and how to fix it, rather than showing
 * one of the claimants as if it were the owner.
 */
export const OwnershipConflictAlert = (props: {
  service: Pick<MeshService, 'id' | 'ownership'>;
}) => {
  const conflict = props.service.ownership?.conflict;
  if (!conflict) return null;
  return (
    <Alert severity="warning" role="alert">
      {`${describeOwnershipConflict(
        props.service.id,
        conflict,
      )}. Until then nobody may request a route for it.`}
    </Alert>
  );
};

/** The owner cell of a service list: the owner, or a flag naming the disputed claims. */
export const OwnerCell = (props: {
  service: Pick<MeshService, 'owner' | 'ownership'>;
}) => {
  const conflict = props.service.ownership?.conflict;
  if (!conflict) return <>{props.service.owner ?? '—'}</>;
  return (
    <Tooltip title={describeClaims(conflict.claims)}>
      <Chip size="small" color="secondary" label="ownership disputed" />
    </Tooltip>
  );
};
