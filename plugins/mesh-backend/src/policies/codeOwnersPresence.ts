import type { PolicyRepositoryStatus } from '@meshport/backstage-plugin-mesh-common';
import type { BranchSnapshot } from '@meshport/backstage-plugin-mesh-policy';
import { CODEOWNERS_PATHS } from './scm/branchFiles';

/**
 * What the branch alone tells of its ownership rules: `absent` when no CODEOWNERS is where
 * GitHub or GitLab read it, so a change to a service's policies can merge without its owners
 * (https://docs.github.com/en/repositories/managing-your-repositorys-settings-and-features/customizing-your-repository/about-code-owners#codeowners-file-location,
 * https://docs.gitlab.com/user/project/codeowners/#codeowners-file). Whether a file present is
 * `current` needs the owners' SCM identities from the catalog, which the policy repository's
 * check (`meshport-policy check --owners`) compares; here it stays `unknown`.
 */
export function codeOwnersPresence(
  branch: BranchSnapshot,
): PolicyRepositoryStatus['codeOwners'] {
  return CODEOWNERS_PATHS.some(path => branch.files[path] !== undefined)
    ? 'unknown'
    : 'absent';
}
