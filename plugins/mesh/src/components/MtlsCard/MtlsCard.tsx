import { InfoCard, Progress } from '@backstage/core-components';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import type {
  ClusterMtlsStatus,
  ServiceRef,
} from '@meshport/backstage-plugin-mesh-common';
import { useServiceMtls } from '../../hooks';
import { formatPercent, formatRate } from '../../lib/format';
import { MeshErrorPanel } from '../MeshErrorPanel';
import { MetricsStatusNotice } from '../MetricsStatusNotice';
import { describeTrust, summarizeTrust } from './summarizeTrust';

function configured(status: ClusterMtlsStatus): string {
  if (!status.configured) return 'not deployed here';
  const ports = Object.entries(status.configured.ports ?? {})
    .map(([port, mode]) => `port ${port}: ${mode}`)
    .join(', ');
  return [
    status.configured.mode,
    status.configured.source
      ? `by ${status.configured.source}`
      : 'mesh default',
    ports,
  ]
    .filter(Boolean)
    .join(' · ');
}

function observed(status: ClusterMtlsStatus): string {
  const o = status.observed;
  switch (o.state) {
    case 'no-traffic':
      return 'no inbound traffic in the window';
    case 'unavailable':
      return `unknown${o.reason ? `: ${o.reason}` : ''}`;
    default:
      return `${formatPercent(o.mtlsShare)} mutual TLS of ${formatRate(
        o.observedPerSecond,
      )}${
        o.plaintextPerSecond > 0
          ? ` · ${formatRate(o.plaintextPerSecond)} plaintext`
          : ''
      }${o.state === 'partial' ? ' (partial)' : ''}`;
  }
}

function trust(status: ClusterMtlsStatus): string {
  const fingerprints = status.rootOfTrust.fingerprints;
  if (fingerprints.length === 0) return 'unknown';
  const shared = status.rootOfTrust.sharedWith.length
    ? `shared with ${status.rootOfTrust.sharedWith.join(', ')}`
    : 'not shared';
  return `${fingerprints.map(f => f.slice(0, 11)).join(', ')} · ${shared}`;
}

/** mTLS of one service: what is configured, what the proxies saw, and whether the roots match. */
export const MtlsCard = (props: { service: ServiceRef; window: string }) => {
  const { service, window } = props;
  const { value, loading, error, retry } = useServiceMtls(service, window);
  const id = `${service.namespace}/${service.name}`;

  let body: JSX.Element = <></>;
  if (loading) {
    body = <Progress />;
  } else if (error) {
    body = (
      <MeshErrorPanel
        error={error}
        what={`the mTLS status of ${id}`}
        onRetry={retry}
      />
    );
  } else if (value && value.clusters.length === 0) {
    body = (
      <Typography variant="body2">
        {`${id} runs in no cluster Meshport reads, so there is no mTLS to show.`}
      </Typography>
    );
  } else if (value) {
    const summary = summarizeTrust(value.clusters);
    const warnings = value.clusters.flatMap(c =>
      c.warnings.map(w => ({ cluster: c.cluster, ...w })),
    );
    body = (
      <>
        <MetricsStatusNotice clusters={value.metrics} />
        <Alert
          severity={
            summary.kind === 'shared' || summary.kind === 'single'
              ? 'success'
              : 'error'
          }
          style={{ marginBottom: 12 }}
        >
          {describeTrust(summary)}
        </Alert>
        <Table size="small" aria-label="mTLS per cluster">
          <TableHead>
            <TableRow>
              <TableCell>Cluster</TableCell>
              <TableCell>Configured</TableCell>
              <TableCell>Observed</TableCell>
              <TableCell>Root of trust</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {value.clusters.map(c => (
              <TableRow key={c.cluster}>
                <TableCell style={{ whiteSpace: 'nowrap' }}>
                  {c.cluster}
                </TableCell>
                <TableCell>{configured(c)}</TableCell>
                <TableCell>{observed(c)}</TableCell>
                <TableCell>{trust(c)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
        {warnings.map(w => (
          <Alert
            key={`${w.cluster}-${w.code}`}
            severity={
              w.code === 'plaintext-under-permissive' ? 'warning' : 'error'
            }
            style={{ marginTop: 8 }}
            data-testid="mtls-warning"
          >
            <strong>{`${w.cluster}: `}</strong>
            {w.message}
          </Alert>
        ))}
      </>
    );
  }
  return <InfoCard title="mTLS">{body}</InfoCard>;
};
