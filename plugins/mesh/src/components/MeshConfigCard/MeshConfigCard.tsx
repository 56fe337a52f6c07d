import { InfoCard } from '@backstage/core-components';
import Chip from '@material-ui/core/Chip';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import type { ServiceInstance } from '@meshport/backstage-plugin-mesh-common';
import { collectConfig } from './collectConfig';

/**
 * The mesh objects that touch the service as the clusters hold them: rendered by Meshport, or
 * written by hand. Meshport's policies have their lifecycle in the Policies card; this card is
 * where hand-written config shows.
 */
export const MeshConfigCard = (props: { instances: ServiceInstance[] }) => {
  const applied = collectConfig(props.instances);
  const everywhere = props.instances.length;
  return (
    <InfoCard title="Mesh config">
      {applied.length === 0 ? (
        <Typography variant="body2">
          No VirtualService, DestinationRule, PeerAuthentication or
          AuthorizationPolicy touches this service: the mesh defaults apply. Use
          “Request a route” or “Request access” to propose one.
        </Typography>
      ) : (
        <Table size="small" aria-label="Mesh config that applies">
          <TableHead>
            <TableRow>
              <TableCell>Kind</TableCell>
              <TableCell>Object</TableCell>
              <TableCell>Clusters</TableCell>
              <TableCell>Origin</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {applied.map(({ ref, clusters }) => (
              <TableRow
                key={`${ref.apiVersion}/${ref.kind}/${ref.namespace}/${ref.name}`}
              >
                <TableCell>{ref.kind}</TableCell>
                <TableCell>{`${ref.namespace}/${ref.name}`}</TableCell>
                <TableCell>
                  {clusters.length === everywhere && everywhere > 1
                    ? `all (${clusters.join(', ')})`
                    : clusters.join(', ')}
                </TableCell>
                <TableCell>
                  {ref.meshportPolicy ? (
                    <Chip
                      size="small"
                      color="primary"
                      label={`Meshport policy ${ref.meshportPolicy}`}
                    />
                  ) : (
                    <Chip
                      size="small"
                      variant="outlined"
                      label="hand-written"
                    />
                  )}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </InfoCard>
  );
};
