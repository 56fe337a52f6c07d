import type { z } from 'zod';
import { PolicyRepositoryReadError } from './PolicyRepositoryScm';
import {
  readErrorForRefusal,
  redact,
  type ScmRequestContext,
} from './scmResponses';

/** How one SCM API is called: the fetch (GitLab's integration retries by its config), the auth headers. */
export interface ScmClient {
  fetch(url: string, init: RequestInit): Promise<Response>;
  headers: Record<string, string>;
  /** Values that must never appear in a message (the token). */
  secrets: string[];
  now(): Date;
}

/**
 * `<base>/<segment>/…?<query>`, every segment encoded: names from config and the SCM's answers
 * are never spliced into a URL, and the base is the integration's configured API URL.
 */
export function scmApiUrl(
  base: string,
  segments: Array<string | number>,
  query: Record<string, string | number> = {},
): string {
  const url = new URL(
    `${base.replace(/\/+$/, '')}/${segments
      .map(s => encodeURIComponent(String(s)))
      .join('/')}`,
  );
  for (const [key, value] of Object.entries(query)) {
    url.searchParams.set(key, String(value));
  }
  return url.toString();
}

async function request(
  client: ScmClient,
  url: string,
  context: ScmRequestContext,
  accept: string,
): Promise<Response> {
  let response: Response;
  try {
    response = await client.fetch(url, {
      headers: { ...client.headers, Accept: accept },
    });
  } catch (e) {
    throw new PolicyRepositoryReadError(
      'error',
      `${context.host} could not be reached reading ${context.reading} of ${
        context.repository
      }: ${redact(String((e as Error)?.message ?? e), client.secrets)}`,
    );
  }
  if (!response.ok) {
    const body = await response.text().catch(() => '');
    throw readErrorForRefusal(
      { status: response.status, headers: response.headers, body },
      context,
      client.now(),
    );
  }
  return response;
}

function unexpected(context: ScmRequestContext, what: string) {
  return new PolicyRepositoryReadError(
    'error',
    `${context.host} answered reading ${context.reading} of ${context.repository} with ${what}: check that apiBaseUrl of integrations.${context.provider}[] for ${context.host} is the API's URL`,
  );
}

/** GETs a JSON answer and checks its shape; any refusal is a `PolicyRepositoryReadError`. */
export async function fetchScmJson<T>(
  client: ScmClient,
  url: string,
  context: ScmRequestContext,
  schema: z.ZodType<T>,
  accept = 'application/json',
): Promise<{ value: T; headers: Headers }> {
  const response = await request(client, url, context, accept);
  let json: unknown;
  try {
    json = await response.json();
  } catch {
    throw unexpected(context, 'something that is not JSON');
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const at = issue?.path.length ? issue.path.join('.') : 'the answer';
    throw unexpected(
      context,
      `an unexpected body (${at}: ${issue?.message ?? 'invalid'})`,
    );
  }
  return { value: parsed.data, headers: response.headers };
}

/** GETs a text answer (GitHub's `application/vnd.github.sha`). */
export async function fetchScmText(
  client: ScmClient,
  url: string,
  context: ScmRequestContext,
  accept: string,
): Promise<string> {
  const response = await request(client, url, context, accept);
  return (await response.text()).trim();
}

/** A commit id as GitHub and GitLab write it (SHA-1, or SHA-256 repositories). */
export function checkCommit(
  value: unknown,
  context: ScmRequestContext,
): string {
  if (
    typeof value === 'string' &&
    /^[0-9a-f]{40}([0-9a-f]{24})?$/.test(value)
  ) {
    return value;
  }
  throw unexpected(context, 'something that is not a commit id');
}

/**
 * A detail of one request (its reviews or approvals) that is gone or not offered (404: the
 * request was deleted while reading, or the instance hides approvals) reads as none, rather than
 * as the whole repository missing. Every other refusal still fails the read.
 */
export async function unlessNotFound<T>(read: Promise<T>, none: T): Promise<T> {
  try {
    return await read;
  } catch (e) {
    if (e instanceof PolicyRepositoryReadError && e.status === 'not-found') {
      return none;
    }
    throw e;
  }
}
