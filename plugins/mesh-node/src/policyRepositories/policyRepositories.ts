import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { ScmIntegrations } from '@backstage/integration';
import type { PolicyRepositoryProvider } from '@meshport/backstage-plugin-mesh-common';

/** `mesh.policyRepositories`: read here once, by the mesh backend and the scaffolder module. */
export const POLICY_REPOSITORIES_CONFIG_KEY = 'mesh.policyRepositories';

/** A configured policy repository. */
export interface PolicyRepositoryConfig {
  /** Canonical `<host>?owner=<owner>&repo=<repo>`, the form Backstage's RepoUrlPicker writes. */
  url: string;
  host: string;
  /** GitHub organisation or user; GitLab group path, which may hold `/` (`platform/mesh`). */
  owner: string;
  repo: string;
  /** From the host's entry in `integrations` (github.com and gitlab.com are known without one). */
  provider: PolicyRepositoryProvider;
  /** The branch GitOps applies from. Default `main`. */
  branch: string;
  /** The clusters it feeds; undefined = every cluster. */
  clusters?: string[];
  /** `https://<host>/<owner>/<repo>`. */
  webUrl: string;
}

const SEGMENT = /^[A-Za-z0-9_.-]+$/;
const BRANCH =
  /^(?!\/|.*\/\/|.*\.\.|.*@\{|.*\.lock$|.*\/$)[A-Za-z0-9_./-]{1,200}$/;

/**
 * `<host>?owner=<owner>&repo=<repo>` (the form RepoUrlPicker writes and `parseRepoUrl` reads):
 * host, owner and repo, or undefined when it is not that. GitLab owners may be a group path
 * (`group/subgroup`); every segment is a plain name, so no `..` or empty segment gets through.
 */
export function parseRepositoryUrl(
  value: string,
): { host: string; owner: string; repo: string } | undefined {
  let url: URL;
  try {
    url = new URL(`https://${value.trim()}`);
  } catch {
    return undefined;
  }
  const owner = url.searchParams.get('owner');
  const repo = url.searchParams.get('repo');
  if (
    url.pathname !== '/' ||
    url.username ||
    url.password ||
    url.hash ||
    // a repeated parameter is read differently by different readers: refuse it
    url.searchParams.getAll('owner').length !== 1 ||
    url.searchParams.getAll('repo').length !== 1 ||
    [...url.searchParams.keys()].length !== 2 ||
    !owner ||
    !repo ||
    !SEGMENT.test(repo) ||
    !owner.split('/').every(s => SEGMENT.test(s) && s !== '.' && s !== '..') ||
    repo === '.' ||
    repo === '..'
  ) {
    return undefined;
  }
  return { host: url.host.toLowerCase(), owner, repo };
}

export function formatRepositoryUrl(r: {
  host: string;
  owner: string;
  repo: string;
}): string {
  return `${r.host}?owner=${r.owner}&repo=${r.repo}`;
}

/** The configured repository a value names (host, owner and repo compared case-insensitively). */
export function findPolicyRepository(
  repositories: PolicyRepositoryConfig[],
  value: string,
): PolicyRepositoryConfig | undefined {
  const ref = parseRepositoryUrl(value);
  if (!ref) return undefined;
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  return repositories.find(
    r =>
      same(r.host, ref.host) &&
      same(r.owner, ref.owner) &&
      same(r.repo, ref.repo),
  );
}

/**
 * Reads `mesh.policyRepositories`: each entry a repository URL (`<host>?owner=…&repo=…`) or an
 * object `{ url, branch?, clusters? }`. Throws an InputError naming the entry and how to fix it
 * for a malformed URL, a host no SCM integration serves, a bad branch name or a repeated
 * repository. Empty when the key is absent.
 */
export function readPolicyRepositories(
  config: Config,
): PolicyRepositoryConfig[] {
  const raw = config.getOptional<unknown>(POLICY_REPOSITORIES_CONFIG_KEY);
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) {
    throw new InputError(
      `${POLICY_REPOSITORIES_CONFIG_KEY} must be a list of repositories, e.g. [github.com?owner=acme&repo=mesh-policies]`,
    );
  }
  const integrations = ScmIntegrations.fromConfig(config);
  const repositories: PolicyRepositoryConfig[] = [];
  raw.forEach((value, i) => {
    const at = `${POLICY_REPOSITORIES_CONFIG_KEY}[${i}]`;
    const item = typeof value === 'string' ? { url: value } : value;
    const repository = readEntry(at, item, integrations);
    const first = repositories.findIndex(
      o => o.url.toLowerCase() === repository.url.toLowerCase(),
    );
    if (first >= 0) {
      throw new InputError(
        `${at} repeats ${repository.url} (also [${first}]); list each repository once`,
      );
    }
    repositories.push(repository);
  });
  return repositories;
}

function readEntry(
  at: string,
  item: { url?: unknown; branch?: unknown; clusters?: unknown } | undefined,
  integrations: ScmIntegrations,
): PolicyRepositoryConfig {
  const example = 'e.g. github.com?owner=acme&repo=mesh-policies';
  if (typeof item?.url !== 'string') {
    throw new InputError(
      `${at} must be a repository URL or { url, branch, clusters } with url as <host>?owner=<owner>&repo=<repo>, ${example}`,
    );
  }
  const ref = parseRepositoryUrl(item.url);
  if (!ref) {
    throw new InputError(
      `${at} must name a repository as <host>?owner=<owner>&repo=<repo>, ${example}; got "${item.url}"`,
    );
  }
  const type = integrations.byHost(ref.host)?.type;
  if (type !== 'github' && type !== 'gitlab') {
    throw new InputError(
      `${at}: ${ref.host} is neither a GitHub nor a GitLab host; add it under integrations.github or integrations.gitlab in app-config`,
    );
  }
  const branch = item.branch === undefined ? 'main' : item.branch;
  if (typeof branch !== 'string' || !BRANCH.test(branch)) {
    throw new InputError(
      `${at}.branch must be a branch name (letters, digits, ".", "_", "-", "/"); got ${JSON.stringify(
        item.branch,
      )}`,
    );
  }
  let clusters: string[] | undefined;
  if (item.clusters !== undefined) {
    if (
      !Array.isArray(item.clusters) ||
      item.clusters.some(c => typeof c !== 'string' || c.trim() === '')
    ) {
      throw new InputError(
        `${at}.clusters must be a list of cluster names as configured in Backstage; leave it out for every cluster`,
      );
    }
    clusters = [
      ...new Set(item.clusters.map(c => (c as string).trim())),
    ].sort();
  }
  return {
    ...ref,
    url: formatRepositoryUrl(ref),
    provider: type,
    branch,
    clusters,
    webUrl: `https://${ref.host}/${ref.owner}/${ref.repo}`,
  };
}
