import type { Entity } from '@backstage/catalog-model';
import {
  MESH_POLICY_ANNOTATION,
  MESH_POLICY_ENTITY_TYPE,
  MESH_POLICY_REPOSITORY_ANNOTATION,
  type PoliciesResponse,
  type PolicyLifecycle,
  type PolicyRepositoryStatus,
} from '@meshport/backstage-plugin-mesh-common';

/** How the refresh's read of `GET /api/mesh/policies` went. */
export type PoliciesAnswer =
  | { status: 'ok'; response: PoliciesResponse }
  /** The mesh backend did not answer usably: every policy entity published before stays. */
  | { status: 'unavailable' }
  /** No policies by design: publishing them is disabled, or the backend has no such route. */
  | { status: 'none' };

/** A policy from this refresh's answer that becomes an entity. */
export interface CurrentPolicy {
  key: string;
  policy: PolicyLifecycle;
  /** Its repository as the answer describes it; absent when the answer does not list it. */
  repository?: PolicyRepositoryStatus;
  /** Why its states may be out of date, for a human; empty when they are current. */
  staleReasons: string[];
}

/** A policy entity published before that stays as it was: its source could not be read. */
export interface RetainedPolicy {
  key: string;
  entity: Entity;
  reason: string;
}

export interface PoliciesView {
  current: CurrentPolicy[];
  retained: RetainedPolicy[];
}

/**
 * A policy's identity: its ref within its repository. Two repositories (say one per group of
 * clusters) may each hold a policy of the same kind, namespace and name.
 */
export function policyKey(repository: string, ref: string): string {
  return `${repository}\u0000${ref}`;
}

/**
 * Whether a policy is something to show in the catalog: it is on the branch, or a pull request
 * still proposes it. A closed pull request's policy never existed, and a merged one no longer on
 * the branch was removed since.
 */
export function isPublishedPolicy(policy: PolicyLifecycle): boolean {
  return policy.onBranch || policy.pullRequest?.state === 'open';
}

/** The provider's policy entities among what it published before, by key. */
export function publishedPolicies(published: Entity[]): Map<string, Entity> {
  const byKey = new Map<string, Entity>();
  for (const entity of published) {
    const annotations = entity.metadata.annotations ?? {};
    const ref = annotations[MESH_POLICY_ANNOTATION];
    const repository = annotations[MESH_POLICY_REPOSITORY_ANNOTATION];
    if (
      entity.kind === 'Resource' &&
      entity.spec?.type === MESH_POLICY_ENTITY_TYPE &&
      ref &&
      repository !== undefined
    ) {
      byKey.set(policyKey(repository, ref), entity);
    }
  }
  return byKey;
}

const UNAVAILABLE_REASON =
  'the mesh backend did not answer for policies: the state is the last one read';

/**
 * Which policies become entities on this refresh, following the provider's rule for services:
 * an outage never removes an entity. When the whole answer is missing every policy entity
 * published before stays; when one repository could not be synced (`status` other than `ok`),
 * the entities of its policies that the answer no longer lists stay (the mesh backend may have
 * restarted during the outage and lost them). A policy goes only when a readable repository no
 * longer holds it (or its pull request closed), or its repository is no longer configured.
 */
export function policiesToView(
  answer: PoliciesAnswer,
  published: Entity[],
): PoliciesView {
  if (answer.status === 'none') return { current: [], retained: [] };
  const previous = publishedPolicies(published);
  if (answer.status === 'unavailable') {
    return {
      current: [],
      retained: [...previous]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([key, entity]) => ({ key, entity, reason: UNAVAILABLE_REASON })),
    };
  }

  const { response } = answer;
  const repositories = new Map(response.repositories.map(r => [r.url, r]));
  const listed = new Set<string>();
  const current: CurrentPolicy[] = [];
  for (const policy of response.items) {
    const key = policyKey(policy.repository, policy.ref);
    // A second item with the same identity would be a second entity with one name's claim;
    // the first one the backend lists stands.
    if (listed.has(key)) continue;
    listed.add(key);
    if (!isPublishedPolicy(policy)) continue;
    const repository = repositories.get(policy.repository);
    current.push({
      key,
      policy,
      repository,
      staleReasons: staleReasons(policy, repository),
    });
  }

  const retained: RetainedPolicy[] = [];
  for (const [key, entity] of previous) {
    if (listed.has(key)) continue;
    const repository = repositories.get(
      entity.metadata.annotations![MESH_POLICY_REPOSITORY_ANNOTATION],
    );
    if (repository && repository.status !== 'ok') {
      retained.push({ key, entity, reason: repositoryReason(repository) });
    }
  }

  const byKey = <T extends { key: string }>(a: T, b: T) =>
    a.key.localeCompare(b.key);
  return { current: current.sort(byKey), retained: retained.sort(byKey) };
}

function repositoryReason(repository: PolicyRepositoryStatus): string {
  const since = repository.lastSyncAt
    ? `states from ${repository.lastSyncAt}`
    : 'never read since the mesh backend started';
  return `policy repository ${repository.webUrl} could not be read (${repository.status}; ${since})`;
}

function staleReasons(
  policy: PolicyLifecycle,
  repository: PolicyRepositoryStatus | undefined,
): string[] {
  const reasons: string[] = [];
  if (repository && repository.status !== 'ok') {
    reasons.push(repositoryReason(repository));
  }
  const stale = policy.clusters.filter(c => c.stale).map(c => c.cluster);
  if (stale.length > 0 && stale.length === policy.clusters.length) {
    reasons.push(
      `${stale.length === 1 ? 'cluster' : 'clusters'} ${stale.join(
        ', ',
      )} unreachable: states judged on the last-known config`,
    );
  }
  return reasons;
}
