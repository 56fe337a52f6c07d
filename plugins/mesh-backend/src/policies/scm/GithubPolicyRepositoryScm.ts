import type {
  LoggerService,
  UrlReaderService,
} from '@backstage/backend-plugin-api';
import {
  DefaultGithubCredentialsProvider,
  type GithubCredentialsProvider,
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
  fetchScmText,
  scmApiUrl,
  unlessNotFound,
  type ScmClient,
} from './scmFetch';
import { redact, type ScmRequestContext } from './scmResponses';

const iso = (value: string) => new Date(value).toISOString();
const timestamp = z.string().refine(v => !Number.isNaN(Date.parse(v)), {
  message: 'not a date',
});

/** The fields read of `GET /repos/{owner}/{repo}/pulls` items (docs.github.com/en/rest/pulls/pulls). */
const pullSchema = z.object({
  number: z.number().int().positive(),
  title: z.string(),
  state: z.enum(['open', 'closed']),
  html_url: z.string(),
  body: z.string().nullish(),
  user: z.object({ login: z.string() }).nullish(),
  head: z.object({ ref: z.string() }),
  created_at: timestamp,
  updated_at: timestamp,
  closed_at: timestamp.nullish(),
  merged_at: timestamp.nullish(),
  requested_reviewers: z.array(z.object({ login: z.string() })).nullish(),
  requested_teams: z.array(z.object({ slug: z.string() })).nullish(),
});
type GithubPull = z.infer<typeof pullSchema>;

/** `GET /repos/{owner}/{repo}/pulls/{n}/reviews`, oldest first. */
const reviewsSchema = z.array(
  z.object({
    user: z.object({ login: z.string() }).nullish(),
    state: z.string(),
  }),
);

/** Reviews that decide (COMMENTED and PENDING do not change a reviewer's verdict). */
const VERDICTS = new Set(['APPROVED', 'CHANGES_REQUESTED', 'DISMISSED']);

/**
 * A policy repository on GitHub (github.com or Enterprise): the branch through Backstage's
 * UrlReader, pull requests through the REST API with the integration's credentials (a token or
 * a GitHub App, from `DefaultGithubCredentialsProvider`).
 */
export class GithubPolicyRepositoryScm implements PolicyRepositoryScm {
  private readonly credentials: GithubCredentialsProvider;

  constructor(
    private readonly options: {
      integrations: ScmIntegrationRegistry;
      reader: UrlReaderService;
      logger: LoggerService;
      now?: () => Date;
    },
  ) {
    this.credentials = DefaultGithubCredentialsProvider.fromIntegrations(
      options.integrations,
    );
  }

