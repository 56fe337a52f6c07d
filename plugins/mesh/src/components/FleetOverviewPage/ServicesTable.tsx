import { Progress, Table, TableColumn } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Chip from '@material-ui/core/Chip';
import InputAdornment from '@material-ui/core/InputAdornment';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import SearchIcon from '@material-ui/icons/Search';
import type { MeshService } from '@meshport/backstage-plugin-mesh-common';
import { useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import useDebounce from 'react-use/esm/useDebounce';
import { meshApiRef } from '../../api';
import { MeshErrorPanel } from '../MeshErrorPanel';
import { ServiceLink } from '../ServiceLink';
import { OwnerCell } from '../OwnershipConflict';

/** Services shown at once; the search narrows the rest down on the server. */
export const PAGE_SIZE = 50;

function subsets(service: MeshService): string {
  const values = new Map<string, Set<string>>();
  for (const instance of service.instances) {
    for (const [label, vs] of Object.entries(instance.subsets)) {
      const set = values.get(label) ?? new Set<string>();
      vs.forEach(v => set.add(v));
      values.set(label, set);
    }
  }
  return (
    [...values.entries()]
      .map(([label, vs]) => `${label}: ${[...vs].sort().join(', ')}`)
      .join('; ') || '—'
  );
}

const columns: TableColumn<MeshService>[] = [
  {
    title: 'Service',
    render: s => (
      <ServiceLink service={{ namespace: s.namespace, name: s.name }} />
    ),
  },
  {
    title: 'Clusters',
    render: s =>
      s.instances.map(i => (
        <Chip
          key={i.cluster}
          size="small"
          variant={i.stale ? 'outlined' : 'default'}
          label={i.stale ? `${i.cluster} (stale)` : i.cluster}
        />
      )),
  },
  { title: 'Subsets', render: subsets },
  {
    title: 'Data plane',
    render: s => [...new Set(s.instances.map(i => i.dataPlaneMode))].join(', '),
  },
  { title: 'Owner', render: s => <OwnerCell service={s} /> },
];

/**
 * Every mesh service of the fleet, searchable by namespace and name; only those with an
 * instance in `cluster` when it is given (the fleet picture's click-through).
 */
export const ServicesTable = (props: { cluster?: string }) => {
  const meshApi = useApi(meshApiRef);
  const [text, setText] = useState('');
  const [query, setQuery] = useState('');
  // Ask the backend once typing pauses, not on every key.
  useDebounce(() => setQuery(text.trim()), 300, [text]);
  const { value, loading, error, retry } = useAsyncRetry(
    () =>
      meshApi.getServices({
        q: query || undefined,
        cluster: props.cluster,
        limit: PAGE_SIZE,
      }),
    [meshApi, query, props.cluster],
  );

  const search = (
    <TextField
      placeholder="Search services by namespace or name"
      value={text}
      onChange={e => setText(e.target.value)}
      inputProps={{ 'aria-label': 'Search services' }}
      InputProps={{
        startAdornment: (
          <InputAdornment position="start">
            <SearchIcon />
          </InputAdornment>
        ),
      }}
      fullWidth
      style={{ marginBottom: 8 }}
    />
  );

  let table: JSX.Element;
  if (error) {
    table = (
      <MeshErrorPanel error={error} what="the services" onRetry={retry} />
    );
  } else if (!value) {
    table = <Progress />;
  } else {
    const more = value.totalCount - value.items.length;
    table = (
      <Table<MeshService>
        title={`Services (${value.totalCount})`}
        subtitle={
          more > 0
            ? `Showing the first ${value.items.length}; refine the search to see the other ${more}.`
            : undefined
        }
        isLoading={loading}
        options={{ paging: false, search: false, padding: 'dense' }}
        columns={columns}
        data={value.items}
        emptyContent={
          <Typography variant="body2" style={{ padding: 16 }}>
            {query
              ? `No service matches "${query}". Search by namespace or name, e.g. bookinfo or reviews.`
              : 'No services discovered yet. They appear once a cluster with meshed workloads has synced.'}
          </Typography>
        }
      />
    );
  }
  return (
    <>
      {search}
      {table}
    </>
  );
};
