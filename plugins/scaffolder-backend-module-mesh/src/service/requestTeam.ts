import {
  Entity,
  parseEntityRef,
  RELATION_MEMBER_OF,
  stringifyEntityRef,
} from '@backstage/catalog-model';

/**
 * The groups the requester belongs to, as entity refs, sorted: the catalog's `memberOf`
 * relations of the user entity the scaffolder hands the action, else its `spec.memberOf`
 * (an entity not yet processed has no relations). What is not a Group ref is left out.
 */
export function requesterGroups(user: Entity | undefined): string[] {
  if (!user) return [];
  const fromRelations = (user.relations ?? [])
    .filter(r => r.type === RELATION_MEMBER_OF)
    .map(r => r.targetRef);
  const raw =
    fromRelations.length > 0
      ? fromRelations
      : ((user.spec?.memberOf as unknown[] | undefined) ?? []).filter(
          (r): r is string => typeof r === 'string',
        );
  const refs = raw.flatMap(ref => {
    try {
      const parsed = parseEntityRef(ref, {
        defaultKind: 'group',
        defaultNamespace: user.metadata.namespace ?? 'default',
      });
      return parsed.kind.toLowerCase() === 'group'
        ? [stringifyEntityRef(parsed)]
        : [];
    } catch {
      return [];
    }
  });
  return [...new Set(refs)].sort();
}

/**
 * The team a request is made for, recorded in its marker and shown as the policy's owner: the
 * requester's group that owns the destination (a route's requester must be one, see
 * `mesh.route.request`), else the requester's first group (an access grant is asked by the
 * caller's team), else none.
 */
export function requestTeam(
  groups: string[],
  destinationOwnerRef: string,
): string | undefined {
  return groups.includes(destinationOwnerRef) ? destinationOwnerRef : groups[0];
}
