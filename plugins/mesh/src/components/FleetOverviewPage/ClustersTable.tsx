import { Table, TableColumn } from '@backstage/core-components';
import Chip from '@material-ui/core/Chip';
import Link from '@material-ui/core/Link';
import Typography from '@material-ui/core/Typography';
import type {
  FleetCluster,
  MeshService,
} from '@meshport/backstage-plugin-mesh-common';
import type { MouseEvent } from 'react';
import { formatTime } from '../../lib/format';
import { countServices } from '../FleetPicture/layoutFleetPicture';

const SYNC_LABEL: Record<FleetCluster['sync']['state'], string> = {
  ok: 'reachable',
  stale: 'unreachable (stale data)',
  'never-synced': 'never synced',
};

/**
 * The status chip. A cluster whose auth provider discovery cannot use (one that needs the
 * signed-in user, or none configured) is a configuration matter, not an outage: its
 * message says which provider to configure instead.
 */
function statusLabel(cluster: FleetCluster): string {
  if (cluster.sync.error?.reason === 'auth-config')
    return 'auth provider not usable by discovery';
  return SYNC_LABEL[cluster.sync.state];
}

function uniq(values: (string | undefined)[]): string {
  return [...new Set(values.filter((v): v is string => !!v))].join(', ') || '—';
}

/** How many examples of skipped objects the table names; the API lists up to 20. */
const SKIPPED_SHOWN = 3;

/**
 * What the cluster's last sync left out or could not find out: objects it skipped as
 * malformed (how many of each kind, the first few by name with why), and its warnings.
 */
function SyncNotes({ cluster }: { cluster: FleetCluster }) {
  const skipped = cluster.skippedObjects;
  return (
    <>
      {skipped && (
        <Typography variant="caption" display="block">
          {`${skipped.count} malformed object${
            skipped.count === 1 ? '' : 's'
          } skipped (${Object.entries(skipped.byKind)
            .map(([kind, count]) => `${kind} ${count}`)
            .join(', ')})`}
          {skipped.examples.slice(0, SKIPPED_SHOWN).map((e, i) => (
            <span key={i} style={{ display: 'block' }}>
              {`${e.kind} ${e.object}: ${e.reason}`}
            </span>
          ))}
        </Typography>
      )}
      {(cluster.warnings ?? []).map(warning => (
        <Typography key={warning} variant="caption" display="block">
          {warning}
        </Typography>
      ))}
    </>
  );
}

const columns: TableColumn<FleetCluster>[] = [
  { title: 'Cluster', field: 'name', highlight: true },
  {
    title: 'Status',
    render: cluster => (
      <>
        <Chip
          size="small"
          label={statusLabel(cluster)}
          color={cluster.sync.state === 'ok' ? 'primary' : 'secondary'}
        />
        {cluster.sync.error && (
          <Typography variant="caption" display="block">
            {`${cluster.sync.state}: ${cluster.sync.error.message}`}
          </Typography>
        )}
        <SyncNotes cluster={cluster} />
      </>
    ),
  },
  {
    title: 'Last sync',
    render: cluster => formatTime(cluster.sync.lastSuccessAt),
  },
  {
    title: 'Mesh',
    render: cluster =>
      cluster.controlPlanes
        .map(
          cp =>
            `${cp.kind === 'istio' ? 'Istio' : 'Linkerd'} ${cp.version ?? '?'}${
              cp.revision !== 'default' ? ` (${cp.revision})` : ''
            }${cp.ambient ? ' ambient' : ''}${cp.external ? ' external' : ''}`,
        )
        .join(', ') || 'no control plane',
  },
  { title: 'Network', render: cluster => cluster.network ?? '—' },
  {
    title: 'Trust domain',
    render: cluster => uniq(cluster.controlPlanes.map(cp => cp.trustDomain)),
  },
  {
    title: 'Region',
    render: cluster => cluster.regions.join(', ') || '—',
  },
  {
    title: 'East-west gateways',
    render: cluster =>
      cluster.eastWestGateways
        .map(g => `${g.addresses.join(', ') || g.name}:${g.port}`)
        .join('; ') || '—',
  },
];

/** The services column: how many, linked to the overview's list narrowed to the cluster. */
function servicesColumn(props: ClustersTableProps): TableColumn<FleetCluster> {
  const counts = countServices(props.services);
  return {
    title: 'Services',
    render: cluster => {
      const count = counts.get(cluster.name) ?? 0;
      return (
        <Link
          href={props.clusterHref(cluster.name)}
          onClick={(event: MouseEvent) => {
            if (event.metaKey || event.ctrlKey || event.shiftKey) return;
            event.preventDefault();
            props.onSelectCluster(cluster.name);
          }}
          aria-label={`${count} service${count === 1 ? '' : 's'} in ${
            cluster.name
          }: show them`}
        >
          {String(count)}
        </Link>
      );
    },
  };
}

export interface ClustersTableProps {
  clusters: FleetCluster[];
  services: MeshService[];
  onSelectCluster: (cluster: string) => void;
  clusterHref: (cluster: string) => string;
}

/** Every cluster Meshport reads, and how fresh its data is. */
export const ClustersTable = (props: ClustersTableProps) => (
  <Table<FleetCluster>
    title={`Clusters (${props.clusters.length})`}
    options={{ paging: false, search: false, padding: 'dense' }}
    columns={[...columns, servicesColumn(props)]}
    data={props.clusters}
  />
);
