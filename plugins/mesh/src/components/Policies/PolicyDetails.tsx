import { Link } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import type {
  PolicyClusterStatus,
  PolicyFieldDifference,
  PolicyLifecycle,
  PolicyObjectStatus,
} from '@meshport/backstage-plugin-mesh-common';
import { formatTime } from '../../lib/format';
import { PolicyStateLabel, POLICY_STATE_MEANING } from './policyStates';

/** A value of a drift diff as YAML would show it; absent as a word, not as an empty cell. */
export function formatFieldValue(value: unknown, absent: string): string {
  if (value === undefined) return absent;
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

const DifferencesTable = (props: {
  object: PolicyObjectStatus;
  cluster: string;
  differences: PolicyFieldDifference[];
}) => (
  <Table
    size="small"
    aria-label={`Drift of ${props.object.kind} ${props.object.namespace}/${props.object.name} in ${props.cluster}`}
  >
    <TableHead>
      <TableRow>
        <TableCell>Field</TableCell>
        <TableCell>On the branch</TableCell>
        <TableCell>Live in {props.cluster}</TableCell>
      </TableRow>
    </TableHead>
    <TableBody>
      {props.differences.map(d => (
        <TableRow key={d.path}>
          <TableCell>
            <code>{d.path}</code>
          </TableCell>
          <TableCell>
            <code>{formatFieldValue(d.rendered, '(not set)')}</code>
          </TableCell>
          <TableCell>
            <code>{formatFieldValue(d.live, '(removed)')}</code>
          </TableCell>
        </TableRow>
      ))}
    </TableBody>
  </Table>
);

/** What the reader can do about a cluster's state; nothing for the states that need nothing. */
function whatToDo(
  policy: PolicyLifecycle,
  cluster: PolicyClusterStatus,
): string | undefined {
  switch (cluster.state) {
    case 'drifted':
      return `To undo the hand edit, have your GitOps tool re-apply the branch to ${cluster.cluster} (e.g. sync the application, or kubectl apply the rendered files listed here). To keep the change, make it in the policy (${policy.path}) by a pull request: a live edit is overwritten by the next sync.`;
    case 'missing':
      return `Re-apply the branch to ${cluster.cluster}; if the objects were deleted on purpose, remove the policy from the branch by a pull request.`;
    case 'rejected':
      return `Fix what Istio reports in the policy (${policy.path}) by a pull request; Istio keeps rejecting the object until the branch changes.`;
    case 'pending':
      return `Wait for your GitOps tool to apply the branch to ${cluster.cluster}; if it does not, check that it watches this repository and branch.`;
    default:
      return undefined;
  }
}

const ObjectStatus = (props: {
  object: PolicyObjectStatus;
  cluster: string;
}) => {
  const { object } = props;
  return (
    <Box component="li" mb={1}>
      <Box display="flex" flexWrap="wrap" alignItems="center" gridGap={8}>
        <Typography variant="body2">
          {`${object.kind} ${object.namespace}/${object.name}`}
        </Typography>
        <PolicyStateLabel state={object.state} />
        <Typography variant="caption" color="textSecondary">
          {object.path}
        </Typography>
      </Box>
      {object.differences && object.differences.length > 0 && (
        <DifferencesTable
          object={object}
          cluster={props.cluster}
          differences={object.differences}
        />
      )}
      {object.messages && object.messages.length > 0 && (
        <Box component="ul" mt={0.5}>
          {object.messages.map((m, i) => (
            <Typography key={i} component="li" variant="body2">
              {`Istio ${m.level ?? 'message'}${m.code ? ` ${m.code}` : ''}: ${
                m.description
              }`}
            </Typography>
          ))}
        </Box>
      )}
    </Box>
  );
};

/** A policy's objects in each cluster, its drift, Istio's messages and what to do. */
export const PolicyDetails = (props: { policy: PolicyLifecycle }) => {
  const { policy } = props;
  return (
    <Box py={1} data-testid={`policy-details-${policy.ref}`}>
      <Typography variant="body2" paragraph>
        {`${policy.kind} ${policy.namespace}/${policy.name} in ${
          policy.path
        }: ${POLICY_STATE_MEANING[policy.state]}.`}
        {policy.request?.requester &&
          ` Requested by ${policy.request.requester}${
            policy.request.requestedAt
              ? ` on ${formatTime(policy.request.requestedAt)}`
              : ''
          }.`}
        {policy.pullRequest && (
          <>
            {' '}
            <Link to={policy.pullRequest.url}>
              {`Pull request #${policy.pullRequest.number}: ${policy.pullRequest.title}`}
            </Link>
            {policy.pullRequest.approvedBy.length > 0 &&
              ` (approved by ${policy.pullRequest.approvedBy.join(', ')})`}
          </>
        )}
      </Typography>
      {policy.clusters.length === 0 && (
        <Typography variant="body2" color="textSecondary">
          {policy.onBranch
            ? 'The branch renders no object for any cluster it feeds.'
            : 'Not on the branch yet: its clusters are known once the pull request is merged.'}
        </Typography>
      )}
      {policy.clusters.map(cluster => {
        const todo = whatToDo(policy, cluster);
        return (
          <Box key={cluster.cluster} mb={2}>
            <Typography
              variant="subtitle2"
              component="h4"
              style={{ display: 'flex', alignItems: 'center', gap: 8 }}
            >
              <PolicyStateLabel
                prefix={cluster.cluster}
                state={cluster.state}
              />
              {cluster.since && (
                <Typography variant="caption" color="textSecondary">
                  {`since ${formatTime(cluster.since)}`}
                </Typography>
              )}
              {cluster.stale && (
                <Typography variant="caption" color="textSecondary">
                  (cluster unreachable: judged on its last known objects)
                </Typography>
              )}
            </Typography>
            <Box component="ul" pl={2} my={0.5}>
              {cluster.objects.map(object => (
                <ObjectStatus
                  key={`${object.kind}/${object.namespace}/${object.name}`}
                  object={object}
                  cluster={cluster.cluster}
                />
              ))}
            </Box>
            {todo && (
              <Typography variant="body2">
                <strong>What to do: </strong>
                {todo}
              </Typography>
            )}
          </Box>
        );
      })}
    </Box>
  );
};
