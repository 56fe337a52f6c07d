import type {
  ClusterSource,
  KubernetesClusterSource,
} from '../clusters/ClusterSource';
import type { ClusterAuthenticator } from '../clusters/auth/ClusterAuthenticator';
import type {
  ClusterReader,
  PageProjector,
  WatchingReader,
} from './ClusterReader';
import { KubernetesApiReader } from './KubernetesApiReader';
import { SnapshotReader } from './SnapshotReader';

/** The reader for a cluster's source: its API server, or a snapshot directory. */
export function createReader(
  source: ClusterSource,
  options: {
    pageSize: number;
    maxObjectsPerKind: number;
    authenticator: Pick<ClusterAuthenticator, 'credentialFor'>;
    /** Where list pages are parsed and mapped, when not on the event loop. */
    projector?: PageProjector;
  },
): ClusterReader {
  if (source.type === 'snapshot') return new SnapshotReader(source);
  return createWatchingReader(source, options);
}

/** The reader of a cluster's API server, which can also watch. */
export function createWatchingReader(
  source: KubernetesClusterSource,
  options: {
    pageSize: number;
    maxObjectsPerKind: number;
    authenticator: Pick<ClusterAuthenticator, 'credentialFor'>;
    /** Where list pages are parsed and mapped, when not on the event loop. */
    projector?: PageProjector;
  },
): WatchingReader {
  return new KubernetesApiReader(source, {
    pageSize: options.pageSize,
    maxItems: options.maxObjectsPerKind,
    credential: () => options.authenticator.credentialFor(source.cluster),
    projector: options.projector,
  });
}
