import { Progress } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import type { ServiceRef } from '@meshport/backstage-plugin-mesh-common';
import { useMeshService } from '../../hooks';
import { FindingsCard } from '../Findings';
import { InstancesTable } from '../InstancesTable';
import { MeshConfigCard } from '../MeshConfigCard';
import { MeshErrorPanel } from '../MeshErrorPanel';
import { MtlsCard } from '../MtlsCard';
import { OwnershipConflictAlert } from '../OwnershipConflict';
import { PoliciesCard } from '../PoliciesCard';
import { RequestButtons } from '../RequestButtons';
import { TracePanel, useDefaultCaller } from '../TracePanel';
import { TrafficCard, WindowSelect } from '../TrafficCard';

/**
 * Everything Meshport knows about one service: the entity tab and the service page both
 * render this.
 *
 * Every request that needs only the service's ref (the service and clusters, traffic, mTLS,
 * findings, the trace's busiest caller) starts on the first render, together: the cards that
 * do not need the service's instances render without waiting for them, so the tab's data
 * arrives in one round trip, and the busiest caller's workload in a second.
 */
export const MeshServiceContent = (props: { service: ServiceRef }) => {
  const { service } = props;
  const [window, setWindow] = useState('15m');
  const { value, loading, error, retry } = useMeshService(service);
  const defaultCaller = useDefaultCaller(service);
  const id = `${service.namespace}/${service.name}`;

  // An unknown or unreachable service says so once, not once per card.
  if (!loading && (error || !value)) {
    return (
      <MeshErrorPanel
        error={error ?? new Error('no data')}
        what={`service ${id}`}
        onRetry={retry}
      />
    );
  }
  let serviceParts: JSX.Element;
  if (!value) {
    serviceParts = (
      <Grid item xs={12}>
        <Progress />
      </Grid>
    );
  } else {
    serviceParts = (
      <>
        {value.service.ownership?.conflict && (
          <Grid item xs={12}>
            <OwnershipConflictAlert service={value.service} />
          </Grid>
        )}
        <Grid item xs={12}>
          <InstancesTable
            instances={value.service.instances}
            clusters={value.clusters}
          />
        </Grid>
      </>
    );
  }
  const clusters = value?.service.instances.map(i => i.cluster).sort();
  let runsIn = '';
  if (clusters) {
    runsIn = ` · runs in ${
      clusters.length ? clusters.join(', ') : 'no cluster'
    }`;
  }
  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <Box
          display="flex"
          alignItems="center"
          justifyContent="space-between"
          flexWrap="wrap"
        >
          <Typography variant="body1">
            {`Mesh service ${id}`}
            {value?.service.owner ? ` · owned by ${value.service.owner}` : ''}
            {runsIn}
          </Typography>
          <RequestButtons service={service} />
        </Box>
      </Grid>
      {serviceParts}
      <Grid item xs={12}>
        <FindingsCard service={service} />
      </Grid>
      {value && (
        <Grid item xs={12}>
          <TracePanel
            service={value.service}
            clusters={value.clusters}
            defaultCaller={defaultCaller}
          />
        </Grid>
      )}
      <Grid item xs={12}>
        <PoliciesCard service={service} />
      </Grid>
      <Grid item xs={12}>
        <TrafficCard
          service={service}
          window={window}
          clusters={clusters}
          action={<WindowSelect value={window} onChange={setWindow} />}
        />
      </Grid>
      <Grid item xs={12} lg={6}>
        <MtlsCard service={service} window={window} />
      </Grid>
      {value && (
        <Grid item xs={12} lg={6}>
          <MeshConfigCard instances={value.service.instances} />
        </Grid>
      )}
    </Grid>
  );
};
