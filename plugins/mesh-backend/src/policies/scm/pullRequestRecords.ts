import type { LoggerService } from '@backstage/backend-plugin-api';
import type { PolicyPullRequest } from '@meshport/backstage-plugin-mesh-common';
import {
  parsePolicyRequestMarker,
  type PolicyPullRequestRecord,
} from '@meshport/backstage-plugin-mesh-policy';

/**
 * The scaffolder opens every request from `meshport/<kind>-<namespace>-<name>`
 * (scaffolder-backend-module-mesh `service/pullRequest.ts`); other branches are not Meshport's.
 */
export const MESHPORT_BRANCH_PREFIX = 'meshport/';

/** Closed and merged requests older than this (by their last update) are not read. */
export const PULL_REQUEST_WINDOW_DAYS = 90;
/** At most this many pages of 100 requests are read per repository and sync. */
export const MAX_PULL_REQUEST_PAGES = 10;
export const PULL_REQUEST_PAGE_SIZE = 100;

export function isMeshportBranch(sourceBranch: string): boolean {
  return sourceBranch.startsWith(MESHPORT_BRANCH_PREFIX);
}

/** The oldest update time still read, for `now`. */
export function pullRequestWindowStart(now: Date): Date {
  return new Date(now.getTime() - PULL_REQUEST_WINDOW_DAYS * 24 * 3600 * 1000);
}

/** A request as read from its SCM, before the marker is parsed. */
export interface ScmPullRequest {
  pullRequest: PolicyPullRequest;
  sourceBranch: string;
  /** The description, holding the request marker when Meshport opened it. */
  body?: string | null;
}

/**
 * The records of Meshport's requests: only those from a `meshport/` branch, with the marker in
 * their description parsed (none: no policies, as for a request someone opened by hand from such
 * a branch), newest first (by creation, then number) so the first record naming a policy is its
 * latest request.
 */
export function toPullRequestRecords(
  requests: ScmPullRequest[],
): PolicyPullRequestRecord[] {
  return requests
    .filter(r => isMeshportBranch(r.sourceBranch))
    .map(({ pullRequest, body }) => {
      const marker = parsePolicyRequestMarker(body);
      if (!marker) return { pullRequest, policies: [] };
      const { policies, destinations, ...request } = marker;
      const known = Object.fromEntries(
        Object.entries(request).filter(([, v]) => v !== undefined),
      );
      return {
        pullRequest,
        policies,
        ...(destinations && { destinations }),
        ...(Object.keys(known).length > 0 && { request: known }),
      };
    })
    .sort(
      (a, b) =>
        b.pullRequest.createdAt.localeCompare(a.pullRequest.createdAt) ||
        b.pullRequest.number - a.pullRequest.number,
    );
}

/** Distinct, non-empty, sorted: reviewers and approvers as shown. */
export function distinctNames(
  names: Array<string | undefined | null>,
): string[] {
  return [...new Set(names.filter((n): n is string => !!n))].sort();
}

/** Runs `work` over `items` with at most `limit` at a time, in order. */
export async function mapLimit<T, R>(
  items: T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]);
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, worker),
  );
  return results;
}

/**
 * Walks an SCM's list of pull (merge) requests, most recently updated first, page by page:
 * keeps those from Meshport's branches that are open or were updated within the window, and
 * stops at the first page holding an older one, a short page, or `MAX_PULL_REQUEST_PAGES`
 * (then says what was left unread). Pages are numbered rather than followed from `Link`, so no
 * URL from an answer is fetched.
 */
export async function readRecentRequests<T>(options: {
  fetchPage: (page: number) => Promise<T[]>;
  id: (request: T) => number;
  sourceBranch: (request: T) => string;
  isRecent: (request: T) => boolean;
  /** For the warning: "pull requests of github.com?owner=…" */
  describe: string;
  logger: LoggerService;
}): Promise<T[]> {
  const kept: T[] = [];
  const seen = new Set<number>();
  for (let page = 1; page <= MAX_PULL_REQUEST_PAGES; page++) {
    const requests = await options.fetchPage(page);
    const recent = requests.filter(options.isRecent);
    // a request updated while paging moves to the first page: it is read once, as first seen
    kept.push(
      ...recent.filter(
        r =>
          isMeshportBranch(options.sourceBranch(r)) && !seen.has(options.id(r)),
      ),
    );
    recent.forEach(r => seen.add(options.id(r)));
    if (
      requests.length < PULL_REQUEST_PAGE_SIZE ||
      recent.length < requests.length
    ) {
      break;
    }
    if (page === MAX_PULL_REQUEST_PAGES) {
      options.logger.warn(
        `Read the ${
          MAX_PULL_REQUEST_PAGES * PULL_REQUEST_PAGE_SIZE
        } most recently updated ${options.describe}; older ones are not shown`,
      );
    }
  }
  return kept;
}
