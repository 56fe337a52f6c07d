import {
  DNS1123_LABEL_MAX_LENGTH,
  DNS1123_LABEL_REGEX,
} from '@meshport/backstage-plugin-mesh-common';
import { compareStrings } from '../diagnostics';

/**
 * CODEOWNERS of a policy repository, made from the catalog: the destination's owners own its
 * folders (`policies/<ns>/<service>/`, `rendered/<cluster>/<ns>/<service>/`, render.ts), so a
 * repository requiring code-owner review cannot merge a change to a service's policies without
 * them.
 *
 * One syntax serves GitHub and GitLab. Both read the rules top to bottom and the last matching
 * rule wins (https://docs.github.com/en/repositories/managing-your-repositorys-settings-and-features/customizing-your-repository/about-code-owners,
 * https://docs.gitlab.com/user/project/codeowners/reference/), hence the default `*` first.
 * `*` in the middle of a pattern stands for one folder, any cluster: GitHub follows gitignore,
 * where "an asterisk matches anything except a slash" (https://git-scm.com/docs/gitignore);
 * GitLab matches with `File.fnmatch` and `FNM_PATHNAME`, the same rule
 * (https://docs.gitlab.com/user/project/codeowners/advanced/#pattern-matching). A pattern
 * ending in `/` covers everything below the folder in both. GitLab's sections are optional:
 * without any, the file is one unnamed section, so none are written.
 */

export type CodeOwnersProvider = 'github' | 'gitlab';

/** One service and the SCM identities of its owners: `@org/team`, `@user`. */
export interface ServiceCodeOwners {
  namespace: string;
  service: string;
  /** Empty when the catalog knows no SCM identity for the owner: the default owners get it. */
  owners: readonly string[];
}

export interface CodeOwnersInput {
  provider: CodeOwnersProvider;
  /** Owners of everything no service rule covers, and of CODEOWNERS itself: the platform. */
  defaultOwners: readonly string[];
  services: readonly ServiceCodeOwners[];
}

export const CODEOWNERS_HEADER = [
  '# Maintained by Meshport from the software catalog: each service owns its policies and',
  '# rendered objects. Edit owners in the catalog, not here; `meshport-policy check --owners`',
  '# fails while this file differs from what `meshport-policy codeowners` writes.',
  '# The last matching rule wins, so the default owners come first.',
];

/** The patterns of one service's folders, the policies' first. */
export function servicePatterns(namespace: string, service: string): string[] {
  return [
    `/policies/${namespace}/${service}/`,
    `/rendered/*/${namespace}/${service}/`,
  ];
}

/** Service key as the check names it. */
export const serviceKey = (s: { namespace: string; service: string }) =>
  `${s.namespace}/${s.service}`;

const OWNER = {
  // GitHub: a user (letters, digits, single hyphens, at most 39) or an organization's team.
  github:
    /^@[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\/[A-Za-z0-9][A-Za-z0-9_.-]*)?$/,
  // GitLab: a user, or a group with any depth of subgroups.
  gitlab: /^@[A-Za-z0-9_][A-Za-z0-9_.-]*(?:\/[A-Za-z0-9_][A-Za-z0-9_.-]*)*$/,
};

const OWNER_FORM = {
  github: '"@org/team" or "@user"',
  gitlab: '"@group", "@group/subgroup" or "@user"',
};

/** Refuses an owner the provider's CODEOWNERS cannot name; `where` says whose it is. */
export function checkOwner(
  provider: CodeOwnersProvider,
  owner: string,
  where: string,
): void {
  if (!OWNER[provider].test(owner))
    throw new Error(
      `${where}: "${owner}" is not an owner ${
        provider === 'github' ? 'GitHub' : 'GitLab'
      } CODEOWNERS can name: write ${OWNER_FORM[provider]}`,
    );
}

function checkName(value: string, what: string, where: string): void {
  // Kubernetes names never hold what CODEOWNERS patterns treat specially (spaces, `#`, `!`,
  // `[ ]`, `*`): a name that does is no service of the mesh.
  if (
    value.length > DNS1123_LABEL_MAX_LENGTH ||
    !DNS1123_LABEL_REGEX.test(value)
  )
    throw new Error(
      `${where}: the ${what} "${value}" is not a Kubernetes name (lower-case letters, digits and "-"), so no CODEOWNERS rule can be written for it`,
    );
}

/** The owners a rule names: the service's, deduplicated, or the default owners when it has none. */
export function ownersOf(
  provider: CodeOwnersProvider,
  s: ServiceCodeOwners,
  defaultOwners: readonly string[],
): string[] {
  const where = `the owners of ${serviceKey(s)}`;
  checkName(s.namespace, 'namespace', where);
  checkName(s.service, 'service', where);
  for (const o of s.owners) checkOwner(provider, o, where);
  // An empty rule would mean "no owner" on GitHub: the platform owns what the catalog cannot name.
  return s.owners.length > 0 ? [...new Set(s.owners)] : [...defaultOwners];
}

/** Refuses default owners CODEOWNERS cannot name, or none at all. */
export function checkDefaultOwners(
  provider: CodeOwnersProvider,
  defaultOwners: readonly string[],
): void {
  if (defaultOwners.length === 0)
    throw new Error(
      'the default owners are empty: name the platform team (e.g. "@acme/platform"), which owns CODEOWNERS and everything no service rule covers',
    );
  for (const o of defaultOwners) checkOwner(provider, o, 'the default owners');
}

/** The lines of one service's rules. */
export function serviceLines(
  provider: CodeOwnersProvider,
  s: ServiceCodeOwners,
  defaultOwners: readonly string[],
): string[] {
  const owners = ownersOf(provider, s, defaultOwners).join(' ');
  return servicePatterns(s.namespace, s.service).map(p => `${p} ${owners}`);
}

/** The CODEOWNERS text for a policy repository; throws on a name or owner it cannot express. */
export function renderCodeOwners(input: CodeOwnersInput): string {
  const { provider, defaultOwners } = input;
  checkDefaultOwners(provider, defaultOwners);
  const seen = new Map<string, ServiceCodeOwners>();
  for (const s of input.services) {
    const key = serviceKey(s);
    const first = seen.get(key);
    if (first)
      throw new Error(
        `${key} is listed twice (owners ${
          first.owners.join(' ') || 'none'
        }, then ${
          s.owners.join(' ') || 'none'
        }): a service has one set of owners; fix the catalog so that one component claims it`,
      );
    seen.set(key, s);
  }
  const services = [...seen.values()].sort((a, b) =>
    compareStrings(serviceKey(a), serviceKey(b)),
  );
  const defaults = defaultOwners.join(' ');
  return `${[
    ...CODEOWNERS_HEADER,
    '',
    `* ${defaults}`,
    `/CODEOWNERS ${defaults}`,
    ...services.flatMap(s => ['', ...serviceLines(provider, s, defaultOwners)]),
  ].join('\n')}\n`;
}
