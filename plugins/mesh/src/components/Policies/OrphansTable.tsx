import { InfoCard } from '@backstage/core-components';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import type { PolicyOrphan } from '@meshport/backstage-plugin-mesh-common';

/**
 * Live objects labelled as Meshport's that no policy on any branch renders: left behind by a
 * policy removed from the branch while the GitOps tool does not prune, or labelled by hand.
 */
export const OrphansTable = (props: { orphans: PolicyOrphan[] }) => (
  <InfoCard title={`Orphaned objects (${props.orphans.length})`}>
    <Typography variant="body2" paragraph>
      These objects carry Meshport’s policy label, but no policy on the branch
      renders them. Delete them from the cluster (or let your GitOps tool prune
      them), or add the policy back by a pull request.
    </Typography>
    <Table size="small" aria-label="Orphaned objects">
      <TableHead>
        <TableRow>
          <TableCell>Cluster</TableCell>
          <TableCell>Object</TableCell>
          <TableCell>Policy label</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {props.orphans.map(o => (
          <TableRow
            key={`${o.cluster}/${o.apiVersion}/${o.kind}/${o.namespace}/${o.name}`}
          >
            <TableCell>{o.cluster}</TableCell>
            <TableCell>{`${o.kind} ${o.namespace}/${o.name}`}</TableCell>
            <TableCell>
              <code>{o.policy}</code>
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  </InfoCard>
);
