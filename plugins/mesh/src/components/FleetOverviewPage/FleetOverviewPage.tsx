import {
  Content,
  EmptyState,
  Header,
  Page,
  Progress,
  Table,
  TableColumn,
  WarningPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import type { FleetCluster } from '@meshport/backstage-plugin-mesh-common';
import useAsync from 'react-use/esm/useAsync';
import { meshApiRef } from '../../api';

const clusterColumns: TableColumn<FleetCluster>[] = [
  { title: 'Cluster', field: 'name' },
  {
    title: 'Status',
    render: cluster =>
      cluster.sync.error
        ? `${cluster.sync.state}: ${cluster.sync.error.message}`
        : cluster.sync.state,
  },
  {
    title: 'Last sync',
    render: cluster => cluster.sync.lastSuccessAt ?? 'never',
  },
  { title: 'Network', render: cluster => cluster.network ?? '—' },
  {
    title: 'Control planes',
    render: cluster =>
      cluster.controlPlanes
        .map(cp => `${cp.kind} ${cp.version ?? ''} (${cp.revision})`.trim())
        .join(', ') || 'none',
  },
];

/** The fleet overview: every cluster Meshport reads, and what it found there. */
export const FleetOverview = () => {
  const meshApi = useApi(meshApiRef);
  const {
    value: fleet,
    loading,
    error,
  } = useAsync(() => meshApi.getFleet(), [meshApi]);

  let content;
  if (loading) {
    content = <Progress />;
  } else if (error) {
    content = (
      <WarningPanel
        severity="error"
        title="Could not load the fleet from the mesh backend"
        message={error.message}
      />
    );
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
      <Table<FleetCluster>
        title={`Clusters (${fleet.clusters.length})`}
        options={{ paging: false, search: true }}
        columns={clusterColumns}
        data={fleet.clusters}
      />
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
