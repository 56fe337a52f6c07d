import { rateLimitOf, readErrorForRefusal, redact } from './scmResponses';

const NOW = new Date('2026-06-01T00:00:00Z');
const refusal = (
  status: number,
  headers: Record<string, string> = {},
  body = '',
) => ({ status, headers: new Headers(headers), body });

describe('rateLimitOf', () => {
  it.each([
    [
      'GitHub 403 without limit headers',
      'github',
      refusal(403),
      false,
      undefined,
    ],
    ['GitHub 429', 'github', refusal(429), true, '2026-06-01T00:01:00.000Z'],
    [
      'GitHub Retry-After as an HTTP date',
      'github',
      refusal(403, { 'retry-after': 'Mon, 01 Jun 2026 00:10:00 GMT' }),
      true,
      '2026-06-01T00:10:00.000Z',
    ],
    [
      'GitHub remaining 0 with a malformed reset',
      'github',
      refusal(403, {
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': 'soon',
      }),
      true,
      undefined,
    ],
    ['GitLab 403', 'gitlab', refusal(403), false, undefined],
    [
      'GitLab RateLimit-ResetTime',
      'gitlab',
      refusal(429, { 'ratelimit-resettime': 'Mon, 01 Jun 2026 00:02:00 GMT' }),
      true,
      '2026-06-01T00:02:00.000Z',
    ],
  ] as const)('%s', (_, provider, answer, limited, retryAt) => {
    const result = rateLimitOf(provider, answer, NOW);
    expect(result.limited).toBe(limited);
    expect(result.retryAt?.toISOString()).toBe(retryAt);
  });
});

describe('readErrorForRefusal', () => {
  const context = {
    provider: 'github' as const,
    host: 'github.example.com',
    repository: 'acme/mesh-policies',
    reading: 'the pull requests',
  };

  it('reads a 422 as a missing ref only where the call names one', () => {
    expect(readErrorForRefusal(refusal(422), context, NOW).status).toBe(
      'error',
    );
    expect(
      readErrorForRefusal(
        refusal(422),
        { ...context, unknownRef: 'no branch' },
        NOW,
      ),
    ).toMatchObject({ status: 'not-found', message: 'no branch' });
    // on GitHub a 404 is the repository, whatever ref was asked
    expect(
      readErrorForRefusal(
        refusal(404),
        { ...context, unknownRef: 'no branch' },
        NOW,
      ),
    ).toMatchObject({
      status: 'not-found',
      message: expect.stringMatching(
        /^acme\/mesh-policies does not exist on github.example.com/,
      ),
    });
  });
});

describe('redact', () => {
  it('removes every occurrence of each secret, ignoring empty and short ones', () => {
    expect(redact('a tok3n and tok3n, x', ['tok3n', '', undefined, 'x'])).toBe(
      'a *** and ***, x',
    );
  });
});
