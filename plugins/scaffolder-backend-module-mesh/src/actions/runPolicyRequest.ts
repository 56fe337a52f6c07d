import type { ActionContext } from '@backstage/plugin-scaffolder-node';
import {
  MeshActionDeps,
  renderPolicyRequest,
} from '../service/renderPolicyRequest';
import { requesterGroups } from '../service/requestTeam';
import { DEFAULT_OUTPUT_PATH, DEFAULT_REPOSITORY_PATH } from './inputs';

/** The handler body every meshport:policy:* action shares once it has a policy document. */
export async function runPolicyRequest(
  // Each action has its own input type and the outputs of requestOutputs; this body reads
  // neither's specifics, and the scaffolder checks outputs against the action's schema.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  ctx: ActionContext<any, any>,
  document: unknown,
  input: {
    repoUrl?: string;
    repositoryPath?: string;
    outputPath?: string;
    reason?: string;
  },
  deps: MeshActionDeps,
): Promise<void> {
  const result = await renderPolicyRequest(
    document,
    {
      credentials: await ctx.getInitiatorCredentials(),
      requestedBy: ctx.user?.ref,
      requesterGroups: requesterGroups(ctx.user?.entity),
      taskId: ctx.task?.id,
      reason: input.reason,
      repository: input.repoUrl,
    },
    {
      workspacePath: ctx.workspacePath,
      repositoryPath: input.repositoryPath || DEFAULT_REPOSITORY_PATH,
      outputPath: input.outputPath || DEFAULT_OUTPUT_PATH,
    },
    deps,
  );
  ctx.logger.info(
    `${ctx.isDryRun ? 'Dry run: wrote' : 'Wrote'} ${
      result.files.length
    } files for ${result.policyPath} into ${result.sourcePath} (clusters: ${
      result.clusters.join(', ') || 'none'
    })`,
  );
  for (const [key, value] of Object.entries(result)) {
    ctx.output(key, value);
  }
}
