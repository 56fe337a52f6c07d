import type { RootConfigService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  findPolicyRepository,
  POLICY_REPOSITORIES_CONFIG_KEY,
  PolicyRepositoryConfig,
  readPolicyRepositories,
} from '@meshport/backstage-plugin-mesh-node';
import path from 'node:path';
import type { RepositorySnapshotLocation } from './repositorySnapshot';

/** What a request may use: the configured repositories and which hosts can open a request. */
export interface PolicyRepositorySettings {
  repositories: PolicyRepositoryConfig[];
  /** Hosts of `integrations.github` with a token or a GitHub App. */
  githubHostsWithCredentials: string[];
  /** Hosts of `integrations.gitlab` with a token. */
  gitlabHostsWithCredentials: string[];
  /**
   * `mesh.policyLifecycle.snapshot`, resolved: the demo's copy of each repository's branch,
   * used to render a request when the host has no credentials (see repositorySnapshot).
   */
  snapshot?: RepositorySnapshotLocation;
}

/** The configured repository a request names, with what the template's later steps need. */
export interface PinnedPolicyRepository {
  repository: PolicyRepositoryConfig;
  /** `<host>?owner=<owner>&repo=<repo>`, for the publish step. */
  repoUrl: string;
  /** The configured branch's tree, for fetch:plain. */
  fetchUrl: string;
  /** False when the host has no credentials: the request renders, but nothing is published. */
  canPublish: boolean;
  /** Markdown for the task's output when nothing is published: where, and how to fix it. */
  previewMessage: string;
}

const SNAPSHOT_CONFIG_KEY = 'mesh.policyLifecycle.snapshot';

/** Reads `mesh.policyRepositories` (mesh-node's reader) and which hosts have credentials. */
export function readPolicyRepositorySettings(
  config: RootConfigService,
): PolicyRepositorySettings {
  const repositories = readPolicyRepositories(config);
  // Backstage's GitHub integration authenticates with a token or GitHub Apps; host defaults to
  // github.com (https://backstage.io/docs/integrations/github/locations).
  const githubHostsWithCredentials = (
    config.getOptionalConfigArray('integrations.github') ?? []
  )
    .filter(
      c =>
        !!c.getOptionalString('token') ||
        (c.getOptionalConfigArray('apps') ?? []).length > 0,
    )
    .map(c => (c.getOptionalString('host') ?? 'github.com').toLowerCase());
  // The GitLab integration authenticates with a token only
  // (https://backstage.io/docs/integrations/gitlab/locations).
  const gitlabHostsWithCredentials = (
    config.getOptionalConfigArray('integrations.gitlab') ?? []
  )
    .filter(c => !!c.getOptionalString('token'))
    .map(c => (c.getOptionalString('host') ?? 'gitlab.com').toLowerCase());
  // Resolved from the backend's working directory, as the mesh backend's snapshot reader does.
  const directory = config.getOptionalString(
    `${SNAPSHOT_CONFIG_KEY}.directory`,
  );
  const rootDirectory = config.getOptionalString(
    `${SNAPSHOT_CONFIG_KEY}.rootDirectory`,
  );
  return {
    repositories,
    githubHostsWithCredentials,
    gitlabHostsWithCredentials,
    snapshot: directory
      ? {
          directory: path.resolve(directory),
          rootDirectory: path.resolve(rootDirectory ?? directory),
        }
      : undefined,
  };
}

/**
 * The policy repository a request names, checked on the server: the form limits the choice,
 * but the scaffolder API takes any value, and fetching from or opening a request on a
 * repository nobody configured must be refused before anything runs. A configured repository
 * whose host has no credentials is not refused: the request still renders (the demo shows what
 * would change) and `canPublish` is false, so the template skips the publish step and says how
 * to configure a token instead.
 */
export function pinPolicyRepository(
  repoUrl: string,
  settings: PolicyRepositorySettings,
): PinnedPolicyRepository {
  const configured = settings.repositories.map(r => r.url);
  if (configured.length === 0) {
    throw new InputError(
      `no policy repository is configured: set ${POLICY_REPOSITORIES_CONFIG_KEY} in app-config to the repositories requests may open pull requests on, e.g. [github.com?owner=acme&repo=mesh-policies]`,
    );
  }
  const repository = findPolicyRepository(settings.repositories, repoUrl);
  if (!repository) {
    throw new InputError(
      `"${repoUrl}" is not a configured policy repository; pick one of ${configured.join(
        ', ',
      )} (${POLICY_REPOSITORIES_CONFIG_KEY})`,
    );
  }
  const canPublish = (
    repository.provider === 'gitlab'
      ? settings.gitlabHostsWithCredentials
      : settings.githubHostsWithCredentials
  ).includes(repository.host);
  return {
    repository,
    repoUrl: repository.url,
    fetchUrl: treeUrl(repository),
    canPublish,
    previewMessage: canPublish ? '' : previewMessage(repository),
  };
}

/**
 * The web URL of the configured branch's tree, which Backstage's URL readers fetch as a
 * directory: `https://<host>/<owner>/<repo>/tree/<branch>` on GitHub,
 * `https://<host>/<group path>/<repo>/-/tree/<branch>` on GitLab. Every part was checked by
 * mesh-node's reader (plain segments, no `..`); each is encoded anyway.
 */
export function treeUrl(repository: PolicyRepositoryConfig): string {
  const segments = (value: string) =>
    value.split('/').map(encodeURIComponent).join('/');
  return `https://${repository.host}/${segments(repository.owner)}/${segments(
    repository.repo,
  )}/${repository.provider === 'gitlab' ? '-/tree' : 'tree'}/${segments(
    repository.branch,
  )}`;
}

/** What the demo (or a host without a token) is told instead of a pull request. */
function previewMessage(repository: PolicyRepositoryConfig): string {
  const gitlab = repository.provider === 'gitlab';
  const what = gitlab ? 'merge request' : 'pull request';
  const key = gitlab
    ? 'integrations.gitlab[].token'
    : 'integrations.github[].token';
  const env = gitlab ? 'GITLAB_TOKEN' : 'GITHUB_TOKEN';
  return [
    `No ${gitlab ? 'GitLab' : 'GitHub'} token is configured for ${
      repository.host
    }, so no ${what} was opened. Nothing was written anywhere; this is the ${what} the request would open:`,
    '',
    `- **Repository:** [${repository.owner}/${repository.repo}](${repository.webUrl}) on ${repository.host}`,
    `- **Into branch:** \`${repository.branch}\``,
    '',
    `To open it, set \`${key}\` for host ${
      repository.host
    } in app-config (this app-config reads it from the \`${env}\` environment variable)${
      gitlab ? '' : ', or configure a GitHub App there'
    }; the token needs to push branches and open ${what}s on the repository. Then run the request again.`,
  ].join('\n');
}
