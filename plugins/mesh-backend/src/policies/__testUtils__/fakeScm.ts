import type { PolicyRepositoryConfig } from '@meshport/backstage-plugin-mesh-node';
import type {
  BranchSnapshot,
  PolicyPullRequestRecord,
} from '@meshport/backstage-plugin-mesh-policy';
import {
  PolicyRepositoryReadError,
  type PolicyRepositoryScm,
} from '../scm/PolicyRepositoryScm';

/**
 * An SCM in memory: a branch per repository URL whose commit is its etag, pull requests, and
 * a refusal to set (`fail`) that every call throws until cleared. Counts the reads.
 */
export class FakeScm implements PolicyRepositoryScm {
  readonly branches = new Map<string, BranchSnapshot>();
  readonly pullRequests = new Map<string, PolicyPullRequestRecord[]>();
  fail?: PolicyRepositoryReadError | Error;
  readonly reads = { branch: 0, fullBranch: 0, pullRequests: 0 };

  async readBranch(repository: PolicyRepositoryConfig, etag?: string) {
    this.reads.branch++;
    if (this.fail) throw this.fail;
    const snapshot = this.branches.get(repository.url);
    if (!snapshot)
      throw new PolicyRepositoryReadError(
        'not-found',
        `Branch ${repository.branch} of ${repository.webUrl} does not exist; check mesh.policyRepositories`,
      );
    const tag = `"${snapshot.commit}"`;
    if (etag === tag) return 'unchanged' as const;
    this.reads.fullBranch++;
    return { snapshot, etag: tag };
  }

  async listPullRequests(repository: PolicyRepositoryConfig) {
    this.reads.pullRequests++;
    if (this.fail) throw this.fail;
    return this.pullRequests.get(repository.url) ?? [];
  }
}
