import { ClusterView } from './fleetView';

/** Why a cluster's data cannot be trusted to be current, in one sentence. */
export function describeClusterStaleness(cluster: ClusterView): string {
  const { state, error, lastSuccessAt } = cluster.sync;
  const cause = error ? `${error.reason}: ${error.message}` : 'no details';
  if (state === 'never-synced') {
    return `cluster ${cluster.name} has never synced (${cause})`;
  }
  const since = lastSuccessAt ? `, data from ${lastSuccessAt}` : '';
  return `cluster ${cluster.name} is unreachable (${cause}${since})`;
}
