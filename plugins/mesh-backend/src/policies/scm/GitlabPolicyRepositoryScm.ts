import type {
  LoggerService,
  UrlReaderService,
} from '@backstage/backend-plugin-api';
import {
  getGitLabRequestOptions,
  type ScmIntegrationRegistry,
} from '@backstage/integration';
import type { PolicyRepositoryConfig } from '@meshport/backstage-plugin-mesh-node';
import type {
  BranchSnapshot,
  PolicyPullRequestRecord,
} from '@meshport/backstage-plugin-mesh-policy';
import { z } from 'zod';
import {
  PolicyRepositoryReadError,
  type PolicyRepositoryScm,
} from './PolicyRepositoryScm';
import {
  distinctNames,
  mapLimit,
  PULL_REQUEST_PAGE_SIZE,
  pullRequestWindowStart,
  readRecentRequests,
  toPullRequestRecords,
  type ScmPullRequest,
} from './pullRequestRecords';
import { readBranchTree } from './readBranchTree';
import {
  checkCommit,
  fetchScmJson,
  scmApiUrl,
  unlessNotFound,
  type ScmClient,
} from './scmFetch';
import type { ScmRequestContext } from './scmResponses';

const iso = (value: string) => new Date(value).toISOString();
const timestamp = z.string().refine(v => !Number.isNaN(Date.parse(v)), {
  message: 'not a date',
});
const user = z.object({ username: z.string() });

/** `GET /projects/:id/repository/branches/:branch` (docs.gitlab.com/api/branches). */
const branchSchema = z.object({ commit: z.object({ id: z.string() }) });

/** The fields read of `GET /projects/:id/merge_requests` items (docs.gitlab.com/api/merge_requests). */
const mergeRequestSchema = z.object({
  iid: z.number().int().positive(),
  title: z.string(),
  // `locked` is an open request briefly locked while GitLab merges it
  state: z.enum(['opened', 'closed', 'merged', 'locked']),
  web_url: z.string(),
  description: z.string().nullish(),
  author: user.nullish(),
  source_branch: z.string(),
  reviewers: z.array(user).nullish(),
  created_at: timestamp,
  updated_at: timestamp,
  merged_at: timestamp.nullish(),
  closed_at: timestamp.nullish(),
});
type GitlabMergeRequest = z.infer<typeof mergeRequestSchema>;

const isOpen = (r: GitlabMergeRequest) =>
  r.state === 'opened' || r.state === 'locked';

/** GitLab's states as the lifecycle names them. */
function stateOf(r: GitlabMergeRequest): 'open' | 'merged' | 'closed' {
  if (isOpen(r)) return 'open';
  return r.state === 'merged' ? 'merged' : 'closed';
}

/** `GET /projects/:id/merge_requests/:iid/approvals` (docs.gitlab.com/api/merge_request_approvals). */
const approvalsSchema = z.object({
  approved_by: z.array(z.object({ user })).nullish(),
});

/**
 * A policy repository on GitLab (gitlab.com or self-managed, groups and subgroups): the branch
 * through Backstage's UrlReader, merge requests through the REST API with
 * `integrations.gitlab[].token`, through the integration's fetch (its retry settings apply).
 */
export class GitlabPolicyRepositoryScm implements PolicyRepositoryScm {
  constructor(
    private readonly options: {
      integrations: ScmIntegrationRegistry;
      reader: UrlReaderService;
      logger: LoggerService;
      now?: () => Date;
    },
  ) {}

  async readBranch(
    repository: PolicyRepositoryConfig,
    etag?: string,
  ): Promise<{ snapshot: BranchSnapshot; etag?: string } | 'unchanged'> {
    const { client, apiBaseUrl, baseUrl } = this.client(repository);
    const context = this.context(
      repository,
      `branch ${repository.branch}`,
      `branch ${repository.branch} of ${this.project(repository)} on ${
        repository.host
      } does not exist, or the project does not or the token cannot see it: check mesh.policyRepositories and the token's access`,
    );
    // one small call tells whether the branch moved; the archive is read only when it did
    const { value: branch } = await fetchScmJson(
      client,
      scmApiUrl(apiBaseUrl, [
        'projects',
        this.project(repository),
        'repository',
        'branches',
        repository.branch,
      ]),
      context,
      branchSchema,
    );
    const commit = checkCommit(branch.commit.id, context);
    if (etag === commit) return 'unchanged';
    const snapshot = await readBranchTree({
      reader: this.options.reader,
      treeUrl: `${baseUrl.replace(/\/+$/, '')}/${[
        ...repository.owner.split('/'),
        repository.repo,
        '-',
        'tree',
        commit,
      ]
        .map(encodeURIComponent)
        .join('/')}`,
      commit,
      etag,
      context,
      secrets: client.secrets,
    });
    return snapshot === 'unchanged' ? snapshot : { snapshot, etag: commit };
  }

