import { Link } from '@backstage/core-components';
import IconButton from '@material-ui/core/IconButton';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import KeyboardArrowDownIcon from '@material-ui/icons/KeyboardArrowDown';
import KeyboardArrowRightIcon from '@material-ui/icons/KeyboardArrowRight';
import type {
  PolicyLifecycle,
  PolicyPullRequest,
} from '@meshport/backstage-plugin-mesh-common';
import { Fragment, useState } from 'react';
import { formatDuration } from '../../lib/format';
import { ServiceLink } from '../ServiceLink';
import { PolicyDetails } from './PolicyDetails';
import { ClusterStates, PolicyStateLabel } from './policyStates';

const COLUMNS = 8;

/** `group:default/bookinfo-team` → `bookinfo-team`: the ref's name is what people say. */
export function shortEntityRef(ref: string | undefined): string {
  if (!ref) return '—';
  const name = ref.slice(ref.indexOf('/') + 1);
  return name || ref;
}

/** `<namespace>/<name>`, linked to the service's page; anything else as it came. */
const Destination = ({ id }: { id: string }) => {
  const [namespace, name, ...rest] = id.split('/');
  return namespace && name && rest.length === 0 ? (
    <ServiceLink service={{ namespace, name }} />
  ) : (
    <>{id}</>
  );
};

const PullRequestCell = ({ pr }: { pr?: PolicyPullRequest }) => {
  if (!pr) return <>—</>;
  return (
    <>
      <Link to={pr.url}>{`#${pr.number} ${pr.state}`}</Link>
      {pr.reviewers.length > 0 && (
        <Typography variant="caption" display="block">
          {`reviewers: ${pr.reviewers.join(', ')}`}
        </Typography>
      )}
    </>
  );
};

/** requested → merged → applied, as far as the policy has gone. */
const TimingsCell = ({ policy }: { policy: PolicyLifecycle }) => {
  const { timings } = policy;
  const steps: string[] = [];
  if (timings.requestedToMerged !== undefined)
    steps.push(`merged after ${formatDuration(timings.requestedToMerged)}`);
  if (timings.mergedToApplied !== undefined)
    steps.push(`applied ${formatDuration(timings.mergedToApplied)} later`);
  if (steps.length === 0 && policy.pullRequest?.state === 'open')
    steps.push('awaiting review');
  return <>{steps.join(', ') || '—'}</>;
};

const PolicyRow = (props: { policy: PolicyLifecycle }) => {
  const { policy } = props;
  const [open, setOpen] = useState(false);
  const detailsId = `policy-details-${policy.ref}`;
  return (
    <Fragment>
      <TableRow data-testid={`policy-row-${policy.ref}`}>
        <TableCell padding="checkbox">
          <IconButton
            size="small"
            aria-expanded={open}
            aria-controls={open ? detailsId : undefined}
            aria-label={`${open ? 'Hide' : 'Show'} the clusters of ${
              policy.ref
            }`}
            onClick={() => setOpen(o => !o)}
          >
            {open ? <KeyboardArrowDownIcon /> : <KeyboardArrowRightIcon />}
          </IconButton>
        </TableCell>
        <TableCell>
          <Typography variant="body2">{policy.kind}</Typography>
          <Typography variant="body2">{`${policy.namespace}/${policy.name}`}</Typography>
        </TableCell>
        <TableCell>
          {policy.destinations.length === 0
            ? '—'
            : policy.destinations.map(d => (
                <Typography key={d} variant="body2">
                  <Destination id={d} />
                </Typography>
              ))}
        </TableCell>
        <TableCell>{shortEntityRef(policy.owner)}</TableCell>
        <TableCell>
          <PolicyStateLabel state={policy.state} />
        </TableCell>
        <TableCell>
          <ClusterStates clusters={policy.clusters} />
        </TableCell>
        <TableCell>
          <PullRequestCell pr={policy.pullRequest} />
        </TableCell>
        <TableCell>
          <TimingsCell policy={policy} />
        </TableCell>
      </TableRow>
      {open && (
        <TableRow id={detailsId}>
          <TableCell colSpan={COLUMNS}>
            <PolicyDetails policy={policy} />
          </TableCell>
        </TableRow>
      )}
    </Fragment>
  );
};

/** Every policy, worst first as the backend sorts them; a row opens to its clusters. */
export const PoliciesTable = (props: { policies: PolicyLifecycle[] }) => (
  <Table size="small" aria-label="Policies">
    <TableHead>
      <TableRow>
        <TableCell padding="checkbox">
          <Typography variant="srOnly">Details</Typography>
        </TableCell>
        <TableCell>Policy</TableCell>
        <TableCell>Destinations</TableCell>
        <TableCell>Owner</TableCell>
        <TableCell>State</TableCell>
        <TableCell>Clusters</TableCell>
        <TableCell>Pull request</TableCell>
        <TableCell>Timings</TableCell>
      </TableRow>
    </TableHead>
    <TableBody>
      {props.policies.map(policy => (
        <PolicyRow key={policy.ref} policy={policy} />
      ))}
    </TableBody>
  </Table>
);
