import { InfoCard, Link, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import type {
  PoliciesResponse,
  ServiceRef,
} from '@meshport/backstage-plugin-mesh-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { meshApiRef } from '../../api';
import { MeshErrorPanel } from '../MeshErrorPanel';
import {
  ClusterStates,
  PoliciesLink,
  PolicyStateLabel,
  shortEntityRef,
} from '../Policies';

/** Repositories whose last sync failed: their states are the last known ones. */
function staleNote(response: PoliciesResponse): string | undefined {
  const failed = response.repositories.filter(r => r.status !== 'ok');
  if (failed.length === 0) return undefined;
  return `Last known states: ${failed
    .map(r => `${r.webUrl} is ${r.status}${r.message ? ` (${r.message})` : ''}`)
    .join('; ')}.`;
}

const PoliciesList = ({ response }: { response: PoliciesResponse }) => (
  <Table size="small" aria-label="Policies about this service">
    <TableHead>
      <TableRow>
        <TableCell>Policy</TableCell>
        <TableCell>State</TableCell>
        <TableCell>Clusters</TableCell>
        <TableCell>Pull request</TableCell>
      </TableRow>
    </TableHead>
    <TableBody>
      {response.items.map(policy => (
        <TableRow
          key={policy.ref}
          data-testid={`policy-card-row-${policy.ref}`}
        >
          <TableCell>
            <Typography variant="body2">{`${policy.kind} ${policy.namespace}/${policy.name}`}</Typography>
            <Typography variant="caption" color="textSecondary">
              {`owner ${shortEntityRef(policy.owner)}`}
            </Typography>
          </TableCell>
          <TableCell>
            <PolicyStateLabel state={policy.state} />
          </TableCell>
          <TableCell>
            <ClusterStates clusters={policy.clusters} />
          </TableCell>
          <TableCell>
            {policy.pullRequest ? (
              <Link to={policy.pullRequest.url}>
                {`#${policy.pullRequest.number} ${policy.pullRequest.state}`}
              </Link>
            ) : (
              '—'
            )}
          </TableCell>
        </TableRow>
      ))}
    </TableBody>
  </Table>
);

/**
 * The Mesh tab's Policies card: the policies about this service, from their pull request to
 * each cluster, with the same states as the Policies page and a link to it, filtered.
 */
export const PoliciesCard = (props: { service: ServiceRef }) => {
  const meshApi = useApi(meshApiRef);
  const id = `${props.service.namespace}/${props.service.name}`;
  const { value, loading, error, retry } = useAsyncRetry(
    () => meshApi.getPolicies({ service: id }),
    [meshApi, id],
  );

  let content;
  if (loading) {
    content = <Progress />;
  } else if (error) {
    content = (
      <MeshErrorPanel
        error={error}
        what={`the policies of ${id}`}
        onRetry={retry}
      />
    );
  } else if (!value || value.repositories.length === 0) {
    content = (
      <Typography variant="body2" data-testid="policies-card-empty">
        No policy repository is configured (mesh.policyRepositories), so
        Meshport does not follow policies from their pull request to the
        clusters.
      </Typography>
    );
  } else {
    const note = staleNote(value);
    content = (
      <>
        {note && (
          <Typography variant="body2" paragraph>
            {note}
          </Typography>
        )}
        {value.items.length === 0 ? (
          <Typography variant="body2" data-testid="policies-card-empty">
            {`No Meshport policy is about ${id}. Use “Request a route” or “Request access” to propose one.`}
          </Typography>
        ) : (
          <PoliciesList response={value} />
        )}
        <Box mt={1}>
          <PoliciesLink filters={{ service: id }}>
            {`Drift, Istio's messages and timings on the Policies page`}
          </PoliciesLink>
        </Box>
      </>
    );
  }
  return <InfoCard title="Policies">{content}</InfoCard>;
};
