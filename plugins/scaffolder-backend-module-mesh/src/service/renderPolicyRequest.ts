import {
  BackstageCredentials,
  PermissionsService,
  resolveSafeChildPath,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { meshRouteRequestPermission } from '@meshport/backstage-plugin-mesh-common';
import {
  formatDiagnostic,
  parsePolicy,
  policyPath,
  policyRef,
  renderRepository,
  SchemaValidator,
  summarizeChange,
  summarizeVerification,
} from '@meshport/backstage-plugin-mesh-policy';
import {
  findPolicyRepository,
  MeshFleetReader,
  PolicyRepositoryConfig,
} from '@meshport/backstage-plugin-mesh-node';
import fs from 'node:fs/promises';
import path from 'node:path';
import { CODEOWNERS_LOCATIONS, codeOwnersChange } from './codeOwnersChange';
import { findDestinationOwners } from './destinationOwners';
import { readPolicyRepository, readRenderedFiles } from './policyRepository';
import type { PolicyRenderers } from './policyRenderers';
import { pullRequestText } from './pullRequest';
import { RequestAnalyzer, refusalMessage } from './requestAnalysis';
import { requestTeam } from './requestTeam';

/** What the actions need from the backend; each is faked in tests. */
export interface MeshActionDeps {
  fleet: MeshFleetReader;
  catalog: CatalogService;
  /** Checks `mesh.route.request`; without it every route request is allowed. */
  permissions?: PermissionsService;
  /** The Istio CRD schemas, loaded once (`loadSchemaValidator` is async and heavy). */
  schemaValidator: () => Promise<SchemaValidator>;
  /** The warm renderer of each policy repository, kept between requests by the module. */
  renderers: PolicyRenderers;
  /**
   * Analyses the live config with and without the request (mesh-policy's findings engine);
   * the module shares one, which keeps the live analysis while the fleet is unchanged.
   * Without it each request analyses the live config afresh.
   */
  analyzer?: RequestAnalyzer;
  /**
   * `mesh.policyRepositories`: the repository a request names tells whether reviewers are
   * GitHub's or GitLab's. A request naming none, or one not listed, is treated as GitHub's.
   */
  repositories?: PolicyRepositoryConfig[];
  /** The clock stamping `requestedAt` in the request marker; faked in tests. */
  now?: () => Date;
}

/** Where things are in the task workspace. */
export interface WorkspaceLayout {
  workspacePath: string;
  /** Where fetch:plain put the policy repository. */
  repositoryPath: string;
  /** A fresh folder receiving exactly the files of the pull request. */
  outputPath: string;
}

export interface PolicyRequest {
  credentials: BackstageCredentials;
  /** `user:default/guest`, for the pull request body and its marker. */
  requestedBy?: string;
  /** The requester's groups (entity refs, sorted): the marker's team is chosen among them. */
  requesterGroups?: string[];
  /** The scaffolder task, for the marker. */
  taskId?: string;
  reason?: string;
  /** The policy repository, as meshport:policy:repository output it: picks its warm renderer. */
  repository?: string;
}

/** The action outputs, shared by every meshport:policy:* action. */
export interface PolicyRequestResult {
  [key: string]: string | string[];
  policyPath: string;
  sourcePath: string;
  files: string[];
  filesToDelete: string[];
  clusters: string[];
  title: string;
  description: string;
  branchName: string;
  reviewers: string[];
  teamReviewers: string[];
  destinationEntityRef: string;
}

/**
 * Validate → compile → write, shared by every action: the policy against its schema, against
 * the live fleet and against the policies already in the repository; then the files of the pull
 * request into `outputPath`. Everything that can refuse runs before the first write, so a
 * refused request leaves the workspace as it was.
 */
export async function renderPolicyRequest(
  document: unknown,
  request: PolicyRequest,
  layout: WorkspaceLayout,
  deps: MeshActionDeps,
): Promise<PolicyRequestResult> {
  const parsed = parsePolicy(document);
  if (!parsed.ok) {
    throw new InputError(
      `the requested policy is invalid:\n${parsed.errors
        .map(e => `- ${formatDiagnostic(e)}`)
        .join('\n')}`,
    );
  }
  const policy = parsed.policy;
  const repoRoot = safePath(layout.workspacePath, layout.repositoryPath);
  const outputRoot = safePath(layout.workspacePath, layout.outputPath);
  if (
    isInside(outputRoot, repoRoot) ||
    isInside(repoRoot, outputRoot) ||
    outputRoot === path.resolve(layout.workspacePath)
  ) {
    throw new InputError(
      `outputPath "${layout.outputPath}" and repositoryPath "${layout.repositoryPath}" must be separate folders of the workspace`,
    );
  }
  if ((await fs.readdir(outputRoot).catch(() => [])).length > 0) {
    throw new InputError(
      `outputPath "${layout.outputPath}" already holds files; give each request step its own folder`,
    );
  }

  const service = `${policy.spec.destination.namespace}/${policy.spec.destination.service}`;
  const fleet = await deps.fleet.getFleet();
  const destination = fleet.services.find(
    s =>
      s.namespace === policy.spec.destination.namespace &&
      s.name === policy.spec.destination.service,
  );
  if (!destination) {
    throw new InputError(
      `no service ${service} in any cluster of the fleet; pick one the mesh knows (e.g. with the MeshServicePicker), or wait for discovery if it was just deployed`,
    );
  }

  const repository = request.repository
    ? findPolicyRepository(deps.repositories ?? [], request.repository)
    : undefined;
  const owners = await findDestinationOwners(
    deps.catalog,
    service,
    destination.ownership,
    request.credentials,
    repository
      ? { provider: repository.provider, host: repository.host }
      : undefined,
  );
  if (policy.kind !== 'AccessPolicy' && deps.permissions) {
    const [decision] = await deps.permissions.authorize(
      [
        {
          permission: meshRouteRequestPermission,
          resourceRef: owners.entityRef,
        },
      ],
      { credentials: request.credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `only members of ${owners.ownerRef}, which owns ${service}, may request a route for it (permission ${meshRouteRequestPermission.name}); ask them to request it, or request an access grant, which anyone may`,
      );
    }
  }

  const renderer = deps.renderers.forRepository(request.repository);
  const repo = await readPolicyRepository(
    repoRoot,
    layout.repositoryPath,
    renderer.parsed,
  );
  const ref = policyRef(policy);
  if (repo.policies.some(p => policyRef(p) === ref)) {
    throw new InputError(
      `the policy repository already has ${policy.kind} ${
        policy.metadata.namespace
      }/${policy.metadata.name} (${policyPath(
        policy,
      )}): choose another name, or change that file in its own pull request`,
    );
  }

  // The pull request holds the request's effect and only that: the difference between the
  // render of the repository as it is and with the new policy. Both go through the warm memo,
  // so only what the new policy (or a changed repository or fleet) affects is compiled again.
  // Drift elsewhere in rendered/ is not repaired here: the repository's own
  // `meshport-policy render --check` CI catches it.
  const options = {
    validateSchema: await deps.schemaValidator(),
    memo: renderer.memo,
  };
  const base = renderRepository(repo.policies, fleet, options);
  const result = renderRepository([...repo.policies, policy], fleet, options);
  if (!result.ok) {
    const problems = [
      ...result.errors.map(e => formatDiagnostic(e)),
      ...result.conflicts.map(c => c.message),
    ];
    throw new InputError(
      `${policy.kind} ${policy.metadata.namespace}/${
        policy.metadata.name
      } cannot be added to the policy repository:\n${problems
        .map(p => `- ${p}`)
        .join('\n')}`,
    );
  }
  if (!base.ok) {
    throw new InputError(
      `the policy repository does not render as it is, so the effect of this request cannot be told apart; fix it there first (meshport-policy render --check):\n${[
        ...base.errors.map(e => formatDiagnostic(e)),
        ...base.conflicts.map(c => c.message),
      ]
        .slice(0, 20)
        .map(p => `- ${p}`)
        .join('\n')}`,
    );
  }

  // policies/ is the intent people wrote: only the new policy's file is ours to write (the
  // others render the same in both, so they are not in the difference).
  const newPolicyPath = policyPath(policy);
  const after = result.files;
  const { changed, removed } = renderedDifference(
    base.files,
    after,
    newPolicyPath,
  );
  // Only the rendered files the difference names are read: to tell an added file from a
  // changed one, and to leave out what the repository already holds.
  const before = await readRenderedFiles(
    repoRoot,
    [...changed, ...removed].filter(p => p.startsWith('rendered/')),
  );
  const files = changed.filter(p => after[p] !== before[p]);
  const filesToDelete = removed.filter(p => p in before);
  // The destination's owners own its folders from this request on (where the repository
  // requires code-owner review): CODEOWNERS gets their rules, the rest of it as written.
  const provider = repository?.provider ?? 'github';
  const codeOwners = codeOwnersChange({
    provider,
    files: await readRenderedFiles(repoRoot, CODEOWNERS_LOCATIONS[provider]),
    namespace: policy.spec.destination.namespace,
    service: policy.spec.destination.service,
    owners: owners.codeOwners,
  });
  const extraFiles: Record<string, string> =
    'path' in codeOwners && codeOwners.changed
      ? { [codeOwners.path]: codeOwners.content }
      : {};
  // Only what differs can be in the summary: handing over just that spares sorting every path.
  const summary = summarizeChange(
    pick(before, [...files, ...filesToDelete]),
    pick(after, files),
  );
  // What the mesh will look like once GitOps applies the pull request: errors it brings are
  // refused here, before anything is written, like every other refusal.
  const analysis = (deps.analyzer ?? new RequestAnalyzer()).analyze(fleet, {
    changed: pick(
      after,
      files.filter(p => p.startsWith('rendered/')),
    ),
    removed: pick(before, filesToDelete),
  });
  const refusal = refusalMessage(
    `${policy.kind} ${policy.metadata.namespace}/${policy.metadata.name}`,
    analysis,
  );
  if (refusal) throw new InputError(refusal);

  // The reviewer judges this request: warnings about policies already merged are theirs.
  const text = pullRequestText({
    analysis,
    policy,
    owners,
    summary,
    warnings: result.warnings.filter(w => !w.policy || w.policy === ref),
    verifiedSplit: summarizeVerification(
      result.verification.filter(v => v.policy === ref),
    ),
    requestedBy: request.requestedBy,
    reason: request.reason,
    codeOwnersNote: 'note' in codeOwners ? codeOwners.note : undefined,
    request: {
      taskId: request.taskId,
      requester: request.requestedBy,
      team: requestTeam(request.requesterGroups ?? [], owners.ownerRef),
      requestedAt: (deps.now?.() ?? new Date()).toISOString(),
    },
  });

  const written = { ...pick(after, files), ...extraFiles };
  for (const [file, content] of Object.entries(written)) {
    const target = resolveSafeChildPath(outputRoot, file);
    await fs.mkdir(path.dirname(target), { recursive: true });
    await fs.writeFile(target, content, 'utf8');
  }
  // An empty folder still lets publish:github:pull-request find its sourcePath.
  await fs.mkdir(outputRoot, { recursive: true });

  return {
    policyPath: newPolicyPath,
    sourcePath: layout.outputPath,
    files: [...files, ...Object.keys(extraFiles)].sort(),
    filesToDelete,
    clusters: Object.keys(summary.clusters).sort(),
    ...text,
    reviewers: owners.reviewers,
    teamReviewers: owners.teamReviewers,
    destinationEntityRef: owners.entityRef,
  };
}

/**
 * What adding a policy changes, from the renders of the repository without it (`base`) and with
 * it (`after`): the files added or changed, the policy's own file among them, and the rendered
 * files no policy produces any more (rendered/ belongs to the compiler: they go).
 */
export function renderedDifference(
  base: Record<string, string>,
  after: Record<string, string>,
  newPolicyPath: string,
): { changed: string[]; removed: string[] } {
  return {
    changed: Object.keys(after).filter(
      p => p === newPolicyPath || after[p] !== base[p],
    ),
    removed: Object.keys(base).filter(
      p => p.startsWith('rendered/') && !(p in after),
    ),
  };
}

function pick(
  from: Record<string, string>,
  paths: string[],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of paths) if (p in from) out[p] = from[p];
  return out;
}

function safePath(workspace: string, relative: string): string {
  try {
    return resolveSafeChildPath(workspace, relative);
  } catch {
    throw new InputError(
      `"${relative}" is outside the task workspace; use a relative folder such as policy-repo`,
    );
  }
}

function isInside(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** Loads a value once, on first use, and shares the promise. */
export function once<T>(load: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => {
    value ??= load().catch(e => {
      value = undefined;
      throw e;
    });
    return value;
  };
}
