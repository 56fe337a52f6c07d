import type {
  Fleet,
  PolicyClusterState,
  PolicyLifecycle,
  PolicyOrphan,
  PolicyPullRequest,
  PolicyRef,
  PolicyRepositoryStatus,
  PolicyRequest,
} from '@meshport/backstage-plugin-mesh-common';

/** The files of a policy repository's configured branch, as its SCM served them. */
export interface BranchSnapshot {
  /** The commit the files are at, when the SCM says. */
  commit?: string;
  /** Repository-relative path → text: every file under `policies/` and `rendered/`, CODEOWNERS. */
  files: Record<string, string>;
}

/** A pull request of a policy repository with the policies it requests (its request marker). */
export interface PolicyPullRequestRecord {
  pullRequest: PolicyPullRequest;
  /** From the request marker in its description; empty for pull requests Meshport did not open. */
  policies: PolicyRef[];
  request?: PolicyRequest;
  /**
   * The destination services (`<namespace>/<name>`) of its policies, when the reader can tell
   * (e.g. from the changed paths): shown for a policy the branch does not hold yet.
   */
  destinations?: string[];
}

/** One configured repository as the last sync left it. */
export interface RepositoryInput {
  status: PolicyRepositoryStatus;
  /** Absent when the branch has never been read. */
  branch?: BranchSnapshot;
  pullRequests: PolicyPullRequestRecord[];
}

/**
 * What the lifecycle remembers between computations, per policy and cluster: what tells
 * `missing` (was applied) from `pending` (never was), when each state began and when the
 * rendering was first applied. The backend stores it; the computation is pure.
 */
export interface LifecycleMemory {
  [policy: PolicyRef]: {
    [cluster: string]: {
      state: PolicyClusterState;
      /** ISO 8601. */
      since: string;
      /** ISO 8601: when the cluster first held `renderedHash` in full. */
      appliedAt?: string;
      /**
       * The cluster already held `renderedHash` in full when first judged, so when it was
       * applied is unknown (no `appliedAt`, no merge-to-apply time).
       */
      appliedBeforeObserved?: boolean;
      /** Hash over the policy's rendered objects for the cluster: a new rendering starts over. */
      renderedHash: string;
    };
  };
}

export interface LifecycleInput {
  repositories: RepositoryInput[];
  /** Each cluster's live mesh config (`FleetCluster.config`) and staleness. */
  fleet: Fleet;
  memory: LifecycleMemory;
  /** ISO 8601: the time states that change now are stamped with. */
  now: string;
}

/** A file of a branch the computation left out, and why (it never stops the others). */
export interface LifecycleProblem {
  /** `PolicyRepositoryStatus.url`. */
  repository: string;
  /** Repository path of the file; empty when the problem is the repository's. */
  path: string;
  /** What is wrong and how to fix it. */
  message: string;
}

export interface LifecycleResult {
  policies: PolicyLifecycle[];
  orphans: PolicyOrphan[];
  memory: LifecycleMemory;
  /** Files left out (a policy that does not parse, malformed rendered YAML), sorted. */
  problems?: LifecycleProblem[];
}
