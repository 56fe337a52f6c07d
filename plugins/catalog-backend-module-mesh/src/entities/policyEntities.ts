import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  ANNOTATION_VIEW_URL,
  Entity,
  EntityLink,
} from '@backstage/catalog-model';
import {
  MESH_POLICY_ANNOTATION,
  MESH_POLICY_CLUSTERS_ANNOTATION,
  MESH_POLICY_ENTITY_TYPE,
  MESH_POLICY_REPOSITORY_ANNOTATION,
  MESH_POLICY_STATE_ANNOTATION,
  MESH_STALE_ANNOTATION,
  MESH_STALE_REASON_ANNOTATION,
  POLICY_CLUSTER_STATES,
  type PolicyClusterState,
  type PolicyLifecycle,
  type PolicyRepositoryStatus,
} from '@meshport/backstage-plugin-mesh-common';
import type { CurrentPolicy, RetainedPolicy } from './policiesView';
import { normalizeOwner } from './resolveOwner';

/** What a policy entity needs from the rest of the refresh. */
export interface PolicyEntityContext {
  /** Backstage namespace of every entity. */
  namespace: string;
  /** Location ref written to `backstage.io/managed-by(-origin)-location`. */
  locationRef: string;
  /** Owner when neither the request nor a destination names one. */
  defaultOwner: string;
  /** The entity standing for a mesh service (`<namespace>/<name>`), if the catalog has one. */
  serviceRef(serviceKey: string): string | undefined;
  /** The owner the mesh backend resolved for a service, if undisputed. */
  serviceOwner(serviceKey: string): string | undefined;
}

/**
 * The `mesh-policy` Resource of a policy: owned by the team that requested it, depending on
 * the entities of its destinations (so the Catalog Graph draws who routes to whom), its state
 * in annotations, and links to its pull request and repository.
 */
export function policyEntity(
  { policy, repository, staleReasons }: CurrentPolicy,
  name: string,
  context: PolicyEntityContext,
): Entity {
  const clusters = [...policy.clusters].sort((a, b) =>
    a.cluster.localeCompare(b.cluster),
  );
  const fileUrl =
    policy.onBranch && repository ? policyFileUrl(repository, policy.path) : '';
  const pullRequestUrl =
    policy.pullRequest && webUrl(policy.pullRequest.url)
      ? policy.pullRequest.url
      : '';
  const viewUrl = fileUrl || pullRequestUrl;
  const dependsOn = [
    ...new Set(
      policy.destinations
        .map(d => context.serviceRef(d))
        .filter((ref): ref is string => !!ref),
    ),
  ];
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name,
      namespace: context.namespace,
      title: `${policy.kind} ${policy.namespace}/${policy.name}`,
      description: describePolicy(policy),
      annotations: {
        [ANNOTATION_LOCATION]: context.locationRef,
        [ANNOTATION_ORIGIN_LOCATION]: context.locationRef,
        [MESH_POLICY_ANNOTATION]: policy.ref,
        [MESH_POLICY_STATE_ANNOTATION]: policy.state,
        ...(clusters.length > 0 && {
          [MESH_POLICY_CLUSTERS_ANNOTATION]: clusters
            .map(c => `${c.cluster}=${c.state}`)
            .join(','),
        }),
        [MESH_POLICY_REPOSITORY_ANNOTATION]: policy.repository,
        ...(viewUrl && { [ANNOTATION_VIEW_URL]: viewUrl }),
        ...(staleReasons.length > 0 && {
          [MESH_STALE_ANNOTATION]: 'true',
          [MESH_STALE_REASON_ANNOTATION]: staleReasons.join('; '),
        }),
      },
      links: policyLinks(policy, repository, fileUrl, pullRequestUrl),
    },
    spec: {
      type: MESH_POLICY_ENTITY_TYPE,
      owner: policyOwner(policy, context),
      dependsOn,
    },
  };
}

/**
 * A policy entity published before, as it was, marked stale with the reason it is kept. The
 * catalog's own fields (uid, etag, generation) are left out: they are not the provider's to
 * write.
 */
