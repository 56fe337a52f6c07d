import type { PolicyRepositoryProvider } from '@meshport/backstage-plugin-mesh-common';

/** The GitHub team of a Group, `<org>/<team>`; a pull request asks for the `<team>` part. */
export const TEAM_SLUG_ANNOTATION = 'github.com/team-slug';
/** The GitHub login of a User, for a service owned by one person. */
export const USER_LOGIN_ANNOTATION = 'github.com/user-login';
/**
 * What Backstage's GitLab org provider writes on a User: `<host>/user-login`, the user's web
 * page (`https://<host>/<username>`); on a Group: `<host>/team-path`, its full path
 * (plugins/catalog-backend-module-gitlab, GitlabOrgDiscoveryEntityProvider).
 */
export const gitlabUserLoginAnnotation = (host: string) => `${host}/user-login`;
export const gitlabTeamPathAnnotation = (host: string) => `${host}/team-path`;

/** A group's members named in its place on GitLab: at most this many. */
export const MAX_GITLAB_MEMBERS = 20;

const GITLAB_USERNAME = /^[A-Za-z0-9_.-]{1,255}$/;

/** What of a catalog entity (User or Group) tells its SCM identity: a structural `Entity`. */
export interface IdentityEntity {
  kind: string;
  metadata: { annotations?: Record<string, string> };
}

/** The SCM a policy repository lives on. */
export interface IdentityScm {
  provider: PolicyRepositoryProvider;
  host: string;
}

/** The username in `<host>/user-login`: the last segment of the user's web page, or the value itself. */
export function gitlabUsername(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const login = value.trim().replace(/\/+$/, '').split('/').pop() ?? '';
  return GITLAB_USERNAME.test(login) ? login : undefined;
}

const isKind = (entity: IdentityEntity | undefined, kind: string) =>
  entity?.kind.toLowerCase() === kind;

/** A GitLab group's full path from its `<host>/team-path` annotation. */
export function gitlabTeamPath(
  entity: IdentityEntity | undefined,
  host: string,
): string | undefined {
  if (!isKind(entity, 'group')) return undefined;
  return (
    entity?.metadata.annotations?.[gitlabTeamPathAnnotation(host)]?.trim() ||
    undefined
  );
}

/** The GitLab usernames of a group's members, sorted, at most MAX_GITLAB_MEMBERS. */
export function gitlabMemberUsernames(
  members: readonly IdentityEntity[],
  host: string,
): string[] {
  const annotation = gitlabUserLoginAnnotation(host);
  return [
    ...new Set(
      members
        .map(u => gitlabUsername(u.metadata?.annotations?.[annotation]))
        .filter((l): l is string => !!l),
    ),
  ]
    .sort()
    .slice(0, MAX_GITLAB_MEMBERS);
}

/**
 * An owner's SCM identities as CODEOWNERS names them. GitHub: a Group's `github.com/team-slug`
 * as `@org/team` (CODEOWNERS names a team with its organisation:
 * https://docs.github.com/en/repositories/managing-your-repositorys-settings-and-features/customizing-your-repository/about-code-owners#codeowners-syntax),
 * a User's `github.com/user-login` as `@login`. GitLab: a Group's full path `@group/subgroup`,
 * else its members' usernames (pass them as `members`), a User's `@username`
 * (https://docs.gitlab.com/user/project/codeowners/reference/). Empty when the catalog knows
 * none: the default owners then own the service's folders.
 */
export function ownerCodeOwners(
  owner: IdentityEntity | undefined,
  scm: IdentityScm,
  members: readonly IdentityEntity[] = [],
): string[] {
  if (!owner) return [];
  const annotations = owner.metadata.annotations ?? {};
  if (scm.provider === 'gitlab') {
    if (isKind(owner, 'user')) {
      const login = gitlabUsername(
        annotations[gitlabUserLoginAnnotation(scm.host)],
      );
      return login ? [`@${login}`] : [];
    }
    if (!isKind(owner, 'group')) return [];
    const path = gitlabTeamPath(owner, scm.host);
    return path
      ? [`@${path}`]
      : gitlabMemberUsernames(members, scm.host).map(l => `@${l}`);
  }
  const slug = annotations[TEAM_SLUG_ANNOTATION]?.trim();
  const login = annotations[USER_LOGIN_ANNOTATION]?.trim();
  // a slug without its organisation names no team CODEOWNERS can address
  if (isKind(owner, 'group')) return slug?.includes('/') ? [`@${slug}`] : [];
  if (isKind(owner, 'user')) return login ? [`@${login}`] : [];
  return [];
}

/** Whether CODEOWNERS of a GitLab repository needs the members of this owner (a group without its path). */
export function needsGitlabMembers(
  owner: IdentityEntity | undefined,
  scm: IdentityScm,
): boolean {
  return (
    scm.provider === 'gitlab' &&
    isKind(owner, 'group') &&
    !gitlabTeamPath(owner, scm.host)
  );
}
