import type { RootConfigService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';

/** A repository on a GitHub host, as the template's repository picker names it. */
export interface RepositoryRef {
  host: string;
  owner: string;
  repo: string;
}

/** What a request may use: the configured repositories, and the GitHub hosts that have a token. */
export interface PolicyRepositorySettings {
  repositories: RepositoryRef[];
  /** GitHub hosts of `integrations.github` with a token or a GitHub App. */
  hostsWithCredentials: string[];
}

const CONFIG_KEY = 'mesh.policyRepositories';

/**
 * `host?owner=<owner>&repo=<repo>`, the form Backstage's RepoUrlPicker writes (and
 * `parseRepoUrl` reads); undefined when it is not that.
 */
export function parseRepositoryRef(repoUrl: string): RepositoryRef | undefined {
  let url: URL;
  try {
    url = new URL(`https://${repoUrl}`);
  } catch {
    return undefined;
  }
  const owner = url.searchParams.get('owner');
  const repo = url.searchParams.get('repo');
  const plain = /^[A-Za-z0-9_.-]+$/;
  if (
    url.pathname !== '/' ||
    url.username ||
    url.password ||
    !owner ||
    !repo ||
    !plain.test(owner) ||
    !plain.test(repo)
  ) {
    return undefined;
  }
  return { host: url.host, owner, repo };
}

export const formatRepositoryRef = (r: RepositoryRef) =>
  `${r.host}?owner=${r.owner}&repo=${r.repo}`;

/** Reads `mesh.policyRepositories` and which GitHub integrations can open a pull request. */
export function readPolicyRepositorySettings(
  config: RootConfigService,
): PolicyRepositorySettings {
  const repositories = (config.getOptionalStringArray(CONFIG_KEY) ?? []).map(
    (value, i) => {
      const ref = parseRepositoryRef(value.trim());
      if (!ref) {
        throw new InputError(
          `${CONFIG_KEY}[${i}] must name a repository as <host>?owner=<owner>&repo=<repo>, e.g. github.com?owner=acme&repo=mesh-policies; got "${value}"`,
        );
      }
      return ref;
    },
  );
  // Backstage's GitHub integration: host defaults to github.com; it authenticates with a
  // token or GitHub Apps (https://backstage.io/docs/integrations/github/locations)
  const hostsWithCredentials = (
    config.getOptionalConfigArray('integrations.github') ?? []
  )
    .filter(
      c =>
        !!c.getOptionalString('token') ||
        (c.getOptionalConfigArray('apps') ?? []).length > 0,
    )
    .map(c => c.getOptionalString('host') ?? 'github.com');
  return { repositories, hostsWithCredentials };
}

/**
 * The policy repository a request names, checked on the server: the form limits the choice,
 * but the scaffolder API takes any value, and fetching from or opening a pull request on a
 * repository nobody configured must be refused before anything runs. Refuses, with how to fix
 * it, a repository outside `mesh.policyRepositories` and a host whose GitHub integration has
 * no token (the pull request step would fail with "No token available for host").
 */
export function pinPolicyRepository(
  repoUrl: string,
  settings: PolicyRepositorySettings,
): { repoUrl: string; fetchUrl: string } {
  const configured = settings.repositories.map(formatRepositoryRef);
  if (configured.length === 0) {
    throw new InputError(
      `no policy repository is configured: set ${CONFIG_KEY} in app-config to the repositories requests may open pull requests on, e.g. [github.com?owner=acme&repo=mesh-policies]`,
    );
  }
  const ref = parseRepositoryRef(repoUrl.trim());
  const pinned = ref
    ? settings.repositories.find(
        r =>
          r.host.toLowerCase() === ref.host.toLowerCase() &&
          r.owner.toLowerCase() === ref.owner.toLowerCase() &&
          r.repo.toLowerCase() === ref.repo.toLowerCase(),
      )
    : undefined;
  if (!pinned) {
    throw new InputError(
      `"${repoUrl}" is not a configured policy repository; pick one of ${configured.join(
        ', ',
      )} (${CONFIG_KEY})`,
    );
  }
  if (!settings.hostsWithCredentials.includes(pinned.host)) {
    throw new InputError(
      `no GitHub token is configured for ${pinned.host}, so the pull request cannot be opened; set integrations.github[].token for host ${pinned.host} in app-config (the demo reads it from the GITHUB_TOKEN environment variable), or configure a GitHub App there`,
    );
  }
  return {
    repoUrl: formatRepositoryRef(pinned),
    fetchUrl: `https://${pinned.host}/${pinned.owner}/${pinned.repo}`,
  };
}