export function retainedPolicyEntity(
  { entity, reason }: RetainedPolicy,
  name: string,
): Entity {
  const { uid, etag, generation, ...metadata } = entity.metadata;
  return {
    apiVersion: entity.apiVersion,
    kind: entity.kind,
    metadata: {
      ...metadata,
      name,
      annotations: {
        ...metadata.annotations,
        [MESH_STALE_ANNOTATION]: 'true',
        [MESH_STALE_REASON_ANNOTATION]: reason,
      },
    },
    ...(entity.spec && { spec: entity.spec }),
  };
}

/**
 * The requesting team; else the first destination's resolved owner (the team whose service
 * the policy is about, who approved it); else the configured default, as the catalog requires
 * an owner. A disputed destination names no owner, as for its Component.
 */
function policyOwner(
  policy: PolicyLifecycle,
  context: PolicyEntityContext,
): string {
  const requested = policy.owner ?? policy.request?.team;
  const owner = requested ? normalizeOwner(requested) : undefined;
  if (owner) return owner;
  for (const destination of policy.destinations) {
    const destinationOwner = context.serviceOwner(destination);
    if (destinationOwner) return destinationOwner;
  }
  return context.defaultOwner;
}

const STATE_WORDS: Record<PolicyClusterState, string> = {
  rejected: 'rejected by Istio',
  drifted: 'drifted',
  missing: 'missing',
  pending: 'pending',
  applied: 'applied',
};

/** One sentence a reader of the catalog understands without the Policies page. */
export function describePolicy(policy: PolicyLifecycle): string {
  const subject = `${policy.kind} ${policy.namespace}/${policy.name}${
    policy.destinations.length > 0
      ? ` for ${policy.destinations.join(', ')}`
      : ''
  }`;
  if (!policy.onBranch) {
    const pr = policy.pullRequest;
    return `${subject}: requested${
      pr ? ` in pull request #${pr.number}` : ''
    }, not merged yet`;
  }
  if (policy.state === 'unknown') {
    return `${subject}: on the branch; state unknown, no cluster it renders for has synced`;
  }
  if (policy.clusters.length === 0) {
    return `${subject}: on the branch, rendered for no cluster`;
  }
  // Worst first, the order the contract lists cluster states in.
  const parts = POLICY_CLUSTER_STATES.map(state => ({
    state,
    clusters: policy.clusters
      .filter(c => c.state === state)
      .map(c => c.cluster)
      .sort(),
  }))
    .filter(p => p.clusters.length > 0)
    .map(p => `${STATE_WORDS[p.state]} in ${p.clusters.join(', ')}`);
  return `${subject}: ${parts.join('; ')}`;
}

function policyLinks(
  policy: PolicyLifecycle,
  repository: PolicyRepositoryStatus | undefined,
  fileUrl: string,
  pullRequestUrl: string,
): EntityLink[] {
  const links: EntityLink[] = [];
  const pr = policy.pullRequest;
  if (pr && pullRequestUrl) {
    links.push({
      url: pullRequestUrl,
      title:
        repository?.provider === 'gitlab'
          ? `Merge request !${pr.number} (${pr.state})`
          : `Pull request #${pr.number} (${pr.state})`,
    });
  }
  if (fileUrl) {
    links.push({ url: fileUrl, title: `Policy file on ${repository!.branch}` });
  }
  if (repository && webUrl(repository.webUrl)) {
    links.push({ url: repository.webUrl, title: 'Policy repository' });
  }
  return links;
}

/** Only http(s) addresses become links: anything else from an SCM is not shown. */
function webUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}

/**
 * The policy file's page on the branch: GitHub's `<repo>/blob/<branch>/<path>`
 * (https://docs.github.com/en/repositories/working-with-files/using-files/getting-permanent-links-to-files),
 * GitLab's `<project>/-/blob/<branch>/<path>`. Each segment is encoded, as a branch may hold
 * a `/` and a path any character.
 */
export function policyFileUrl(
  repository: PolicyRepositoryStatus,
  path: string,
): string {
  if (!webUrl(repository.webUrl) || !path) return '';
  const segments = (value: string) =>
    value.split('/').filter(Boolean).map(encodeURIComponent).join('/');
  const base = repository.webUrl.replace(/\/+$/, '');
  const blob = repository.provider === 'gitlab' ? '-/blob' : 'blob';
  return `${base}/${blob}/${segments(repository.branch)}/${segments(path)}`;
}
