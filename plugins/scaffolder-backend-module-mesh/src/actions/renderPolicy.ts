import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { z } from 'zod/v3';
import type { MeshActionDeps } from '../service/renderPolicyRequest';
import { runPolicyRequest } from './runPolicyRequest';
import {
  outputPathInput,
  parseInput,
  reasonInput,
  repoUrlInput,
  repositoryPathInput,
  requestOutputs,
} from './inputs';
import { examples } from './renderPolicy.examples';

const inputSchema = (zod: typeof z) =>
  zod.object({
    policy: zod
      .record(zod.unknown(), {
        required_error:
          'policy is required: a Meshport policy document (apiVersion, kind, metadata, spec)',
      })
      .describe(
        'A Meshport policy document (TrafficPolicy, AccessPolicy or VirtualDestination), as an object',
      ),
    repoUrl: repoUrlInput(zod),
    repositoryPath: repositoryPathInput(zod),
    outputPath: outputPathInput(zod),
    reason: reasonInput(zod),
  });

/**
 * `meshport:policy:render` — the shared validate → compile → write step for a policy document
 * built elsewhere (a template that lets people write YAML, another action). Route-changing
 * kinds need `mesh.route.request` on the destination, as with meshport:policy:traffic.
 */
export function createRenderPolicyAction(deps: MeshActionDeps) {
  return createTemplateAction({
    id: 'meshport:policy:render',
    description:
      'Validates a Meshport policy document against the live fleet and the policy repository, compiles it with mesh-policy and writes the policy and its rendered resources for a pull request',
    examples,
    supportsDryRun: true,
    schema: {
      input: inputSchema,
      output: requestOutputs,
    },
    async handler(ctx) {
      const input = parseInput(inputSchema(z), ctx.input);
      await runPolicyRequest(ctx, input.policy, input, deps);
    },
  });
}
