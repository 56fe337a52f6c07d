import type {
  AuthService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  entityOwnerRef,
  MESH_SERVICE_ANNOTATION,
  standingEntity,
  type Fleet,
} from '@meshport/backstage-plugin-mesh-common';
import {
  needsGitlabMembers,
  ownerCodeOwners,
  type PolicyRepositoryConfig,
} from '@meshport/backstage-plugin-mesh-node';
import type {
  BranchSnapshot,
  PolicyPullRequestRecord,
} from '@meshport/backstage-plugin-mesh-policy';
import {
  compareCodeOwners,
  repositoryServices,
  uncomparedCodeOwners,
  type CodeOwnersCheck,
  type OwnersFile,
} from './codeOwnersCheck';

const isEntity = (e: Entity | null | undefined): e is Entity => !!e;

/**
 * Each service's owners as CODEOWNERS names them, from the catalog: the entity standing for the
 * service (mesh-common's `standingEntity` with the fleet's ownership, the rule the scaffolder
 * asks reviewers by), its owner, and the owner's SCM identities. A service no entity stands
 * for, whose ownership the clusters dispute, or whose owner has no identity gets none: the
 * default owners own it. Three catalog reads at most, whatever the number of services.
 */
export async function catalogServiceOwners(options: {
  catalog: CatalogService;
  credentials: BackstageCredentials;
  fleet: Fleet;
  services: readonly string[];
  repository: Pick<PolicyRepositoryConfig, 'provider' | 'host'>;
}): Promise<Record<string, string[]>> {
  const { catalog, credentials, fleet, services, repository } = options;
  const result: Record<string, string[]> = Object.fromEntries(
    services.map(s => [s, [] as string[]]),
  );
  if (services.length === 0) return result;
  const { items } = await catalog.getEntities(
    {
      filter: {
        [`metadata.annotations.${MESH_SERVICE_ANNOTATION}`]: [...services],
      },
      fields: ['kind', 'metadata', 'spec.owner'],
    },
    { credentials },
  );
  const claims = new Map<string, Entity[]>();
  for (const entity of items.filter(isEntity)) {
    const id = entity.metadata.annotations?.[MESH_SERVICE_ANNOTATION]?.trim();
    if (id) claims.set(id, [...(claims.get(id) ?? []), entity]);
  }
  const ownership = new Map(
    fleet.services.map(s => [`${s.namespace}/${s.name}`, s.ownership]),
  );
  const ownerOf = new Map<string, string>();
  for (const service of services) {
    const own = ownership.get(service);
    if (own?.conflict) continue;
    const entity = standingEntity(claims.get(service) ?? [], own);
    const ownerRef = entity && entityOwnerRef(entity);
    if (ownerRef) ownerOf.set(service, ownerRef);
  }
  const ownerRefs = [...new Set(ownerOf.values())].sort();
  if (ownerRefs.length === 0) return result;
  const { items: found } = await catalog.getEntitiesByRefs(
    { entityRefs: ownerRefs, fields: ['kind', 'metadata'] },
    { credentials },
  );
  const owners = new Map(ownerRefs.map((ref, i) => [ref, found[i]]));
  const members = new Map<string, Entity[]>();
  const groups = ownerRefs.filter(ref =>
    needsGitlabMembers(owners.get(ref), repository),
  );
  if (groups.length > 0) {
    const { items: users } = await catalog.getEntities(
      {
        filter: { kind: 'User', 'relations.memberOf': groups },
        fields: ['kind', 'metadata', 'relations'],
      },
      { credentials },
    );
    for (const user of users.filter(isEntity))
      for (const r of user.relations ?? [])
        if (r.type === 'memberOf' && groups.includes(r.targetRef))
          members.set(r.targetRef, [...(members.get(r.targetRef) ?? []), user]);
  }
  for (const [service, ownerRef] of ownerOf)
    result[service] = ownerCodeOwners(
      owners.get(ownerRef) ?? undefined,
      repository,
      members.get(ownerRef),
    );
  return result;
}

export interface CatalogCodeOwnersOptions {
  catalog: CatalogService;
  auth: AuthService;
  fleet: () => Promise<Fleet>;
  /** `mesh.policyLifecycle.codeOwners.defaultOwners`; unset, nothing is compared. */
  defaultOwners?: string[];
}

/**
 * The sync's CODEOWNERS check of one repository: the owners the catalog asks for (read with
 * the plugin's own credentials, so every service counts), compared with the file the SCM reads.
 */
export function catalogCodeOwners(options: CatalogCodeOwnersOptions) {
  return async (
    repository: PolicyRepositoryConfig,
    branch: BranchSnapshot,
    pullRequests: readonly PolicyPullRequestRecord[],
  ): Promise<CodeOwnersCheck> => {
    const { defaultOwners } = options;
    if (!defaultOwners) return uncomparedCodeOwners(repository, branch);
    const credentials = await options.auth.getOwnServiceCredentials();
    const services = await catalogServiceOwners({
      catalog: options.catalog,
      credentials,
      fleet: await options.fleet(),
      services: repositoryServices(branch, pullRequests),
      repository,
    });
    const owners: OwnersFile = {
      provider: repository.provider,
      default: defaultOwners,
      services,
    };
    return compareCodeOwners(repository, branch, owners);
  };
}
