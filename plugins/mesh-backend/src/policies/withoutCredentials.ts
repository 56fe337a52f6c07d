/**
 * GitHub's token prefixes (https://github.blog/engineering/platform-security/behind-githubs-new-authentication-token-formats/)
 * and GitLab's (`glpat-` and the others listed in https://docs.gitlab.com/security/tokens/#token-prefixes).
 */
const TOKENS =
  /\b(?:gh[pousr]_[A-Za-z0-9_]{8,}|github_pat_[A-Za-z0-9_]{8,}|gl(?:pat|oas|dt|rt|cbt|ptt|ft|imt|agent|soat)-[A-Za-z0-9_-]{8,})/g;

/**
 * A repository's sync message as any signed-in user may read it: an SCM's error can echo the
 * URL it was given, and a URL can carry credentials (`https://user:token@host/…`,
 * `?private_token=…`, `?access_token=…`) or a bearer token. Each is replaced by `***`.
 */
export function withoutCredentials(message: string): string {
  return message
    .replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^\s/@]+@/gi, '$1***@')
    .replace(
      /([?&](?:private_token|access_token|token|job_token)=)[^&\s#]+/gi,
      '$1***',
    )
    .replace(/(\bBearer\s+)[^\s,;]+/gi, '$1***')
    .replace(TOKENS, '***');
}
