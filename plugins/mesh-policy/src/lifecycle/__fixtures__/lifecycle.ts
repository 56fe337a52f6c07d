import type {
  Fleet,
  LiveConfigObject,
  PolicyPullRequest,
  PolicyRepositoryStatus,
} from '@meshport/backstage-plugin-mesh-common';
import { parse } from 'yaml';
import { multiPrimaryFleet } from '../../__fixtures__/fleets';
import { accessGrant, seedPolicy } from '../../__fixtures__/policies';
import { renderRepository } from '../../render';
import type {
  LifecycleInput,
  LifecycleMemory,
  LifecycleResult,
  PolicyPullRequestRecord,
  RepositoryInput,
} from '../types';

/*
 * A small policy repository rendered by the compiler (so the spec hashes are its own) for the
 * two-cluster bookinfo fleet, and the live config a GitOps tool applying it leaves.
 */

export const SEED = 'trafficpolicy.bookinfo.reviews-shift';
export const GRANT = 'accesspolicy.bookinfo.productpage-reads-reviews';
export const URL = 'https://github.com?owner=acme&repo=mesh-policies';

/** The policy repository as the compiler renders it: the hashes are the compiler's own. */
export function renderedFiles(): Record<string, string> {
  const result = renderRepository([seedPolicy(), accessGrant()], fleetWith());
  if (!result.ok) throw new Error('the fixture repository does not compile');
  return result.files;
}

export function fleetWith(
  config: Record<string, LiveConfigObject[] | undefined> = {},
): Fleet {
  const fleet = multiPrimaryFleet();
  for (const c of fleet.clusters) c.config = config[c.name];
  return fleet;
}

/** What a GitOps tool applying `rendered/<cluster>/` leaves in the cluster. */
export function applied(
  files: Record<string, string>,
  cluster: string,
): LiveConfigObject[] {
  return Object.entries(files)
    .filter(([path]) => path.startsWith(`rendered/${cluster}/`))
    .map(([, text]) => parse(text) as LiveConfigObject);
}

export function status(over: Partial<PolicyRepositoryStatus> = {}) {
  return {
    url: URL,
    webUrl: 'https://github.com/acme/mesh-policies',
    provider: 'github',
    branch: 'main',
    clusters: [],
    status: 'ok',
    codeOwners: 'current',
    ...over,
  } satisfies PolicyRepositoryStatus;
}

export function pr(over: Partial<PolicyPullRequest> = {}): PolicyPullRequest {
  return {
    url: 'https://github.com/acme/mesh-policies/pull/7',
    number: 7,
    title: 'Route reviews',
    state: 'merged',
    reviewers: ['team-bookinfo'],
    approvedBy: ['ann'],
    createdAt: '2026-12-01T10:00:00.000Z',
    mergedAt: '2026-12-01T11:00:00.000Z',
    ...over,
  };
}

export const seedRequest: PolicyPullRequestRecord = {
  pullRequest: pr(),
  policies: [SEED],
  request: {
    taskId: 't1',
    requester: 'user:default/jane',
    team: 'group:default/team-a',
    requestedAt: '2026-12-01T09:30:00.000Z',
  },
};

export function input(
  live: Record<string, LiveConfigObject[] | undefined>,
  memory: LifecycleMemory = {},
  now = '2026-12-01T12:00:00.000Z',
  repositories?: RepositoryInput[],
): LifecycleInput {
  return {
    repositories: repositories ?? [
      {
        status: status(),
        branch: { commit: 'abc', files: renderedFiles() },
        pullRequests: [seedRequest],
      },
    ],
    fleet: fleetWith(live),
    memory,
    now,
  };
}

export const policy = (r: LifecycleResult, ref: string) =>
  r.policies.find(p => p.ref === ref)!;
export const clusterState = (
  r: LifecycleResult,
  ref: string,
  cluster: string,
) => policy(r, ref).clusters.find(c => c.cluster === cluster);
