import {
  Content,
  EmptyState,
  Header,
  Page,
  Progress,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Grid from '@material-ui/core/Grid';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { meshApiRef } from '../../api';
import { FleetFindings } from '../FleetFindings';
import { MeshErrorPanel } from '../MeshErrorPanel';
import { ClustersTable } from './ClustersTable';
import { MeshesCard } from './MeshesCard';
import { ServicesTable } from './ServicesTable';

/** The fleet overview: every cluster Meshport reads, its meshes and services. */
export const FleetOverview = () => {
  const meshApi = useApi(meshApiRef);
  const {
    value: fleet,
    loading,
    error,
    retry,
  } = useAsyncRetry(() => meshApi.getFleet(), [meshApi]);

  let content;
  if (loading) {
    content = <Progress />;
  } else if (error) {
    content = <MeshErrorPanel error={error} what="the fleet" onRetry={retry} />;
  } else if (!fleet || fleet.clusters.length === 0) {
    content = (
      <EmptyState
        missing="data"
        title="No clusters discovered yet"
        description="Meshport reads the clusters configured for the Kubernetes plugin (kubernetes.clusterLocatorMethods). Add a cluster there and it appears here after the next discovery run."
      />
    );
  } else {
    content = (
      <Grid container spacing={3}>
        <Grid item xs={12}>
          <ClustersTable clusters={fleet.clusters} />
        </Grid>
        <Grid item xs={12}>
          <MeshesCard meshes={fleet.meshes} links={fleet.links} />
        </Grid>
        <Grid item xs={12}>
          <FleetFindings />
        </Grid>
        <Grid item xs={12}>
          <ServicesTable />
        </Grid>
      </Grid>
    );
  }

  return <Content>{content}</Content>;
};

/** The fleet overview as a whole page with its own header, for legacy apps. */
export const FleetOverviewPage = () => (
  <Page themeId="tool">
    <Header
      title="Service mesh"
      subtitle="Clusters, meshes and services across the fleet"
    />
    <FleetOverview />
  </Page>
);
