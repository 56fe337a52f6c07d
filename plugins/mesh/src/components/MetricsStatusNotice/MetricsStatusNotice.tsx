import Alert from '@material-ui/lab/Alert';
import type { ClusterMetricsStatus } from '@meshport/backstage-plugin-mesh-common';
import { describeMetricsStatus } from './describeMetricsStatus';

/** Warns which clusters' metrics are missing, so an empty picture is not read as "no traffic". */
export const MetricsStatusNotice = (props: {
  clusters: ClusterMetricsStatus[];
}) => {
  const messages = props.clusters
    .map(describeMetricsStatus)
    .filter((m): m is string => !!m);
  if (messages.length === 0) return null;
  return (
    <Alert severity="warning" style={{ marginBottom: 12 }}>
      {messages.map(message => (
        <div key={message}>{message}</div>
      ))}
    </Alert>
  );
};
