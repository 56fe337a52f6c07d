import { Progress, Table, TableColumn } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Chip from '@material-ui/core/Chip';
import InputAdornment from '@material-ui/core/InputAdornment';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import SearchIcon from '@material-ui/icons/Search';
import type { MeshService } from '@meshport/backstage-plugin-mesh-common';
import { useState } from 'react';
import type { ResponseError } from '@backstage/errors';
import Alert from '@material-ui/lab/Alert';
import useAsync from 'react-use/esm/useAsync';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import useDebounce from 'react-use/esm/useDebounce';
import { meshApiRef } from '../../api';
import { formatPercent, formatRate } from '../../lib/format';
import { explainError, MeshErrorPanel } from '../MeshErrorPanel';
import { ServiceLink } from '../ServiceLink';
import { OwnerCell } from '../OwnershipConflict';
import {
  compareFigures,
  describeTrafficGaps,
  FindingCounts,
  findingCounts,
  inboundFigures,
  ServiceFigures,
} from './serviceFigures';

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

/**
 * A row: the service, and its figures once they arrive. `figures` is absent without traffic
 * in the window or when the traffic could not be read; `findings` only when they could not.
 */
interface ServiceRow {
  service: MeshService;
  figures?: ServiceFigures;
  findings?: FindingCounts;
}

/** Window of the table's traffic figures: recent enough to read as "now". */
export const FIGURES_WINDOW = '5m';
/** The backend's largest page of findings: enough to count every service's in one read. */
export const FINDINGS_LIMIT = 500;

function describeFindings(counts: FindingCounts | undefined): string {
  if (!counts) return '—';
  if (counts.error + counts.warning === 0) return 'none';
  const plural = (n: number, word: string) =>
    `${n} ${word}${n === 1 ? '' : 's'}`;
  return [
    counts.error ? plural(counts.error, 'error') : '',
    counts.warning ? plural(counts.warning, 'warning') : '',
  ]
    .filter(Boolean)
    .join(' · ');
}

function describeTraffic(figures: ServiceFigures | undefined): string {
  if (!figures) return '—';
  const parts: string[] = [];
  if (figures.requestsPerSecond > 0)
    parts.push(formatRate(figures.requestsPerSecond));
  if (figures.connectionsPerSecond > 0)
    parts.push(
      `${formatRate(figures.connectionsPerSecond).replace(' rps', '')} conn/s`,
    );
  return parts.join(' · ') || '—';
}

/**
 * Sorting on a figure: services without it stay last either way (see compareFigures).
 * material-table draws each sortable header as a button (TableSortLabel), reachable with
 * the keyboard and named by the column's title.
 */
function sortBy(
  figure: (row: ServiceRow) => number | null | undefined,
): TableColumn<ServiceRow>['customSort'] {
  // material-table passes the direction as a fourth argument its types leave out: for
  // `desc` it calls customSort(b, a, 'row', 'desc') (@material-table/core
  // dist/utils/data-manager.js, sortList).
  return (
    a: ServiceRow,
    b: ServiceRow,
    _type: 'row' | 'group',
    direction?: 'asc' | 'desc',
  ) => compareFigures(figure(a), figure(b), direction ?? 'asc');
}

const columns: TableColumn<ServiceRow>[] = [
  {
    title: 'Service',
    field: 'service.id',
    render: ({ service: s }) => (
      <ServiceLink service={{ namespace: s.namespace, name: s.name }} />
    ),
  },
  {
    title: 'Clusters',
    sorting: false,
    render: ({ service: s }) =>
      s.instances.map(i => (
        <Chip
          key={i.cluster}
          size="small"
          variant={i.stale ? 'outlined' : 'default'}
          label={i.stale ? `${i.cluster} (stale)` : i.cluster}
        />
      )),
  },
  {
    title: 'Request rate',
    render: r => describeTraffic(r.figures),
    // by requests: connections are another unit, so a TCP-only service sorts as 0 rps
    customSort: sortBy(r => r.figures?.requestsPerSecond),
  },
  {
    title: 'Error ratio',
    render: r => (r.figures ? formatPercent(r.figures.errorRatio) : '—'),
    customSort: sortBy(r => r.figures?.errorRatio),
  },
  {
    title: 'mTLS share',
    render: r => (r.figures ? formatPercent(r.figures.mtlsShare) : '—'),
    customSort: sortBy(r => r.figures?.mtlsShare),
  },
  {
    title: 'Findings',
    render: r => describeFindings(r.findings),
    // errors weigh more than any number of warnings
    customSort: sortBy(r =>
      r.findings ? r.findings.error * 1e6 + r.findings.warning : undefined,
    ),
  },
  {
    title: 'Subsets',
    sorting: false,
    render: r => subsets(r.service),
  },
  {
    title: 'Data plane',
    sorting: false,
    render: ({ service: s }) =>
      [...new Set(s.instances.map(i => i.dataPlaneMode))].join(', '),
  },
  {
    title: 'Owner',
    sorting: false,
    render: r => <OwnerCell service={r.service} />,
  },
];

