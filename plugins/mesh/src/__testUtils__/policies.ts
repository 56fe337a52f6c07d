/**
 * The policy lifecycle as the mesh backend answers `GET /policies` for the demo: one policy in
 * each state the demo shows (requested, applied, drifted, rejected), a repository synced, and an
 * orphan.
 */
import type {
  PoliciesResponse,
  PolicyLifecycle,
  PolicyRepositoryStatus,
} from '@meshport/backstage-plugin-mesh-common';

export const repository: PolicyRepositoryStatus = {
  url: 'github.com?owner=meshport-demo&repo=mesh-policies',
  webUrl: 'https://github.com/meshport-demo/mesh-policies',
  provider: 'github',
  branch: 'main',
  clusters: ['cluster-1', 'cluster-2', 'cluster-3'],
  status: 'ok',
  lastSyncAt: '2026-11-22T10:00:00.000Z',
  commit: '3f1c2a9d8e7b6a5f4c3d2e1f0a9b8c7d6e5f4a3b',
  codeOwners: 'current',
};

const pr = (
  number: number,
  title: string,
  state: 'open' | 'merged',
  times: { createdAt: string; mergedAt?: string },
) => ({
  url: `https://github.com/meshport-demo/mesh-policies/pull/${number}`,
  number,
  title,
  state,
  author: 'meshport-bot',
  reviewers: ['meshport-demo/bookinfo-team'],
  approvedBy: state === 'merged' ? ['ana-books'] : [],
  ...times,
});

export const applied: PolicyLifecycle = {
  ref: 'accesspolicy.bookinfo.productpage-reads-reviews',
  kind: 'AccessPolicy',
  namespace: 'bookinfo',
  name: 'productpage-reads-reviews',
  repository: repository.url,
  path: 'policies/bookinfo/reviews/accesspolicy-productpage-reads-reviews.yaml',
  destinations: ['bookinfo/reviews'],
  owner: 'group:default/bookinfo-team',
  state: 'applied',
  request: {
    taskId: 'task-1',
    requester: 'user:default/guest',
    team: 'group:default/bookinfo-team',
    requestedAt: '2026-11-20T09:00:00.000Z',
  },
  pullRequest: pr(11, 'Let productpage read reviews', 'merged', {
    createdAt: '2026-11-20T09:00:10.000Z',
    mergedAt: '2026-11-20T11:30:00.000Z',
  }),
  onBranch: true,
  clusters: [
    {
      cluster: 'cluster-1',
      state: 'applied',
      appliedAt: '2026-11-20T11:32:00.000Z',
      objects: [
        {
          apiVersion: 'security.istio.io/v1',
          kind: 'AuthorizationPolicy',
          namespace: 'bookinfo',
          name: 'productpage-reads-reviews',
          path: 'rendered/cluster-1/bookinfo/authorizationpolicy-productpage-reads-reviews.yaml',
          state: 'applied',
        },
      ],
    },
    {
      cluster: 'cluster-2',
      state: 'applied',
      appliedAt: '2026-11-20T11:33:00.000Z',
      objects: [
        {
          apiVersion: 'security.istio.io/v1',
          kind: 'AuthorizationPolicy',
          namespace: 'bookinfo',
          name: 'productpage-reads-reviews',
          path: 'rendered/cluster-2/bookinfo/authorizationpolicy-productpage-reads-reviews.yaml',
          state: 'applied',
        },
      ],
    },
  ],
  timings: {
    requestedToMerged: 2.5 * 3600_000,
    mergedToApplied: 3 * 60_000,
    requestedToApplied: 2.5 * 3600_000 + 3 * 60_000,
  },
};

