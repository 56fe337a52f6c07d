import type {
  ClusterStateRepository,
  StoredClusterState,
} from '../store/ClusterStateRepository';

/** Every stored cluster's state, by cluster name: what a test reads back from a repository. */
export async function storedStates(
  repository: ClusterStateRepository,
): Promise<StoredClusterState[]> {
  const names = [...(await repository.versions()).keys()].sort();
  return repository.load(names);
}
