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
import { FleetPicture } from '../FleetPicture';
import { MeshErrorPanel } from '../MeshErrorPanel';
import { PoliciesLink } from '../Policies';
import { ClustersTable } from './ClustersTable';
import { ClusterFilterNotice, useClusterFilter } from './clusterFilter';
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
  const filter = useClusterFilter();

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
          <PoliciesLink filters={{}}>
            Policies: every policy from its pull request to each cluster
          </PoliciesLink>
        </Grid>
        <Grid item xs={12}>
          <FleetPicture
            clusters={fleet.clusters}
            meshes={fleet.meshes}
            links={fleet.links}
            services={fleet.services}
            selectedCluster={filter.cluster}
            onSelectCluster={filter.select}
            clusterHref={filter.href}
          />
        </Grid>
        <Grid item xs={12}>
          <ClustersTable
            clusters={fleet.clusters}
            services={fleet.services}
            onSelectCluster={filter.select}
            clusterHref={filter.href}
          />
        </Grid>
        <Grid item xs={12}>
          <MeshesCard meshes={fleet.meshes} links={fleet.links} />
        </Grid>
        <Grid item xs={12}>
          <FleetFindings />
        </Grid>
        <Grid item xs={12}>
          <ClusterFilterNotice
            filter={filter}
            known={fleet.clusters.map(c => c.name)}
          />
          <ServicesTable
            cluster={
              filter.cluster &&
              fleet.clusters.some(c => c.name === filter.cluster)
                ? filter.cluster
                : undefined
            }
          />
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
