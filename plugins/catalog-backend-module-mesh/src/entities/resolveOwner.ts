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

export interface OwnerPolicy {
  /** Kubernetes namespace → owner. */
  owners: Record<string, string>;
  defaultOwner: string;
}

/**
 * The owner of a mesh service: the owner label found on the Service or its
 * namespace, else the configured owner of its namespace, else the default.
 * An unparseable value falls through to the next source rather than failing
 * the whole refresh.
 */
export function resolveOwner(
  service: { namespace: string; owner?: string },
  policy: OwnerPolicy,
): string {
  const candidates = [
    service.owner,
    policy.owners[service.namespace],
    policy.defaultOwner,
  ];
  for (const candidate of candidates) {
    const owner = candidate ? normalizeOwner(candidate) : undefined;
    if (owner) {
      return owner;
    }
  }
  // The default is validated when config is read, so this is a programming error.
  throw new Error(`Invalid default owner "${policy.defaultOwner}"`);
}
