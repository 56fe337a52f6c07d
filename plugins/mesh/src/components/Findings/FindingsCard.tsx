import { InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import type { ServiceRef } from '@meshport/backstage-plugin-mesh-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { meshApiRef } from '../../api';
import { MeshErrorPanel } from '../MeshErrorPanel';
import { FindingList } from './FindingItem';
import { describeCounts, sortFindings } from './sortFindings';

/** Findings listed at once on the card; the rest are counted. */
const CARD_LIMIT = 100;

/** What the mesh analysis says about one service's config, across its clusters. */
export const FindingsCard = (props: { service: ServiceRef }) => {
  const { service } = props;
  const id = `${service.namespace}/${service.name}`;
  const meshApi = useApi(meshApiRef);
  const { value, loading, error, retry } = useAsyncRetry(
    () => meshApi.getFindings({ service: id, limit: CARD_LIMIT }),
    [meshApi, id],
  );

  let body: JSX.Element;
  let subheader: string | undefined;
  if (loading) {
    body = <Progress />;
  } else if (error || !value) {
    body = (
      <MeshErrorPanel
        error={error ?? new Error('no answer')}
        what={`the findings of ${id}`}
        onRetry={retry}
      />
    );
  } else {
    subheader = describeCounts(value.counts);
    const findings = sortFindings(value.items);
    const more = value.totalCount - findings.length;
    body = (
      <>
        {value.notes.map(note => (
          <Alert
            key={note}
            severity="info"
            style={{ marginBottom: 8 }}
            data-testid="findings-note"
          >
            {note}
          </Alert>
        ))}
        {findings.length === 0 ? (
          <Typography variant="body2" data-testid="findings-empty">
            {`No findings: the analysis found nothing wrong with the mesh config of ${id} in any cluster.`}
          </Typography>
        ) : (
          <FindingList findings={findings} label={`Findings of ${id}`} />
        )}
        {more > 0 && (
          <Typography variant="body2" color="textSecondary">
            {`and ${more} more; the fleet overview lists them all.`}
          </Typography>
        )}
      </>
    );
  }
  return (
    <InfoCard title="Findings" subheader={subheader}>
      {body}
    </InfoCard>
  );
};
