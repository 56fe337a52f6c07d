import type { PolicyRepositoryProvider } from '@meshport/backstage-plugin-mesh-common';
import { PolicyRepositoryReadError } from './PolicyRepositoryScm';

/** What an SCM refusal is about, for the messages. */
export interface ScmRequestContext {
  provider: PolicyRepositoryProvider;
  host: string;
  /** `owner/repo` (GitLab: `group/sub/repo`). */
  repository: string;
  /** What the request read, e.g. `the pull requests`. */
  reading: string;
  /** The message for a 404, when not the repository's. */
  notFound?: string;
  /** GitHub answers 422 for a ref it does not know: the message for it. */
  unknownRef?: string;
}

/** The parts of a refused HTTP answer the mapping looks at. */
export interface ScmRefusal {
  status: number;
  headers: { get(name: string): string | null };
  /** The answer's text, when read: GitHub names its secondary rate limit only there. */
  body?: string;
}

/** When GitHub does not say how long to wait on a secondary limit, wait at least a minute. */
const DEFAULT_RETRY_MS = 60_000;

const header = (refusal: ScmRefusal, name: string) =>
  refusal.headers.get(name)?.trim() || undefined;

/** `Retry-After` as seconds or an HTTP date (RFC 9110 §10.2.3). */
function retryAfter(value: string | undefined, now: Date): Date | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value))
    return new Date(now.getTime() + Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : new Date(at);
}

/** An epoch-seconds reset header (GitHub `x-ratelimit-reset`, GitLab `RateLimit-Reset`). */
function epochSeconds(value: string | undefined): Date | undefined {
  return value && /^\d+$/.test(value)
    ? new Date(Number(value) * 1000)
    : undefined;
}

/**
 * Whether a refusal is a rate limit, and until when. GitHub: a 403 or 429 with
 * `x-ratelimit-remaining: 0` (wait until `x-ratelimit-reset`), or a secondary limit named in
 * the message (wait `retry-after` seconds, else a minute), per "Rate limits for the REST API"
 * (docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api). GitLab: a 429 with
 * `Retry-After` or `RateLimit-Reset` (docs.gitlab.com/security/rate_limits), which gitlab.com
 * sometimes omits.
 */
export function rateLimitOf(
  provider: PolicyRepositoryProvider,
  refusal: ScmRefusal,
  now: Date,
): { limited: boolean; retryAt?: Date } {
  const { status } = refusal;
  const remaining = header(refusal, 'x-ratelimit-remaining');
  const after = retryAfter(header(refusal, 'retry-after'), now);
  if (provider === 'github') {
    if (status !== 403 && status !== 429) return { limited: false };
    if (remaining === '0') {
      return {
        limited: true,
        retryAt: after ?? epochSeconds(header(refusal, 'x-ratelimit-reset')),
      };
    }
    if (
      status === 429 ||
      after ||
      /secondary rate limit/i.test(refusal.body ?? '')
    ) {
      return {
        limited: true,
        retryAt: after ?? new Date(now.getTime() + DEFAULT_RETRY_MS),
      };
    }
    return { limited: false };
  }
  const gitlabRemaining = header(refusal, 'ratelimit-remaining');
  if (status !== 429 && !(status === 403 && gitlabRemaining === '0')) {
    return { limited: false };
  }
  const resetTime = header(refusal, 'ratelimit-resettime');
  return {
    limited: true,
    retryAt:
      after ??
      epochSeconds(header(refusal, 'ratelimit-reset')) ??
      (resetTime && !Number.isNaN(Date.parse(resetTime))
        ? new Date(Date.parse(resetTime))
        : undefined),
  };
}

/**
 * The lifecycle's reading of an SCM's refusal: what went wrong and what to do, never the token
 * (no header or credential goes into a message; the answer's text is not quoted).
 */
export function readErrorForRefusal(
  refusal: ScmRefusal,
  context: ScmRequestContext,
  now: Date = new Date(),
): PolicyRepositoryReadError {
  const { provider, host, repository, reading } = context;
  const rate = rateLimitOf(provider, refusal, now);
  if (rate.limited) {
    const until = rate.retryAt ? ` until ${rate.retryAt.toISOString()}` : '';
    return new PolicyRepositoryReadError(
      'rate-limited',
      `${host} rate-limits reading ${reading} of ${repository}${until}; the last known states are kept and the next sync tries again`,
      rate.retryAt?.toISOString(),
    );
  }
  if (refusal.status === 401) {
    return new PolicyRepositoryReadError(
      'unauthorized',
      `the token for ${host} was refused: renew integrations.${provider}[].token${
        provider === 'github' ? " (or the GitHub App's credentials)" : ''
      } for host ${host}`,
    );
  }
  if (provider === 'github' && refusal.status === 422 && context.unknownRef) {
    return new PolicyRepositoryReadError('not-found', context.unknownRef);
  }
  if (refusal.status === 404) {
    return new PolicyRepositoryReadError(
      'not-found',
      context.notFound ??
        `${repository} does not exist on ${host} or the token cannot see it: check the repository in mesh.policyRepositories and the token's access`,
    );
  }
  if (refusal.status === 403) {
    return new PolicyRepositoryReadError(
      'error',
      `${host} refused reading ${reading} of ${repository} (403): give the token of integrations.${provider}[] for ${host} read access to the repository's contents and ${
        provider === 'github' ? 'pull requests' : 'merge requests'
      }`,
    );
  }
  return new PolicyRepositoryReadError(
    'error',
    `${host} answered ${refusal.status} reading ${reading} of ${repository}; the next sync tries again`,
  );
}

/** Removes secrets from a message that quotes text the code did not write (a library's error). */
export function redact(message: string, secrets: Array<string | undefined>) {
  return secrets.reduce<string>(
    (text, secret) =>
      secret && secret.length >= 4 ? text.split(secret).join('***') : text,
    message,
  );
}
