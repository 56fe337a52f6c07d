import type { UrlReaderService } from '@backstage/backend-plugin-api';
import { isError } from '@backstage/errors';
import type { BranchSnapshot } from '@meshport/backstage-plugin-mesh-policy';
import { BranchFileFilter } from './branchFiles';
import { PolicyRepositoryReadError } from './PolicyRepositoryScm';
import { redact, type ScmRequestContext } from './scmResponses';

/**
 * Reads a branch's files at a known commit through Backstage's UrlReader (`readTree`, which
 * downloads the SCM's archive of the commit), keeping only the lifecycle's files. `treeUrl`
 * names the commit, not the branch: the UrlReaders parse the URL with git-url-parse, which
 * cuts a branch name at its first `/`. 'unchanged' when the reader answers NotModified for the
 * etag (the commit).
 */
export async function readBranchTree(options: {
  reader: UrlReaderService;
  treeUrl: string;
  commit: string;
  etag?: string;
  context: ScmRequestContext;
  secrets: string[];
}): Promise<BranchSnapshot | 'unchanged'> {
  const { reader, treeUrl, commit, etag, context, secrets } = options;
  const files = new BranchFileFilter();
  const where = `${context.reading} of ${context.repository}`;
  let read: Array<{ path: string; content(): Promise<Buffer> }>;
  try {
    const tree = await reader.readTree(treeUrl, { etag, filter: files.filter });
    read = await tree.files();
  } catch (e) {
    if (isError(e) && e.name === 'NotModifiedError') return 'unchanged';
    throw treeError(e, context, secrets);
  }
  const problem = files.problem(where);
  if (problem) throw new PolicyRepositoryReadError('error', problem);
  const contents: Record<string, string> = {};
  for (const file of read) {
    contents[file.path] = (await file.content()).toString('utf8');
  }
  return { commit, files: contents };
}

/**
 * The UrlReaders report refusals as errors whose message holds the status (only 404 and
 * NotModified have their own error names), so the status is read from the message.
 */
function treeError(
  e: unknown,
  context: ScmRequestContext,
  secrets: string[],
): PolicyRepositoryReadError {
  const message = redact(isError(e) ? e.message : String(e), secrets);
  const { host, repository, provider, reading } = context;
  if (isError(e) && e.name === 'NotFoundError') {
    return new PolicyRepositoryReadError(
      'not-found',
      `${repository} does not exist on ${host} or the token cannot see it: check the repository in mesh.policyRepositories and the token's access`,
    );
  }
  if (/\b401\b/.test(message)) {
    return new PolicyRepositoryReadError(
      'unauthorized',
      `the token for ${host} was refused: renew integrations.${provider}[].token for host ${host}`,
    );
  }
  if (/\b429\b|rate limit/i.test(message)) {
    return new PolicyRepositoryReadError(
      'rate-limited',
      `${host} rate-limits reading ${reading} of ${repository}; the last known states are kept and the next sync tries again`,
    );
  }
  return new PolicyRepositoryReadError(
    'error',
    `reading ${reading} of ${repository} failed: ${message}`,
  );
}
