/**
 * Every policy's life after its pull request: the contract between the lifecycle computation
 * (mesh-policy `src/lifecycle/`, pure), the mesh backend that syncs the policy repositories
 * and serves `GET /api/mesh/policies`, the catalog module that publishes each policy as an
 * entity, and the UI (Policies page, the Mesh tab's Policies card).
 */

/** Where a policy's pull request is (from the SCM's API), before it is on the branch. */
export type PolicyPullRequestState = 'open' | 'merged' | 'closed';

/**
 * A policy's state in one cluster, once the branch holds it:
 * - `applied`: every live object labelled for the policy matches what the branch renders for
 *   that cluster (its spec hashes to the rendered `meshport.dev/spec-hash`);
 * - `pending`: the branch renders objects the cluster does not hold yet, and it never held them
 *   all at that rendering;
 * - `drifted`: a live object differs from what the branch renders (field-level differences);
 * - `missing`: the cluster held the objects (the policy was applied there) and now lacks one;
 * - `rejected`: Istio reports an error about a live object in its `status.validationMessages`.
 * Worst first, the order lists and the overall state use: rejected, drifted, missing, pending,
 * applied.
 */
export type PolicyClusterState =
  | 'rejected'
  | 'drifted'
  | 'missing'
  | 'pending'
  | 'applied';

export const POLICY_CLUSTER_STATES: readonly PolicyClusterState[] = [
  'rejected',
  'drifted',
  'missing',
  'pending',
  'applied',
];

/**
 * A policy's overall state: its worst cluster state once it is on the branch; before that, where
 * its pull request is (`requested` = an open pull request, `closed` = closed without merging);
 * `unknown` when its cluster states cannot be judged (every cluster it renders for is
 * unreachable and never synced).
 */
export type PolicyState =
  | PolicyClusterState
  | 'requested'
  | 'closed'
  | 'unknown';

export const POLICY_STATES: readonly PolicyState[] = [
  'rejected',
  'drifted',
  'missing',
  'pending',
  'requested',
  'applied',
  'closed',
  'unknown',
];

/** `<kind lower-case>.<namespace>.<name>`: the value of the `meshport.dev/policy` label. */
export type PolicyRef = string;

/** Who asked for the policy, from the scaffolder task that opened its pull request. */
export interface PolicyRequest {
  /** Scaffolder task id. */
  taskId?: string;
  /** Entity ref of the user who ran the template. */
  requester?: string;
  /** Entity ref of the team the request was made for (the policy's owner in the catalog). */
  team?: string;
  /** ISO 8601. */
  requestedAt?: string;
}

export interface PolicyPullRequest {
  /** The pull (GitHub) or merge (GitLab) request's web page. */
  url: string;
  /** GitHub's number, GitLab's iid. */
  number: number;
  title: string;
  state: PolicyPullRequestState;
  /** SCM login of the author. */
  author?: string;
  /** SCM logins and teams asked to review. */
  reviewers: string[];
  /** SCM logins that approved. */
  approvedBy: string[];
  /** ISO 8601. */
  createdAt: string;
  mergedAt?: string;
  closedAt?: string;
}

/** One field where the live object differs from what the branch renders. */
export interface PolicyFieldDifference {
  /** JSON path in the object, e.g. `spec.http[0].route[1].weight`. */
  path: string;
  /** The value the branch renders; absent when the live object added the field. */
  rendered?: unknown;
  /** The live value; absent when the field was removed in the cluster. */
  live?: unknown;
}

/** A message Istio wrote on a live object (`status.validationMessages[]`). */
export interface PolicyValidationMessage {
  /** Istio's analyzer code, e.g. `IST0101`. */
  code?: string;
  /** `ERROR`, `WARNING` or `INFO`. */
  level?: string;
  description: string;
}

/** One object the branch renders for a policy in one cluster, and what the cluster holds. */
export interface PolicyObjectStatus {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
  /** Repository path of the rendered file. */
  path: string;
  state: PolicyClusterState;
  /** For `drifted`: what differs, rendered against live (at most 50). */
  differences?: PolicyFieldDifference[];
  /** For `rejected` (and warnings Istio reported on an applied object). */
  messages?: PolicyValidationMessage[];
}

