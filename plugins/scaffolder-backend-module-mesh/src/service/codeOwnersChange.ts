import {
  CodeOwnersProvider,
  parseCodeOwners,
  updateCodeOwnersFor,
} from '@meshport/backstage-plugin-mesh-policy';

/**
 * Where each SCM reads CODEOWNERS, in the order it looks: only the first file found counts.
 * GitHub: `.github/`, the root, `docs/`
 * (https://docs.github.com/en/repositories/managing-your-repositorys-settings-and-features/customizing-your-repository/about-code-owners#codeowners-file-location);
 * GitLab: the root, `docs/`, `.gitlab/` (ee/lib/gitlab/code_owners.rb `FILE_PATHS`,
 * https://gitlab.com/gitlab-org/gitlab/-/issues/219916).
 */
export const CODEOWNERS_LOCATIONS: Record<CodeOwnersProvider, string[]> = {
  github: ['.github/CODEOWNERS', 'CODEOWNERS', 'docs/CODEOWNERS'],
  gitlab: ['CODEOWNERS', 'docs/CODEOWNERS', '.gitlab/CODEOWNERS'],
};

export type CodeOwnersChange =
  /** The file as the request leaves it; unchanged when the rules were already current. */
  | { path: string; content: string; changed: boolean }
  /** Why the request leaves CODEOWNERS alone, for its description. */
  | { note: string };

/**
 * CODEOWNERS as a request for a destination service leaves it: its folders' rules set to the
 * owners' SCM identities, the rest of the file as written (mesh-policy's `updateCodeOwnersFor`),
 * so the destination's owners are required on the next change where the repository requires
 * code-owner review. Pure: `files` is the repository's CODEOWNERS by location.
 *
 * A repository without CODEOWNERS is left without one: who owns everything else (its `*` rule)
 * is the platform's choice (`meshport-policy codeowners` writes the file). Owners without an SCM
 * identity get the file's default owners, as in `meshport-policy codeowners`.
 */
export function codeOwnersChange(options: {
  provider: CodeOwnersProvider;
  files: Record<string, string | undefined>;
  namespace: string;
  service: string;
  owners: readonly string[];
}): CodeOwnersChange {
  const { provider, files, namespace, service, owners } = options;
  const path = CODEOWNERS_LOCATIONS[provider].find(p => files[p] !== undefined);
  if (!path) {
    return {
      note: `CODEOWNERS was not changed: the repository has none, so nothing makes ${namespace}/${service}'s owners' review required. Write it with \`meshport-policy codeowners\` (the platform's default owners first), then require code-owner review on the branch.`,
    };
  }
  const current = files[path]!;
  // The default owners are the file's: its last `*` rule, the one that applies.
  const defaults =
    parseCodeOwners(current)
      .filter(r => r.pattern === '*')
      .pop()?.owners ?? [];
  if (owners.length === 0 && defaults.length === 0) {
    return {
      note: `${path} was not changed: the catalog knows no ${
        provider === 'gitlab' ? 'GitLab' : 'GitHub'
      } identity for ${namespace}/${service}'s owners and the file names no default owners (a \`*\` rule).`,
    };
  }
  let content: string;
  try {
    content = updateCodeOwnersFor(
      current,
      { namespace, service, owners },
      { provider, defaultOwners: defaults },
    );
  } catch (e) {
    return { note: `${path} was not changed: ${(e as Error).message}.` };
  }
  return { path, content, changed: content !== current };
}
