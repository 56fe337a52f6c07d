/**
 * Who owns a mesh service. One rule, decided here and computed by the mesh backend; the
 * catalog module, the route permission, the pull-request reviewers and the UI all read the
 * answer the backend serves (`MeshService.ownership`) instead of deciding again.
 *
 * 1. The platform team's configuration (`mesh.ownership.owners`: an entry for the service, else
 *    for its namespace) decides when it names the service: it is the only way to settle a
 *    dispute, so labels that disagree with it are reported, never a conflict.
 * 2. Otherwise the owner label (`meshport.dev/owner`) of the Service, else of its namespace, in
 *    every cluster that runs the service: when every label found names the same owner, that
 *    owner. Labels naming different owners are a conflict, and a conflict resolves to no owner:
 *    the cluster a label sits in (its name sorts first, it was synced first) confers no right
 *    over another cluster's label.
 * 3. No configuration and no label: no owner; the catalog module falls back to its configured
 *    default owner (the platform team).
 *
 * A catalog entity annotated `meshport.dev/service` claims nothing by itself: its claim counts
 * only when its `spec.owner` is the owner resolved here (see {@link claimAgrees}).
 */

/** One statement of who owns a service, and where it was read. */
export interface OwnerClaim {
  /** Full entity ref, e.g. `group:default/bookinfo-team`. */
  owner: string;
  /** `service-label` / `namespace-label`: read in `cluster`; `configuration`: `mesh.ownership.owners`. */
  from: 'service-label' | 'namespace-label' | 'configuration';
  /** The cluster the label was read in; absent for configuration. */
  cluster?: string;
}

/** The resolved owner of a mesh service, with the claims it was resolved from. */
export interface ServiceOwnership {
  /** Full entity ref of the owner; absent when nobody owns it or the claims conflict. */
  owner?: string;
  /** Every claim found, configuration first, then labels by cluster name. */
  claims: OwnerClaim[];
  /** Labels that name different owners with no configuration to settle it. */
  conflict?: { claims: OwnerClaim[] };
}

/** Annotation the catalog module puts on a service's Component while its ownership is in conflict. */
export const MESH_OWNERSHIP_CONFLICT_ANNOTATION =
  'meshport.dev/ownership-conflict';

/**
 * Applies the rule above. Claims must already be full entity refs; `labels` holds at most one
 * claim per cluster (the Service's label, else its namespace's).
 */
export function resolveOwnership(input: {
  configured?: string;
  labels: OwnerClaim[];
}): ServiceOwnership {
  const labels = [...input.labels].sort((a, b) =>
    (a.cluster ?? '').localeCompare(b.cluster ?? ''),
  );
  if (input.configured) {
    return {
      owner: input.configured,
      claims: [{ owner: input.configured, from: 'configuration' }, ...labels],
    };
  }
  // Backstage compares entity refs without regard to case
  const owners = new Set(labels.map(c => c.owner.toLocaleLowerCase('en-US')));
  if (owners.size === 0) return { claims: [] };
  if (owners.size === 1) return { owner: labels[0].owner, claims: labels };
  return { claims: labels, conflict: { claims: labels } };
}

/** `group:default/a (Service label in cluster-1, cluster-2); group:default/b (namespace label in a-dev)` */
export function describeClaims(claims: OwnerClaim[]): string {
  const groups = new Map<string, Map<string, string[]>>();
  for (const claim of claims) {
    const byOrigin = groups.get(claim.owner) ?? new Map<string, string[]>();
    const origin =
      claim.from === 'configuration'
        ? 'mesh.ownership.owners'
        : `${
            claim.from === 'service-label' ? 'Service' : 'namespace'
          } label in`;
    byOrigin.set(origin, [
      ...(byOrigin.get(origin) ?? []),
      ...(claim.cluster ? [claim.cluster] : []),
    ]);
    groups.set(claim.owner, byOrigin);
  }
  return [...groups]
    .map(
      ([owner, byOrigin]) =>
        `${owner} (${[...byOrigin]
          .map(([origin, clusters]) =>
            clusters.length ? `${origin} ${clusters.join(', ')}` : origin,
          )
          .join('; ')})`,
    )
    .join(' vs ');
}

/** The message shown wherever a conflict stops something: what disagrees and how to settle it. */
export function describeOwnershipConflict(
  serviceId: string,
  conflict: { claims: OwnerClaim[] },
): string {
  return `the ownership of mesh service ${serviceId} is in conflict, so it has no owner: ${describeClaims(
    conflict.claims,
  )}. Make the meshport.dev/owner labels agree in every cluster, or have the platform team add the service to mesh.ownership.owners`;
}

/**
 * Whether a catalog entity's `meshport.dev/service` claim counts: only when the entity is
 * owned by the service's resolved owner. An unowned or disputed service accepts no claim, so
 * registering an entity never makes anyone an owner.
 */
export function claimAgrees(
  ownership: ServiceOwnership | undefined,
  entityOwner: string | undefined,
): boolean {
  return (
    !!ownership?.owner &&
    !!entityOwner &&
    ownership.owner.toLocaleLowerCase('en-US') ===
      entityOwner.toLocaleLowerCase('en-US')
  );
}
