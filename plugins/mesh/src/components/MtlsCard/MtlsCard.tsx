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
  MtlsTally,
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

/** One basis: `80.0% mutual TLS of 2.50 rps · 0.50 rps plaintext · 1.00 rps not classified`. */
function describeTally(
  tally: MtlsTally,
  rate: (perSecond: number) => string,
): string {
  const classified = tally.mutualPerSecond + tally.plaintextPerSecond;
  return [
    classified > 0
      ? `${formatPercent(
          tally.mutualPerSecond / classified,
        )} mutual TLS of ${rate(classified)}`
      : undefined,
    tally.plaintextPerSecond > 0
      ? `${rate(tally.plaintextPerSecond)} plaintext`
      : undefined,
    tally.unclassifiedPerSecond > 0
      ? `${rate(tally.unclassifiedPerSecond)} not classified`
      : undefined,
  ]
    .filter(Boolean)
    .join(' · ');
}

const connectionRate = (perSecond: number) =>
  `${perSecond < 0.1 ? perSecond.toFixed(3) : perSecond.toFixed(2)} conn/s`;

function observed(status: ClusterMtlsStatus): string {
  const o = status.observed;
  switch (o.state) {
    case 'no-traffic':
      return 'no inbound traffic in the window';
    case 'unavailable':
      return `unknown${o.reason ? `: ${o.reason}` : ''}`;
    default:
      return `${[
        o.requests ? describeTally(o.requests, formatRate) : undefined,
        o.connections
          ? describeTally(o.connections, connectionRate)
          : undefined,
        o.probesPerSecond
          ? `${formatRate(
              o.probesPerSecond,
            )} kubelet probes (plaintext by design)`
          : undefined,
      ]
        .filter(Boolean)
        .join('; ')}${o.state === 'partial' ? ' (partial)' : ''}`;
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
        {value.clusters
          .filter(c => c.observed.unclassified.length > 0)
          .map(c => (
            <Alert
              key={`${c.cluster}-unclassified`}
              severity="info"
              style={{ marginTop: 8 }}
              data-testid="mtls-unclassified"
            >
              <strong>{`${c.cluster}: traffic Meshport could not classify as mutual TLS or plaintext, left out of the percentage`}</strong>
              <ul style={{ margin: 0, paddingLeft: 20 }}>
                {c.observed.unclassified.map(u => (
                  <li key={u}>{u}</li>
                ))}
              </ul>
            </Alert>
          ))}
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
