import {
  POLICY_CLUSTER_STATES,
  type PoliciesResponse,
  type PolicyClusterState,
  type PolicyLifecycle,
  type PolicyRepositoryStatus,
} from '@meshport/backstage-plugin-mesh-common';

/** Policies over `demoFleet()` in the four states the demo shows, and builders for more. */

export const REPOSITORY = 'github.com?owner=acme&repo=mesh-policies';

export function repository(
  overrides: Partial<PolicyRepositoryStatus> = {},
): PolicyRepositoryStatus {
  return {
    url: REPOSITORY,
    webUrl: 'https://github.com/acme/mesh-policies',
    provider: 'github',
    branch: 'main',
    clusters: ['east', 'west'],
    status: 'ok',
    lastSyncAt: '2026-01-01T00:05:00Z',
    commit: '0123456789abcdef0123456789abcdef01234567',
    codeOwners: 'current',
    ...overrides,
  };
}

const KIND_FILE: Record<PolicyLifecycle['kind'], string> = {
  TrafficPolicy: 'trafficpolicy',
  AccessPolicy: 'accesspolicy',
  VirtualDestination: 'virtualdestination',
};

/**
 * A policy on the branch, applied in the clusters given (`cluster → state`), requested by
 * `team-reviews` through pull request #1. `id` is `<namespace>/<name>`.
 */
export function policy(
  id: string,
  overrides: Partial<PolicyLifecycle> & {
    states?: Record<string, PolicyClusterState>;
  } = {},
): PolicyLifecycle {
  const [namespace, name] = id.split('/');
  const { states = { east: 'applied', west: 'applied' }, ...rest } = overrides;
  const kind = rest.kind ?? 'TrafficPolicy';
  const clusters = Object.entries(states).map(([cluster, state]) => ({
    cluster,
    state,
    objects: [],
  }));
  return {
    ref: `${KIND_FILE[kind]}.${namespace}.${name}`,
    kind,
    namespace,
    name,
    repository: REPOSITORY,
    path: `services/${namespace}/${name}/${KIND_FILE[kind]}-${name}.yaml`,
    destinations: [`${namespace}/${name.split('-')[0]}`],
    owner: 'group:default/team-reviews',
    state: worst(clusters.map(c => c.state)),
    pullRequest: {
      url: 'https://github.com/acme/mesh-policies/pull/1',
      number: 1,
      title: `Policy ${id}`,
      state: 'merged',
      reviewers: ['team-reviews'],
      approvedBy: ['alice'],
      createdAt: '2026-01-01T00:00:00Z',
      mergedAt: '2026-01-01T00:01:00Z',
    },
    onBranch: true,
    clusters,
    timings: {},
    ...rest,
  };
}

function worst(states: PolicyClusterState[]): PolicyClusterState {
  return POLICY_CLUSTER_STATES.find(s => states.includes(s)) ?? 'pending';
}

/** The four states the demo shows: an open pull request, applied, drifted, rejected. */
export function demoPolicies(): PolicyLifecycle[] {
  return [
    policy('bookinfo/reviews-canary', {
      state: 'requested',
      onBranch: false,
      states: {},
      pullRequest: {
        url: 'https://github.com/acme/mesh-policies/pull/4',
        number: 4,
        title: 'Route bookinfo/reviews: canary',
        state: 'open',
        reviewers: ['team-reviews'],
        approvedBy: [],
        createdAt: '2026-01-01T00:00:00Z',
      },
    }),
    policy('bookinfo/reviews-retries'),
    policy('bookinfo/ratings-timeout', {
      owner: 'group:default/team-ratings',
      states: { east: 'applied', west: 'drifted' },
    }),
    policy('shop/cart-callers', {
      kind: 'AccessPolicy',
      owner: 'group:default/team-shop',
      destinations: ['shop/cart'],
      states: { west: 'rejected' },
    }),
  ];
}

export function policiesResponse(
  items: PolicyLifecycle[] = demoPolicies(),
  repositories: PolicyRepositoryStatus[] = [repository()],
): PoliciesResponse {
  const counts: PoliciesResponse['counts'] = {};
  for (const item of items) counts[item.state] = (counts[item.state] ?? 0) + 1;
  return {
    repositories,
    items,
    totalCount: items.length,
    counts,
    orphans: [],
  };
}
