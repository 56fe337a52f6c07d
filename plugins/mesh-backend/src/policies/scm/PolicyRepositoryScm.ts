import type { PolicyRepositoryConfig } from '@meshport/backstage-plugin-mesh-node';
import type {
  BranchSnapshot,
  PolicyPullRequestRecord,
} from '@meshport/backstage-plugin-mesh-policy';

/**
 * Why a repository could not be read, as the lifecycle shows it: each keeps the last known
 * states, and the message says what to do.
 */
export class PolicyRepositoryReadError extends Error {
  constructor(
    readonly status: 'rate-limited' | 'not-found' | 'unauthorized' | 'error',
    message: string,
    /** For `rate-limited`: when the SCM says to try again (ISO 8601), if it says. */
    readonly retryAt?: string,
  ) {
    super(message);
    this.name = 'PolicyRepositoryReadError';
  }
}

/**
 * Reads one policy repository from its SCM: the configured branch's files and the pull (merge)
 * requests Meshport opened. Implementations: GitHub, GitLab (through Backstage's
 * `UrlReaderService` and the integrations' credentials) and a snapshot on disk for the demo.
 * Both methods throw `PolicyRepositoryReadError` for what the SCM refused.
 */
export interface PolicyRepositoryScm {
  /**
   * The branch's files under `policies/` and `rendered/`, and `CODEOWNERS` (root, `.github/`,
   * `.gitlab/` or `docs/`), with the commit. `etag`: the previous read's tag; when the branch
   * has not moved, resolves to `'unchanged'` without reading it again.
   */
  readBranch(
    repository: PolicyRepositoryConfig,
    etag?: string,
  ): Promise<{ snapshot: BranchSnapshot; etag?: string } | 'unchanged'>;
  /**
   * Pull requests opened from Meshport's branches (open ones, and those closed or merged in
   * the last 90 days), newest first, with the request marker parsed.
   */
  listPullRequests(
    repository: PolicyRepositoryConfig,
  ): Promise<PolicyPullRequestRecord[]>;
}
