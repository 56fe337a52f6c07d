import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { z } from 'zod/v3';
import {
  pinPolicyRepository,
  PolicyRepositorySettings,
} from '../service/policyRepositories';
import {
  copySnapshotBranch,
  findSnapshotBranch,
} from '../service/repositorySnapshot';
import { DEFAULT_REPOSITORY_PATH, parseInput } from './inputs';

const inputSchema = (zod: typeof z) =>
  zod.object({
    repoUrl: zod
      .string({
        required_error:
          'repoUrl is required: the policy repository, <host>?owner=<owner>&repo=<repo>',
      })
      .max(500)
      .describe(
        'The policy repository the form chose, <host>?owner=<owner>&repo=<repo>',
      ),
    targetPath: zod
      .string()
      .max(200)
      .optional()
      .describe(
        `Where fetch:plain puts the repository (default ${DEFAULT_REPOSITORY_PATH}); without credentials, the SCM snapshot's copy of the branch goes there instead`,
      ),
  });

/**
 * `meshport:policy:repository` — the first step of every request template: the repository the
 * request names must be one the platform configured (`mesh.policyRepositories`). Its outputs,
 * not the form's value, feed fetch:plain and the publish step. When the repository's host has
 * no credentials the request is not refused: `canPublish` is false, the publish step is skipped
 * and the task ends with `previewMessage`; if the SCM snapshot holds the repository (the demo),
 * its branch is copied into `targetPath` and `fetched` tells the template to skip fetch:plain.
 */
export function createPolicyRepositoryAction(
  settings: PolicyRepositorySettings,
) {
  return createTemplateAction({
    id: 'meshport:policy:repository',
    description:
      'Checks that the policy repository a request names is one of mesh.policyRepositories; outputs the repository to fetch and to open the pull (GitHub) or merge (GitLab) request on, and whether its host has the credentials to open one',
    supportsDryRun: true,
    schema: {
      input: inputSchema,
      output: {
        repoUrl: zod =>
          zod
            .string()
            .describe('The configured repository, for the publish step'),
        fetchUrl: zod =>
          zod
            .string()
            .describe("The configured branch's tree, for fetch:plain"),
        provider: zod =>
          zod
            .enum(['github', 'gitlab'])
            .describe('Which publish step opens the request'),
        branch: zod =>
          zod
            .string()
            .describe('The configured branch: the request targets it'),
        webUrl: zod => zod.string().describe("The repository's web page"),
        canPublish: zod =>
          zod
            .boolean()
            .describe(
              'False when the host has no credentials: the publish step is skipped',
            ),
        previewMessage: zod =>
          zod
            .string()
            .describe(
              'Markdown: what would be opened where and how to configure a token; empty when canPublish',
            ),
        fetched: zod =>
          zod
            .boolean()
            .describe(
              "True when the SCM snapshot's copy of the branch is already in targetPath",
            ),
      },
    },
    async handler(ctx) {
      const { repoUrl, targetPath } = parseInput(inputSchema(z), ctx.input);
      const pinned = pinPolicyRepository(repoUrl, settings);
      let fetched = false;
      if (!pinned.canPublish && settings.snapshot) {
        const branch = await findSnapshotBranch(
          settings.snapshot,
          pinned.repository,
        );
        if (branch) {
          const relative = targetPath || DEFAULT_REPOSITORY_PATH;
          let target: string;
          try {
            target = resolveSafeChildPath(ctx.workspacePath, relative);
          } catch {
            throw new InputError(
              `targetPath "${relative}" is outside the task workspace; use a relative folder such as ${DEFAULT_REPOSITORY_PATH}`,
            );
          }
          const files = await copySnapshotBranch(branch, target);
          ctx.logger.info(
            `No credentials for ${pinned.repository.host}: rendering against the SCM snapshot's copy of ${pinned.repoUrl} (${files} files), nothing will be published`,
          );
          fetched = true;
        }
      }
      ctx.output('repoUrl', pinned.repoUrl);
      ctx.output('fetchUrl', pinned.fetchUrl);
      ctx.output('provider', pinned.repository.provider);
      ctx.output('branch', pinned.repository.branch);
      ctx.output('webUrl', pinned.repository.webUrl);
      ctx.output('canPublish', pinned.canPublish);
      ctx.output('previewMessage', pinned.previewMessage);
      ctx.output('fetched', fetched);
    },
  });
}