export const drifted: PolicyLifecycle = {
  ref: 'trafficpolicy.bookinfo.reviews-shift',
  kind: 'TrafficPolicy',
  namespace: 'bookinfo',
  name: 'reviews-shift',
  repository: repository.url,
  path: 'policies/bookinfo/reviews/trafficpolicy-reviews-shift.yaml',
  destinations: ['bookinfo/reviews'],
  owner: 'group:default/bookinfo-team',
  state: 'drifted',
  request: {
    requester: 'user:default/guest',
    team: 'group:default/bookinfo-team',
    requestedAt: '2026-11-21T08:00:00.000Z',
  },
  pullRequest: pr(12, 'Shift reviews to v2', 'merged', {
    createdAt: '2026-11-21T08:00:05.000Z',
    mergedAt: '2026-11-21T08:45:00.000Z',
  }),
  onBranch: true,
  clusters: [
    {
      cluster: 'cluster-1',
      state: 'drifted',
      since: '2026-11-22T07:00:00.000Z',
      appliedAt: '2026-11-21T08:47:00.000Z',
      objects: [
        {
          apiVersion: 'networking.istio.io/v1',
          kind: 'VirtualService',
          namespace: 'bookinfo',
          name: 'reviews-shift',
          path: 'rendered/cluster-1/bookinfo/virtualservice-reviews-shift.yaml',
          state: 'drifted',
          differences: [
            { path: 'spec.http[0].route[0].weight', rendered: 90, live: 50 },
            { path: 'spec.http[0].route[1].weight', rendered: 10, live: 50 },
            { path: 'metadata.annotations.edited-by', live: 'kubectl' },
          ],
        },
      ],
    },
    {
      cluster: 'cluster-2',
      state: 'applied',
      appliedAt: '2026-11-21T08:48:00.000Z',
      objects: [
        {
          apiVersion: 'networking.istio.io/v1',
          kind: 'VirtualService',
          namespace: 'bookinfo',
          name: 'reviews-shift',
          path: 'rendered/cluster-2/bookinfo/virtualservice-reviews-shift.yaml',
          state: 'applied',
        },
      ],
    },
  ],
  timings: { requestedToMerged: 45 * 60_000 },
};

export const rejected: PolicyLifecycle = {
  ref: 'virtualdestination.bookinfo.reviews-global',
  kind: 'VirtualDestination',
  namespace: 'bookinfo',
  name: 'reviews-global',
  repository: repository.url,
  path: 'policies/bookinfo/reviews/virtualdestination-reviews-global.yaml',
  destinations: ['bookinfo/reviews'],
  owner: 'group:default/platform-team',
  state: 'rejected',
  pullRequest: pr(9, 'A global name for reviews', 'merged', {
    createdAt: '2026-11-19T10:00:00.000Z',
    mergedAt: '2026-11-19T10:20:00.000Z',
  }),
  onBranch: true,
  clusters: [
    {
      cluster: 'cluster-2',
      state: 'rejected',
      since: '2026-11-19T10:22:00.000Z',
      objects: [
        {
          apiVersion: 'networking.istio.io/v1',
          kind: 'ServiceEntry',
          namespace: 'bookinfo',
          name: 'reviews-global',
          path: 'rendered/cluster-2/bookinfo/serviceentry-reviews-global.yaml',
          state: 'rejected',
          messages: [
            {
              code: 'IST0101',
              level: 'ERROR',
              description:
                'Referenced host not found: "reviews.bookinfo.global"',
            },
          ],
        },
      ],
    },
  ],
  timings: { requestedToMerged: 20 * 60_000 },
};

export const requested: PolicyLifecycle = {
  ref: 'trafficpolicy.bookinfo.ratings-timeout',
  kind: 'TrafficPolicy',
  namespace: 'bookinfo',
  name: 'ratings-timeout',
  repository: repository.url,
  path: 'policies/bookinfo/ratings/trafficpolicy-ratings-timeout.yaml',
  destinations: ['bookinfo/ratings'],
  owner: 'group:default/bookinfo-team',
  state: 'requested',
  request: {
    requester: 'user:default/guest',
    team: 'group:default/bookinfo-team',
    requestedAt: '2026-11-22T09:00:00.000Z',
  },
  pullRequest: {
    ...pr(14, 'A 2s timeout on ratings', 'open', {
      createdAt: '2026-11-22T09:00:03.000Z',
    }),
    reviewers: ['meshport-demo/bookinfo-team', 'ana-books'],
  },
  onBranch: false,
  clusters: [],
  timings: {},
};

export const policies: PoliciesResponse = {
  repositories: [repository],
  items: [rejected, drifted, requested, applied],
  totalCount: 4,
  counts: { rejected: 1, drifted: 1, requested: 1, applied: 1 },
  orphans: [
    {
      cluster: 'cluster-3',
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      namespace: 'bookinfo',
      name: 'old-reviews-subsets',
      policy: 'trafficpolicy.bookinfo.old-reviews',
    },
  ],
};
