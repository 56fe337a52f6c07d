import { InfoCard, Progress } from '@backstage/core-components';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import type { ServiceRef } from '@meshport/backstage-plugin-mesh-common';
import { useServiceTraffic } from '../../hooks';
import { formatPercent, formatRate, formatTime } from '../../lib/format';
import { MeshErrorPanel } from '../MeshErrorPanel';
import { MetricsStatusNotice } from '../MetricsStatusNotice';
import { errorRatioByCluster, requestRateByCluster } from './clusterSeries';
import { LineChart } from './LineChart';
import { TrafficGraph } from './TrafficGraph';

/** Traffic sources are backend modules; the two Meshport ships get a readable name. */
function describeTrafficSource(source: string): string {
  if (source === 'snapshot') return 'the demo snapshot';
  if (source === 'prometheus') return 'Prometheus';
  return `the ${source} traffic source`;
}

/** Cross-cluster traffic of one service: the picture, then the rate and errors over time. */
export const TrafficCard = (props: {
  service: ServiceRef;
  window: string;
  /** Clusters the service runs in, drawn even without traffic. */
  clusters?: string[];
  action?: JSX.Element;
}) => {
  const { service, window } = props;
  const { value, loading, error, retry } = useServiceTraffic(service, window);
  const id = `${service.namespace}/${service.name}`;

  let body: JSX.Element;
  if (loading) {
    body = <Progress />;
  } else if (error) {
    body = (
      <MeshErrorPanel
        error={error}
        what={`the traffic of ${id}`}
        onRetry={retry}
      />
    );
  } else if (!value) {
    body = <></>;
  } else {
    const edges = value.inbound.length + value.outbound.length;
    body = (
      <>
        <MetricsStatusNotice clusters={value.clusters} />
        {edges === 0 ? (
          <Typography variant="body2" paragraph>
            {`No traffic to or from ${id} in the last ${value.window}. If you expected some, check that Prometheus scrapes the sidecars' istio_requests_total (or Linkerd's request_total) in each cluster, or pick a longer window.`}
          </Typography>
        ) : (
          <TrafficGraph
            service={service}
            inbound={value.inbound}
            outbound={value.outbound}
            clusters={props.clusters}
          />
        )}
        {value.inbound.length > 0 && (
          <Grid container spacing={2}>
            <Grid item xs={12} md={6}>
              <LineChart
                title="Inbound requests per second, by cluster"
                series={requestRateByCluster(value.inbound)}
                formatValue={formatRate}
              />
            </Grid>
            <Grid item xs={12} md={6}>
              <LineChart
                title="Inbound error ratio, by cluster"
                series={errorRatioByCluster(value.inbound)}
                formatValue={formatPercent}
              />
            </Grid>
          </Grid>
        )}
        <Typography variant="caption" color="textSecondary">
          {`From ${describeTrafficSource(value.source)}, evaluated ${formatTime(
            value.evaluatedAt,
          )}. Dashed lines cross clusters.`}
        </Typography>
      </>
    );
  }
  return (
    <InfoCard title="Cross-cluster traffic" action={props.action}>
      {body}
    </InfoCard>
  );
};