export interface PolicyClusterStatus {
  /** Backstage name of the cluster. */
  cluster: string;
  state: PolicyClusterState;
  /** ISO 8601: when the policy entered this state in this cluster (as the backend observed). */
  since?: string;
  /** ISO 8601: when the cluster first held this rendering in full. */
  appliedAt?: string;
  /** True when the cluster is stale: the state is judged on its last-known-good config. */
  stale?: boolean;
  objects: PolicyObjectStatus[];
}

/** How long each step of the policy's life took, in milliseconds, as far as it has gone. */
export interface PolicyTimings {
  requestedToMerged?: number;
  /** From merged to applied in every cluster it renders for. */
  mergedToApplied?: number;
  requestedToApplied?: number;
}

export interface PolicyLifecycle {
  ref: PolicyRef;
  kind: 'TrafficPolicy' | 'AccessPolicy' | 'VirtualDestination';
  namespace: string;
  name: string;
  /** The configured policy repository it lives in (`PolicyRepositoryStatus.url`). */
  repository: string;
  /** Repository path of the policy file. */
  path: string;
  /** The mesh services it is about (`<namespace>/<name>`), sorted: whose owners approve it. */
  destinations: string[];
  /** Entity ref of the team that requested it, when known (the catalog entity's owner). */
  owner?: string;
  state: PolicyState;
  request?: PolicyRequest;
  /** The latest pull request that adds or changes it. */
  pullRequest?: PolicyPullRequest;
  /** True when the configured branch holds it. */
  onBranch: boolean;
  /** Per cluster the branch renders it for; empty until it is on the branch. */
  clusters: PolicyClusterStatus[];
  timings: PolicyTimings;
}

/** A live object Meshport manages (policy label) that no policy on any branch renders. */
export interface PolicyOrphan {
  cluster: string;
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
  /** Its `meshport.dev/policy` label. */
  policy: string;
}

export type PolicyRepositoryProvider = 'github' | 'gitlab';

/**
 * How the last sync of a repository went: `ok`, or why it could not be read; the last known
 * states are kept and shown under any of these.
 */
export type PolicyRepositorySyncStatus =
  | 'ok'
  | 'never-synced'
  | 'rate-limited'
  | 'not-found'
  | 'unauthorized'
  | 'error';

export interface PolicyRepositoryStatus {
  /** As configured: `<host>?owner=<owner>&repo=<repo>`. */
  url: string;
  /** Its web page, e.g. `https://github.com/acme/mesh-policies`. */
  webUrl: string;
  provider: PolicyRepositoryProvider;
  branch: string;
  /** The clusters it feeds (every cluster when the config names none). */
  clusters: string[];
  status: PolicyRepositorySyncStatus;
  /** What went wrong and how to fix it, when `status` is not `ok`. */
  message?: string;
  /** ISO 8601 of the last successful sync. */
  lastSyncAt?: string;
  /** Commit the states were computed at. */
  commit?: string;
  /**
   * Whether the repository's ownership rules (`CODEOWNERS`) match the catalog's owners:
   * `out-of-date` and `absent` mean a change can merge without its destination's owners.
   */
  codeOwners: 'current' | 'out-of-date' | 'absent' | 'unknown';
  /** Why `codeOwners` is not `current` (which services' rules differ) and how to fix it. */
  codeOwnersMessage?: string;
}

/** `GET /api/mesh/policies`: the policies the caller may read, filtered as asked. */
export interface PoliciesResponse {
  repositories: PolicyRepositoryStatus[];
  items: PolicyLifecycle[];
  /** Policies matching the filters (before `limit`). */
  totalCount: number;
  /** Count per overall state over the matching policies. */
  counts: Partial<Record<PolicyState, number>>;
  /** Managed objects no policy renders, in namespaces the caller may read. */
  orphans: PolicyOrphan[];
}