  async listPullRequests(
    repository: PolicyRepositoryConfig,
  ): Promise<PolicyPullRequestRecord[]> {
    const { client, apiBaseUrl } = this.client(repository);
    const project = this.project(repository);
    const context = this.context(repository, 'the merge requests');
    const since = pullRequestWindowStart(client.now());
    const kept = await readRecentRequests({
      fetchPage: async page =>
        (
          await fetchScmJson(
            client,
            scmApiUrl(apiBaseUrl, ['projects', project, 'merge_requests'], {
              state: 'all',
              order_by: 'updated_at',
              sort: 'desc',
              per_page: PULL_REQUEST_PAGE_SIZE,
              page,
            }),
            context,
            z.array(mergeRequestSchema),
          )
        ).value,
      id: r => r.iid,
      sourceBranch: r => r.source_branch,
      isRecent: r => isOpen(r) || Date.parse(r.updated_at) >= since.getTime(),
      describe: `merge requests of ${repository.url}`,
      logger: this.options.logger,
    });
    const records = await mapLimit(kept, 4, async request =>
      this.toRequest(request, repository, client, apiBaseUrl),
    );
    return toPullRequestRecords(records);
  }

  private async toRequest(
    request: GitlabMergeRequest,
    repository: PolicyRepositoryConfig,
    client: ScmClient,
    apiBaseUrl: string,
  ): Promise<ScmPullRequest> {
    let approvedBy: string[] = [];
    if (isOpen(request)) {
      const value = await unlessNotFound(
        fetchScmJson(
          client,
          scmApiUrl(apiBaseUrl, [
            'projects',
            this.project(repository),
            'merge_requests',
            request.iid,
            'approvals',
          ]),
          this.context(
            repository,
            `the approvals of merge request !${request.iid}`,
          ),
          approvalsSchema,
        ).then(r => r.value),
        { approved_by: [] },
      );
      approvedBy = (value.approved_by ?? []).map(a => a.user.username);
    }
    const state = stateOf(request);
    return {
      sourceBranch: request.source_branch,
      body: request.description,
      pullRequest: {
        url: request.web_url,
        number: request.iid,
        title: request.title,
        state,
        ...(request.author && { author: request.author.username }),
        reviewers: distinctNames(
          (request.reviewers ?? []).map(r => r.username),
        ),
        approvedBy: distinctNames(approvedBy),
        createdAt: iso(request.created_at),
        ...(request.merged_at && { mergedAt: iso(request.merged_at) }),
        ...(state !== 'open' &&
          request.closed_at && { closedAt: iso(request.closed_at) }),
      },
    };
  }

  /** GitLab's project path (`group/sub/repo`), the `:id` of its API once encoded. */
  private project(repository: PolicyRepositoryConfig) {
    return `${repository.owner}/${repository.repo}`;
  }

  private context(
    repository: PolicyRepositoryConfig,
    reading: string,
    notFound?: string,
  ): ScmRequestContext {
    return {
      provider: 'gitlab',
      host: repository.host,
      repository: this.project(repository),
      reading,
      notFound,
    };
  }

  private client(repository: PolicyRepositoryConfig) {
    const integration = this.options.integrations.gitlab.byHost(
      repository.host,
    );
    if (!integration) {
      throw new PolicyRepositoryReadError(
        'error',
        `no GitLab integration serves ${repository.host}: add integrations.gitlab[] with host ${repository.host}, apiBaseUrl and token`,
      );
    }
    const { token, apiBaseUrl, baseUrl } = integration.config;
    const client: ScmClient = {
      fetch: (url, init) => integration.fetch(url, init),
      headers: getGitLabRequestOptions(integration.config).headers as Record<
        string,
        string
      >,
      secrets: token ? [token] : [],
      now: this.options.now ?? (() => new Date()),
    };
    return { client, apiBaseUrl, baseUrl };
  }
}
