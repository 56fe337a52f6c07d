import type {
  PolicyRepositoryProvider,
  PolicyRepositoryStatus,
} from '@meshport/backstage-plugin-mesh-common';
import type { PolicyRepositoryConfig } from '@meshport/backstage-plugin-mesh-node';
import {
  codeOwnersDifference,
  codeOwnersStatus,
  renderCodeOwners,
  type BranchSnapshot,
  type PolicyPullRequestRecord,
} from '@meshport/backstage-plugin-mesh-policy';

/**
 * The owners file `meshport-policy codeowners` and `check --owners` read: the default owners
 * and each service's owners as CODEOWNERS names them (empty: the default owners own it).
 */
export interface OwnersFile {
  provider: PolicyRepositoryProvider;
  default: string[];
  services: Record<string, string[]>;
}

/** What a sync found of one repository's CODEOWNERS, stored with the repository. */
export interface CodeOwnersCheck {
  status: PolicyRepositoryStatus['codeOwners'];
  /** Why it is not `current`, and how to fix it. */
  message?: string;
  /** The owners the catalog asks for; absent while the default owners are not configured. */
  owners?: OwnersFile;
}

/**
 * Where each SCM reads CODEOWNERS, in its order: it uses the first file found. GitHub:
 * `.github/`, the root, `docs/`
 * (https://docs.github.com/en/repositories/managing-your-repositorys-settings-and-features/customizing-your-repository/about-code-owners#codeowners-file-location);
 * GitLab: the root, `docs/`, `.gitlab/` (https://docs.gitlab.com/user/project/codeowners/#codeowners-file,
 * FILE_PATHS in GitLab's ee/lib/gitlab/code_owners.rb).
 */
export const CODEOWNERS_READ_ORDER: Record<PolicyRepositoryProvider, string[]> =
  {
    github: ['.github/CODEOWNERS', 'CODEOWNERS', 'docs/CODEOWNERS'],
    gitlab: ['CODEOWNERS', 'docs/CODEOWNERS', '.gitlab/CODEOWNERS'],
  };

/** The CODEOWNERS file the SCM reads on this branch, or undefined when it reads none. */
export function effectiveCodeOwners(
  provider: PolicyRepositoryProvider,
  branch: BranchSnapshot,
): { path: string; text: string } | undefined {
  const path = CODEOWNERS_READ_ORDER[provider].find(
    p => branch.files[p] !== undefined,
  );
  return path ? { path, text: branch.files[path] } : undefined;
}

const SERVICE_FOLDER = /^policies\/([^/]+)\/([^/]+)\/[^/]/;

/**
 * The services CODEOWNERS must name: those with a policy folder on the branch
 * (`policies/<namespace>/<service>/`) and the destinations of open requests, so a request is
 * reviewed by its destination's owners before its folder exists on the branch.
 */
export function repositoryServices(
  branch: BranchSnapshot,
  pullRequests: readonly PolicyPullRequestRecord[],
): string[] {
  const services = new Set<string>();
  for (const path of Object.keys(branch.files)) {
    const m = SERVICE_FOLDER.exec(path);
    if (m) services.add(`${m[1]}/${m[2]}`);
  }
  for (const record of pullRequests)
    if (record.pullRequest.state === 'open')
      for (const d of record.destinations ?? []) services.add(d);
  return [...services].sort();
}

/** The command that rewrites the file, and where to get its input. */
export function fixCommand(repository: PolicyRepositoryConfig): string {
  return `save GET /api/mesh/policies/code-owners?repository=${encodeURIComponent(
    repository.url,
  )} as owners.json and run \`meshport-policy codeowners <repo> --owners owners.json --write\` in a clone of ${
    repository.webUrl
  }`;
}

/** Compares the branch's CODEOWNERS with what the owners file asks for. */
export function compareCodeOwners(
  repository: PolicyRepositoryConfig,
  branch: BranchSnapshot,
  owners: OwnersFile,
): CodeOwnersCheck {
  let expected: string;
  try {
    expected = renderCodeOwners({
      provider: owners.provider,
      defaultOwners: owners.default,
      services: Object.entries(owners.services).map(([key, list]) => {
        const [namespace, service] = key.split('/');
        return { namespace, service, owners: list };
      }),
    });
  } catch (error) {
    return {
      status: 'unknown',
      message: `The catalog's owners make no CODEOWNERS: ${
        (error as Error).message
      }`,
      owners,
    };
  }
  const current = effectiveCodeOwners(owners.provider, branch);
  if (!current)
    return {
      status: 'absent',
      message: `${repository.webUrl} has no CODEOWNERS where ${
        owners.provider === 'github' ? 'GitHub' : 'GitLab'
      } reads it (${CODEOWNERS_READ_ORDER[owners.provider].join(
        ', ',
      )}), so a change can merge without its destination's owners: ${fixCommand(
        repository,
      )}`,
      owners,
    };
  if (codeOwnersStatus(current.text, expected) === 'current')
    return { status: 'current', owners };
  const difference = codeOwnersDifference(current.text, expected);
  const what = [
    ...(difference.services.length > 0
      ? [`the rules of ${difference.services.join(', ')}`]
      : []),
    ...(difference.patterns.length > 0
      ? [`the rules for ${difference.patterns.join(', ')}`]
      : []),
    ...(difference.reordered ? ['the order of its rules'] : []),
  ].join(' and ');
  return {
    status: 'out-of-date',
    message: `${
      current.path
    } differs from the catalog's owners in ${what}: ${fixCommand(repository)}`,
    owners,
  };
}

/** Without default owners nothing can be rendered: only a missing file is known. */
export function uncomparedCodeOwners(
  repository: PolicyRepositoryConfig,
  branch: BranchSnapshot,
): CodeOwnersCheck {
  const present = effectiveCodeOwners(repository.provider, branch);
  return {
    status: present ? 'unknown' : 'absent',
    message: `Set mesh.policyLifecycle.codeOwners.defaultOwners (the platform team, e.g. ['@acme/platform']) to compare ${
      present ? present.path : 'CODEOWNERS'
    } of ${repository.webUrl} with the catalog's owners`,
  };
}