  async readBranch(
    repository: PolicyRepositoryConfig,
    etag?: string,
  ): Promise<{ snapshot: BranchSnapshot; etag?: string } | 'unchanged'> {
    const { client, apiBaseUrl, host } = await this.client(repository);
    const context = this.context(
      repository,
      `branch ${repository.branch}`,
      `branch ${repository.branch} does not exist in ${repository.owner}/${repository.repo} on ${repository.host}: check the branch in mesh.policyRepositories`,
    );
    // one small call tells whether the branch moved; the archive is read only when it did
    // (docs.github.com/en/rest/commits/commits#get-a-commit, media type `sha`)
    const commit = checkCommit(
      await fetchScmText(
        client,
        // a branch may hold `/`, which the commits endpoint reads as part of the ref
        scmApiUrl(apiBaseUrl, [
          'repos',
          repository.owner,
          repository.repo,
          'commits',
          ...repository.branch.split('/'),
        ]),
        context,
        'application/vnd.github.sha',
      ),
      context,
    );
    if (etag === commit) return 'unchanged';
    const snapshot = await readBranchTree({
      reader: this.options.reader,
      treeUrl: `https://${host}/${[
        repository.owner,
        repository.repo,
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
    const { client, apiBaseUrl } = await this.client(repository);
    const context = this.context(repository, 'the pull requests');
    const since = pullRequestWindowStart(client.now());
    const kept = await readRecentRequests({
      fetchPage: async page =>
        (
          await fetchScmJson(
            client,
            scmApiUrl(
              apiBaseUrl,
              ['repos', repository.owner, repository.repo, 'pulls'],
              {
                state: 'all',
                sort: 'updated',
                direction: 'desc',
                per_page: PULL_REQUEST_PAGE_SIZE,
                page,
              },
            ),
            context,
            z.array(pullSchema),
          )
        ).value,
      id: p => p.number,
      sourceBranch: p => p.head.ref,
      isRecent: p =>
        p.state === 'open' || Date.parse(p.updated_at) >= since.getTime(),
      describe: `pull requests of ${repository.url}`,
      logger: this.options.logger,
    });
    const requests = await mapLimit(kept, 4, async pull =>
      this.toRequest(pull, repository, client, apiBaseUrl),
    );
    return toPullRequestRecords(requests);
  }

  private async toRequest(
    pull: GithubPull,
    repository: PolicyRepositoryConfig,
    client: ScmClient,
    apiBaseUrl: string,
  ): Promise<ScmPullRequest> {
    const requested = [
      ...(pull.requested_reviewers ?? []).map(r => r.login),
      ...(pull.requested_teams ?? []).map(t => `${repository.owner}/${t.slug}`),
    ];
    let reviewed: string[] = [];
    let approvedBy: string[] = [];
    if (pull.state === 'open') {
      // GitHub drops a reviewer from requested_reviewers once they review, so reviews name them
      const reviews = await unlessNotFound(
        fetchScmJson(
          client,
          scmApiUrl(
            apiBaseUrl,
            [
              'repos',
              repository.owner,
              repository.repo,
              'pulls',
              pull.number,
              'reviews',
            ],
            { per_page: 100 },
          ),
          this.context(
            repository,
            `the reviews of pull request #${pull.number}`,
          ),
          reviewsSchema,
        ).then(r => r.value),
        [],
      );
      const verdicts = new Map<string, string>();
      for (const review of reviews) {
        if (!review.user) continue;
        reviewed.push(review.user.login);
        if (VERDICTS.has(review.state))
          verdicts.set(review.user.login, review.state);
      }
      approvedBy = [...verdicts]
        .filter(([, state]) => state === 'APPROVED')
        .map(([login]) => login);
      reviewed = reviewed.filter(login => login !== pull.user?.login);
    }
    return {
      sourceBranch: pull.head.ref,
      body: pull.body,
      pullRequest: {
        url: pull.html_url,
        number: pull.number,
        title: pull.title,
        state: pull.merged_at ? 'merged' : pull.state,
        ...(pull.user && { author: pull.user.login }),
        reviewers: distinctNames([...requested, ...reviewed]),
        approvedBy: distinctNames(approvedBy),
        createdAt: iso(pull.created_at),
        ...(pull.merged_at && { mergedAt: iso(pull.merged_at) }),
        ...(pull.closed_at && { closedAt: iso(pull.closed_at) }),
      },
    };
  }

  private context(
    repository: PolicyRepositoryConfig,
    reading: string,
    unknownRef?: string,
  ): ScmRequestContext {
    return {
      provider: 'github',
      host: repository.host,
      repository: `${repository.owner}/${repository.repo}`,
      reading,
      unknownRef,
    };
  }

  private async client(repository: PolicyRepositoryConfig) {
    const integration = this.options.integrations.github.byHost(
      repository.host,
    );
    const apiBaseUrl = integration?.config.apiBaseUrl;
    if (!integration || !apiBaseUrl) {
      throw new PolicyRepositoryReadError(
        'error',
        `no GitHub integration with an apiBaseUrl serves ${repository.host}: add integrations.github[] with host ${repository.host} and apiBaseUrl`,
      );
    }
    let credentials: { headers?: Record<string, string>; token?: string };
    try {
      credentials = await this.credentials.getCredentials({
        url: repository.webUrl,
      });
    } catch (e) {
      // a GitHub App without an installation for the owner, or whose key GitHub refused
      throw new PolicyRepositoryReadError(
        'unauthorized',
        `no GitHub credentials for ${repository.owner} on ${
          repository.host
        }: ${redact(String((e as Error)?.message ?? e), [
          integration.config.token,
        ])}; configure integrations.github[].token or install the GitHub App on ${
          repository.owner
        }`,
      );
    }
    const client: ScmClient = {
      fetch: (url, init) => fetch(url, init),
      headers: {
        ...credentials.headers,
        'X-GitHub-Api-Version': '2022-11-28',
      },
      secrets: [credentials.token, integration.config.token].filter(
        (s): s is string => !!s,
      ),
      now: this.options.now ?? (() => new Date()),
    };
    return { client, apiBaseUrl, host: integration.config.host };
  }
}