/** One sentence for a failed read: what failed and why, what is missing, what to do. */
function describeFailure(error: Error, what: string, missing: string): string {
  const { title, hint } = explainError(error, what);
  // the backend's own message is in the body of its error answer (ResponseError)
  const cause =
    (error as Partial<ResponseError>).body?.error?.message ?? error.message;
  return `${title} (${cause}): ${missing}. ${hint}`;
}

/**
 * The figures of every service: the fleet-wide dependencies and findings, each read once
 * for the whole table (not once per service) and kept while the search changes. A failed
 * read leaves its columns at "—" and says why once above the table.
 */
function useTableFigures() {
  const meshApi = useApi(meshApiRef);
  const traffic = useAsync(async () => {
    const answer = await meshApi.getDependencies({ window: FIGURES_WINDOW });
    return {
      figures: inboundFigures(answer.dependencies ?? []),
      gaps: describeTrafficGaps(answer),
    };
  }, [meshApi]);
  const findings = useAsync(async () => {
    const answer = await meshApi.getFindings({
      severity: ['error', 'warning'],
      limit: FINDINGS_LIMIT,
    });
    return {
      counts: findingCounts(answer.items ?? []),
      // counts of services past the first page would be too low: say so rather than mislead
      truncated: answer.totalCount > (answer.items ?? []).length,
    };
  }, [meshApi]);
  const notices: string[] = [];
  if (traffic.error) {
    notices.push(
      describeFailure(
        traffic.error,
        'the traffic figures',
        'request rate, error ratio and mTLS share are left empty',
      ),
    );
  }
  notices.push(...(traffic.value?.gaps ?? []));
  if (findings.error) {
    notices.push(
      describeFailure(
        findings.error,
        'the findings',
        'their counts are left empty',
      ),
    );
  }
  if (findings.value?.truncated) {
    notices.push(
      `Findings are counted from the ${FINDINGS_LIMIT} worst of the fleet: some services may have more than shown. The Findings card above lists them all.`,
    );
  }
  return {
    figures: traffic.value?.figures,
    counts: findings.value?.counts,
    notices,
  };
}

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
  const { figures, counts, notices } = useTableFigures();
  // Fresh objects each time: material-table writes its own state into the rows it is given.
  const rows: ServiceRow[] = (value?.items ?? []).map(service => ({
    service,
    figures: figures?.get(service.id),
    // once the findings are read, a service they do not name has none (not "unknown")
    findings: counts
      ? counts.get(service.id) ?? { error: 0, warning: 0 }
      : undefined,
  }));

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
      <Table<ServiceRow>
        title={`Services (${value.totalCount})`}
        subtitle={
          more > 0
            ? `Showing the first ${value.items.length}; refine the search to see the other ${more}.`
            : undefined
        }
        isLoading={loading}
        // not draggable: a drag handle inside each sort button would be a second button
        // of the same name, confusing to screen readers and keyboards
        options={{
          paging: false,
          search: false,
          padding: 'dense',
          draggable: false,
        }}
        columns={columns}
        data={rows}
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
      {notices.length > 0 && (
        <Alert severity="warning" style={{ marginBottom: 8 }}>
          {notices.map(n => (
            <div key={n}>{n}</div>
          ))}
        </Alert>
      )}
      {table}
    </>
  );
};
