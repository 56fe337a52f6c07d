import { z } from 'zod';
import {
  POLICY_CLUSTER_STATES,
  POLICY_STATES,
  type PolicyClusterState,
  type PolicyState,
} from './policyLifecycle';

/**
 * `GET /api/mesh/policies` at run time: what a backend reader (the catalog module) checks
 * before turning the answer into entities, written against the types of policyLifecycle.ts
 * (policiesSchema.test.ts holds type assertions that fail to compile when the two drift
 * apart). Objects are loose: a field a newer backend adds passes through to readers that
 * know it.
 */

const strings = z.array(z.string());
const clusterState = z.enum(
  POLICY_CLUSTER_STATES as [PolicyClusterState, ...PolicyClusterState[]],
);
const policyState = z.enum(POLICY_STATES as [PolicyState, ...PolicyState[]]);

export const policyRequestSchema = z.looseObject({
  taskId: z.string().optional(),
  requester: z.string().optional(),
  team: z.string().optional(),
  requestedAt: z.string().optional(),
});

export const policyPullRequestSchema = z.looseObject({
  url: z.string(),
  number: z.number(),
  title: z.string(),
  state: z.enum(['open', 'merged', 'closed']),
  author: z.string().optional(),
  reviewers: strings,
  approvedBy: strings,
  createdAt: z.string(),
  mergedAt: z.string().optional(),
  closedAt: z.string().optional(),
});

export const policyObjectStatusSchema = z.looseObject({
  apiVersion: z.string(),
  kind: z.string(),
  namespace: z.string(),
  name: z.string(),
  path: z.string(),
  state: clusterState,
  differences: z
    .array(
      z.looseObject({
        path: z.string(),
        rendered: z.unknown().optional(),
        live: z.unknown().optional(),
      }),
    )
    .optional(),
  messages: z
    .array(
      z.looseObject({
        code: z.string().optional(),
        level: z.string().optional(),
        description: z.string(),
      }),
    )
    .optional(),
});

export const policyClusterStatusSchema = z.looseObject({
  cluster: z.string(),
  state: clusterState,
  since: z.string().optional(),
  appliedAt: z.string().optional(),
  stale: z.boolean().optional(),
  objects: z.array(policyObjectStatusSchema),
});

export const policyLifecycleSchema = z.looseObject({
  ref: z.string().min(1),
  kind: z.enum(['TrafficPolicy', 'AccessPolicy', 'VirtualDestination']),
  namespace: z.string().min(1),
  name: z.string().min(1),
  repository: z.string(),
  path: z.string(),
  destinations: strings,
  owner: z.string().optional(),
  state: policyState,
  request: policyRequestSchema.optional(),
  pullRequest: policyPullRequestSchema.optional(),
  onBranch: z.boolean(),
  clusters: z.array(policyClusterStatusSchema),
  timings: z.looseObject({
    requestedToMerged: z.number().optional(),
    mergedToApplied: z.number().optional(),
    requestedToApplied: z.number().optional(),
  }),
});

export const policyRepositoryStatusSchema = z.looseObject({
  url: z.string(),
  webUrl: z.string(),
  provider: z.enum(['github', 'gitlab']),
  branch: z.string(),
  clusters: strings,
  status: z.enum([
    'ok',
    'never-synced',
    'rate-limited',
    'not-found',
    'unauthorized',
    'error',
  ]),
  message: z.string().optional(),
  lastSyncAt: z.string().optional(),
  commit: z.string().optional(),
  codeOwners: z.enum(['current', 'out-of-date', 'absent', 'unknown']),
  codeOwnersMessage: z.string().optional(),
});

export const policyOrphanSchema = z.looseObject({
  cluster: z.string(),
  apiVersion: z.string(),
  kind: z.string(),
  namespace: z.string(),
  name: z.string(),
  policy: z.string(),
});

export const policiesResponseSchema = z.looseObject({
  repositories: z.array(policyRepositoryStatusSchema),
  items: z.array(policyLifecycleSchema),
  totalCount: z.number().int().min(0),
  counts: z.partialRecord(policyState, z.number().int().min(0)),
  orphans: z.array(policyOrphanSchema),
});
