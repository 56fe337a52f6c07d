import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { z } from 'zod/v3';
import {
  pinPolicyRepository,
  PolicyRepositorySettings,
} from '../service/policyRepositories';
import { parseInput } from './inputs';

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
  });

/**
 * `meshport:policy:repository` — the first step of every request template: the repository the
 * request names must be one the platform configured (`mesh.policyRepositories`) with a token to
 * open pull requests. Its outputs, not the form's value, feed fetch:plain and the pull request.
 */
export function createPolicyRepositoryAction(
  settings: PolicyRepositorySettings,
) {
  return createTemplateAction({
    id: 'meshport:policy:repository',
    description:
      'Checks that the policy repository a request names is one of mesh.policyRepositories and that its GitHub integration has a token; outputs the repository to fetch and to open the pull request on',
    supportsDryRun: true,
    schema: {
      input: inputSchema,
      output: {
        repoUrl: zod =>
          zod
            .string()
            .describe(
              'The configured repository, for publish:github:pull-request',
            ),
        fetchUrl: zod => zod.string().describe('Its URL, for fetch:plain'),
      },
    },
    async handler(ctx) {
      const { repoUrl } = parseInput(inputSchema(z), ctx.input);
      const pinned = pinPolicyRepository(repoUrl, settings);
      ctx.output('repoUrl', pinned.repoUrl);
      ctx.output('fetchUrl', pinned.fetchUrl);
    },
  });
}
