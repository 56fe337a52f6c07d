import {
  makeValidator,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';

const validator = makeValidator();

/**
 * Turns an owner as people write it (`team-a`, `group:team-a`,
 * `user:default/jane`) into a full entity ref. Without this, a bare `team-a`
 * would resolve against the entity's own namespace, which is wrong whenever
 * the provider publishes outside `default`.
 */
export function normalizeOwner(owner: string): string | undefined {
  try {
    const ref = parseEntityRef(owner.trim(), {
      defaultKind: 'group',
      defaultNamespace: 'default',
    });
    // parseEntityRef splits without validating the parts.
    const valid =
      validator.isValidKind(ref.kind) &&
      validator.isValidNamespace(ref.namespace) &&
      validator.isValidEntityName(ref.name);
    return valid ? stringifyEntityRef(ref) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The owner of a service's Component: the owner the mesh backend resolved (see
 * `resolveOwnership` in mesh-common), else the configured default. A disputed service has no
 * owner; it gets the default only because a Component must name one, and is marked with the
 * conflict annotation, which the route permission refuses.
 */
export function resolveOwner(
  service: { owner?: string; ownershipConflict?: string },
  defaultOwner: string,
): string {
  const owner =
    service.owner && !service.ownershipConflict
      ? normalizeOwner(service.owner)
      : undefined;
  return owner ?? defaultOwner;
}
