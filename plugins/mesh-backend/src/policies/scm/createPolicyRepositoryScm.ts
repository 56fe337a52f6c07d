import type {
  LoggerService,
  UrlReaderService,
} from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import type { PolicyRepositoryConfig } from '@meshport/backstage-plugin-mesh-node';
import { GithubPolicyRepositoryScm } from './GithubPolicyRepositoryScm';
import { GitlabPolicyRepositoryScm } from './GitlabPolicyRepositoryScm';
import type { PolicyRepositoryScm } from './PolicyRepositoryScm';
import { SnapshotPolicyRepositoryScm } from './SnapshotPolicyRepositoryScm';

/** The snapshot's config: when `directory` is set, every repository is read from it. */
export const POLICY_SCM_SNAPSHOT_CONFIG_KEY = 'mesh.policyLifecycle.snapshot';

/**
 * The reader of the configured policy repositories: the snapshot on disk when
 * `mesh.policyLifecycle.snapshot.directory` is set (the demo: no repository is then read from
 * its SCM), else GitHub or GitLab by each repository's provider.
 */
export function createPolicyRepositoryScm(options: {
  config: Config;
  reader: UrlReaderService;
  logger: LoggerService;
}): PolicyRepositoryScm {
  const { config, reader, logger } = options;
  const snapshot = config.getOptionalConfig(POLICY_SCM_SNAPSHOT_CONFIG_KEY);
  const directory = snapshot?.getOptionalString('directory');
  if (directory) {
    logger.info(
      `Policy repositories are read from the snapshot in ${directory}, not from their SCM`,
    );
    return new SnapshotPolicyRepositoryScm({
      directory,
      rootDirectory: snapshot?.getOptionalString('rootDirectory'),
    });
  }
  const integrations = ScmIntegrations.fromConfig(config);
  const github = new GithubPolicyRepositoryScm({
    integrations,
    reader,
    logger,
  });
  const gitlab = new GitlabPolicyRepositoryScm({
    integrations,
    reader,
    logger,
  });
  const by = (repository: PolicyRepositoryConfig): PolicyRepositoryScm =>
    repository.provider === 'gitlab' ? gitlab : github;
  return {
    readBranch: (repository, etag) =>
      by(repository).readBranch(repository, etag),
    listPullRequests: repository => by(repository).listPullRequests(repository),
  };
}
