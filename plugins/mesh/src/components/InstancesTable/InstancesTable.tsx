import { Table, TableColumn } from '@backstage/core-components';
import Chip from '@material-ui/core/Chip';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import type {
  FleetCluster,
  ServiceInstance,
} from '@meshport/backstage-plugin-mesh-common';
import { formatTime } from '../../lib/format';

interface InstanceRow {
  instance: ServiceInstance;
  cluster?: FleetCluster;
}

/** `stale since … — reason`: the data is last-known-good, and here is why and from when. */
export function describeStale(row: InstanceRow): string | undefined {
  if (!row.instance.stale) return undefined;
  const sync = row.cluster?.sync;
  const since = `last synced ${formatTime(sync?.lastSuccessAt)}`;
  return sync?.error ? `${since} — ${sync.error.message}` : since;
}

function formatSubsets(subsets: Record<string, string[]>): string {
  const entries = Object.entries(subsets);
  if (entries.length === 0) return 'none';
  return entries
    .map(([label, values]) => `${label}: ${values.join(', ')}`)
    .join('; ');
}

const columns: TableColumn<InstanceRow>[] = [
  {
    title: 'Cluster',
    field: 'instance.cluster',
    render: row => {
      const stale = describeStale(row);
      return (
        <>
          <Typography variant="body2">{row.instance.cluster}</Typography>
          {stale && (
            <Tooltip title={stale}>
              <Chip
                size="small"
                color="secondary"
                label="stale"
                aria-label={`stale: ${stale}`}
              />
            </Tooltip>
          )}
          {stale && (
            <Typography variant="caption" display="block" color="textSecondary">
              {stale}
            </Typography>
          )}
        </>
      );
    },
  },
  { title: 'Network', render: row => row.cluster?.network ?? '—' },
  {
    title: 'Locality',
    render: row => row.instance.localities.join(', ') || '—',
  },
  {
    title: 'Endpoints',
    render: row => {
      const { ready, total } = row.instance.endpoints;
      return (
        <span title={ready < total ? 'some endpoints are not ready' : ''}>
          {`${ready}/${total} ready`}
        </span>
      );
    },
  },
  { title: 'Subsets', render: row => formatSubsets(row.instance.subsets) },
  { title: 'Data plane', render: row => row.instance.dataPlaneMode },
  {
    title: 'mTLS (configured)',
    render: row =>
      row.instance.mtls.source
        ? `${row.instance.mtls.mode} (${row.instance.mtls.source})`
        : row.instance.mtls.mode,
  },
];

/** One row per cluster the service runs in. */
export const InstancesTable = (props: {
  instances: ServiceInstance[];
  clusters: FleetCluster[];
}) => {
  const byName = new Map(props.clusters.map(c => [c.name, c]));
  const rows = [...props.instances]
    .sort((a, b) => a.cluster.localeCompare(b.cluster))
    .map(instance => ({ instance, cluster: byName.get(instance.cluster) }));
  return (
    <Table<InstanceRow>
      title={`Instances (${rows.length} ${
        rows.length === 1 ? 'cluster' : 'clusters'
      })`}
      options={{ paging: false, search: false, padding: 'dense' }}
      columns={columns}
      data={rows}
      emptyContent={
        <Typography variant="body2" style={{ padding: 16 }}>
          No cluster runs this service right now. If it should, check that its
          Service exists in the namespace on a cluster Meshport reads.
        </Typography>
      }
    />
  );
};
