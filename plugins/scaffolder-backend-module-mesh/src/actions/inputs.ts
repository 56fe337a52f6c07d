import { InputError } from '@backstage/errors';
import {
  DNS1123_LABEL_MAX_LENGTH,
  DNS1123_LABEL_PATTERN,
} from '@meshport/backstage-plugin-mesh-common';
import { z } from 'zod/v3';

/**
 * Input pieces shared by the actions. The scaffolder checks inputs against the JSON schema made
 * from these; the handlers parse them again with zod, so a direct call (or a test) gets the same
 * bounds and the same messages. Content rules (DNS-1123 names, durations, weights) belong to
 * mesh-policy's schema and are checked there, once; the shape of `<namespace>/<name>` is
 * mesh-common's label pattern, which the JSON schema's `pattern` can carry.
 */
const SERVICE_REF_MAX_LENGTH = 2 * DNS1123_LABEL_MAX_LENGTH + 1;

export const serviceInput = (zod: typeof z) =>
  zod
    .string({ required_error: 'service is required: <namespace>/<name>' })
    .max(SERVICE_REF_MAX_LENGTH, {
      message: `service must be at most ${SERVICE_REF_MAX_LENGTH} characters`,
    })
    .regex(new RegExp(`^${DNS1123_LABEL_PATTERN}/${DNS1123_LABEL_PATTERN}$`), {
      message:
        'service must be <namespace>/<name> of a Kubernetes Service (lower-case letters, digits and "-"), e.g. bookinfo/reviews',
    })
    .describe('The destination service, <namespace>/<name>');

export const nameInput = (zod: typeof z) =>
  zod
    .string()
    .max(63, { message: 'name must be at most 63 characters' })
    .optional()
    .describe(
      'Name of the policy (a DNS-1123 label); derived from the request when empty',
    );

export const repositoryPathInput = (zod: typeof z) =>
  zod
    .string()
    .max(200)
    .optional()
    .describe(
      'Workspace folder holding the policy repository, where fetch:plain put it (default policy-repo)',
    );

export const repoUrlInput = (zod: typeof z) =>
  zod
    .string()
    .max(500)
    .optional()
    .describe(
      'The policy repository, as meshport:policy:repository outputs it (repoUrl); requests naming the same one share the compile work kept between requests',
    );

export const outputPathInput = (zod: typeof z) =>
  zod
    .string()
    .max(200)
    .optional()
    .describe(
      'Fresh workspace folder receiving the files of the pull request (default pull-request); pass it to publish:github:pull-request as sourcePath',
    );

export const reasonInput = (zod: typeof z) =>
  zod
    .string()
    .max(2000, { message: 'reason must be at most 2000 characters' })
    .refine(v => !hasControlCharacter(v), {
      message: 'reason must not contain control characters',
    })
    .optional()
    .describe('Why the change is needed, quoted in the pull request body');

export const DEFAULT_REPOSITORY_PATH = 'policy-repo';
export const DEFAULT_OUTPUT_PATH = 'pull-request';

/** The outputs every meshport:policy:* action sets, for publish:github:pull-request. */
export const requestOutputs = {
  policyPath: (zod: typeof z) =>
    zod.string().describe('Repository path of the new policy'),
  sourcePath: (zod: typeof z) =>
    zod
      .string()
      .describe(
        'Workspace folder holding exactly the pull request files (publish sourcePath)',
      ),
  files: (zod: typeof z) =>
    zod.array(zod.string()).describe('Repository paths added or changed'),
  filesToDelete: (zod: typeof z) =>
    zod
      .array(zod.string())
      .describe('Rendered files no policy produces any more'),
  clusters: (zod: typeof z) =>
    zod.array(zod.string()).describe('Clusters whose resources change'),
  title: (zod: typeof z) => zod.string().describe('Pull request title'),
  description: (zod: typeof z) =>
    zod.string().describe('Pull request body (Markdown)'),
  branchName: (zod: typeof z) =>
    zod.string().describe('Branch name, stable for the same policy'),
  reviewers: (zod: typeof z) =>
    zod
      .array(zod.string())
      .describe(
        'GitHub logins of the destination owner (a User), or GitLab usernames of the owner or its members',
      ),
  teamReviewers: (zod: typeof z) =>
    zod
      .array(zod.string())
      .describe(
        "GitHub team slugs of the destination's owning Group; empty on GitLab",
      ),
  destinationEntityRef: (zod: typeof z) =>
    zod.string().describe('Catalog entity standing for the destination'),
};

/** Parses action input with its zod schema; problems become one InputError naming each field. */
export function parseInput<T extends z.ZodTypeAny>(
  schema: T,
  input: unknown,
): z.output<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new InputError(
    `invalid input:\n${result.error.issues
      .slice(0, 20)
      .map(i => `- ${i.path.join('.') || 'input'}: ${i.message}`)
      .join('\n')}`,
  );
}

/** Newlines and tabs are fine in free text; other control characters only hide things. */
function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if ((code < 0x20 && code !== 0x0a && code !== 0x09) || code === 0x7f) {
      return true;
    }
  }
  return false;
}
